import { daysPastDue } from '../domain/aging.js';
import {
  expectedIntents,
  initialState,
  isSilent,
  step,
  type ConversationState,
  type EngineAction,
  type EngineFacts,
  type Reply,
  type StepResult,
} from '../domain/engine/index.js';
import {
  describePreference,
  mentionsContact,
  parseContactPreference,
} from '../domain/contact-policy/index.js';
import { surveyChoicePrefix } from '../domain/outreach/render-outreach.js';
import { AppError } from '../domain/errors.js';
import type { Flow } from '../domain/flow/schema.js';
import type { OutboundContent, Provider } from '../domain/messaging/message.js';
import { renderMessage, resolveCatalogLocale } from '../domain/messages/render.js';
import type { MessageCatalogs } from '../domain/messages/render.js';
import type { Channel, ConversationId } from '../domain/model.js';
import type { NegotiationPolicy } from '../domain/negotiation/policy.js';
import type { Understanding } from '../domain/understanding/types.js';
import type { Clock } from '../ports/clock.js';
import type {
  ConversationSnapshot,
  ConversationStore,
  ConversationTransaction,
  NewTranscriptMessage,
} from '../ports/conversation-store.js';
import type { Understander } from '../ports/understander.js';
import { assistReplies, type AssistedReply, type ReplyAssistant } from './assist-replies.js';

/** The flows, policy and catalogs conversations run on (validated at boot). */
export interface ConversationBundle {
  readonly flows: Readonly<Record<string, Flow>>;
  readonly policy: NegotiationPolicy;
  readonly catalogs: MessageCatalogs;
}

/** Who is collecting, as the operator configured it; said only after identity is verified. */
export interface CreditorProfile {
  readonly name: string;
  /** How to pay: bank details or a payment link, as the operator writes it. */
  readonly paymentDetails: string;
}

export interface ConversationDeps {
  readonly store: ConversationStore;
  readonly understander: Understander;
  readonly bundle: ConversationBundle;
  readonly clock: Clock;
  readonly creditor: CreditorProfile;
  /** The flow new conversations start on. */
  readonly defaultFlowId: string;
  /** Grounded answers and rewording by a language model; absent without one (issue 6). */
  readonly replies?: ReplyAssistant | undefined;
}

/** What one debtor message produced, for the channel to deliver and for scripting. */
export interface TurnOutcome {
  readonly conversationId: ConversationId;
  /** The message was a redelivery of one already processed: nothing was done again. */
  readonly isDuplicate: boolean;
  readonly replies: readonly Reply[];
  readonly understanding: Understanding | undefined;
  readonly actions: readonly EngineAction[];
  /** The step the conversation waits in after the turn. */
  readonly step: string | null;
  readonly owner: 'bot' | 'agent';
}

function flowFor(deps: ConversationDeps, flowId: string): Flow {
  const flow = deps.bundle.flows[flowId];
  if (flow === undefined) throw new AppError('flow_invalid', `flow "${flowId}" is not loaded`);
  return flow;
}

function factsOf(
  conversation: ConversationSnapshot,
  creditor: CreditorProfile,
  now: Date,
): EngineFacts {
  const { debtor, account } = conversation;
  return {
    debtor: {
      name: debtor.name,
      locale: debtor.locale,
      timeZone: debtor.timeZone,
      documentId: debtor.documentId,
      segment: debtor.segment,
    },
    account: {
      balance: account.balance,
      currency: account.currency,
      dueDate: account.dueDate,
      product: account.product,
      minPayment: account.minPayment,
      daysPastDue: daysPastDue(account.dueDate, now, debtor.timeZone),
      nextInstallment: account.nextInstallment,
      paymentDetails: creditor.paymentDetails,
      creditorName: creditor.name,
      segment: account.segment ?? debtor.segment,
    },
  };
}

/** A reply as the channel-neutral message model: quick replies become choices. */
export function contentOf(reply: Reply): OutboundContent {
  return reply.options === undefined || reply.options.length === 0
    ? { type: 'text', text: reply.text }
    : { type: 'choices', text: reply.text, options: reply.options };
}

function outbound(replies: readonly AssistedReply[]): NewTranscriptMessage[] {
  return replies.map((reply) => ({
    direction: 'out',
    author: 'bot',
    body: reply.text,
    payload: {
      messageKey: reply.messageKey,
      locale: reply.locale,
      ...(reply.options === undefined ? {} : { options: reply.options }),
      ...(reply.llm === undefined ? {} : { llm: reply.llm }),
    },
    providerMessageId: null,
    flowId: reply.flowId,
    flowVersion: reply.flowVersion,
    promptId: reply.prompt?.id ?? null,
    promptVersion: reply.prompt?.version ?? null,
  }));
}

/** Opens a conversation about an account on a channel; the debtor speaks first. */
export async function openConversation(
  deps: ConversationDeps,
  input: { accountRef: string; channel: Channel; locale?: string | undefined },
): Promise<ConversationId> {
  const account = await deps.store.findAccount(input.accountRef);
  if (account === undefined)
    throw new AppError('not_found', `no account with ref ${input.accountRef}`);
  const state = initialState(flowFor(deps, deps.defaultFlowId));
  return deps.store.open({
    ...account,
    channel: input.channel,
    state,
    locale: input.locale,
    at: deps.clock.now(),
  });
}

/**
 * One debtor message, start to end, in one transaction under the conversation's lock:
 * de-duplicate on the provider's message id, understand, let the pure engine decide, then
 * append the message and the replies to the transcript, write the records the actions stand
 * for and save the state. A redelivered message changes nothing.
 */
export async function handleDebtorMessage(
  deps: ConversationDeps,
  input: {
    conversationId: ConversationId;
    text: string;
    providerMessageId?: string | undefined;
    /** The id of a reply button or list row the debtor tapped: routed by id, never by label. */
    choiceId?: string | undefined;
    /** When the debtor sent it, per the provider (opens WhatsApp's 24-hour window). */
    sentAt?: Date | undefined;
    /**
     * Set by the channel, not by the debtor's words: a Telegram /start or a shared contact
     * that just linked the chat opens the conversation like a greeting.
     */
    isOpening?: boolean | undefined;
  },
): Promise<TurnOutcome> {
  const outcome = await deps.store.withConversation(
    input.conversationId,
    async (tx): Promise<TurnOutcome> => {
      const { conversation } = tx;
      if (
        input.providerMessageId !== undefined &&
        (await tx.hasProcessed(input.providerMessageId))
      ) {
        return {
          conversationId: conversation.id,
          isDuplicate: true,
          replies: [],
          understanding: undefined,
          actions: [],
          step: conversation.state.stepId,
          owner: conversation.owner,
        };
      }
      const now = deps.clock.now();
      const score = surveyScoreOf(input.text, input.choiceId);
      if (score !== undefined && (await tx.answerSurvey(score, now))) {
        return recordSurveyAnswer(deps, tx, input, score, now);
      }
      const facts = factsOf(conversation, deps.creditor, now);
      const flow = flowFor(deps, conversation.state.flowId);
      const understood = await deps.understander.understand(input.text, {
        now,
        timeZone: facts.debtor.timeZone,
        locale: facts.debtor.locale,
        currency: facts.account.currency,
        expected: expectedIntents(flow, conversation.state),
        conversationId: conversation.id,
        identifiers:
          conversation.debtor.documentId === undefined ? [] : [conversation.debtor.documentId],
      });
      const understanding: Understanding =
        input.isOpening === true
          ? { intent: 'greet', confidence: 1, entities: {}, alternatives: [], source: 'channel' }
          : input.choiceId === undefined
            ? understood
            : { ...understood, entities: { ...understood.entities, choice: input.choiceId } };
      // "escríbeme después de las 6": kept for the contact policy and confirmed. When that is all
      // the message says, the flow does not move (it is not a miss to rephrase).
      const wish = mentionsContact(input.text)
        ? parseContactPreference(input.text, facts.debtor.locale)
        : undefined;
      const isOnlyWish =
        wish !== undefined &&
        (understanding.intent === 'unknown' || understanding.confidence < flow.confidenceThreshold);
      const result: StepResult = isOnlyWish
        ? { state: conversation.state, replies: [], actions: [], effects: [] }
        : step({
            flow,
            policy: deps.bundle.policy,
            catalog: deps.bundle.catalogs,
            state: conversation.state,
            understanding,
            text: input.text,
            facts,
            now,
            channel: conversation.channel,
          });
      const inbound: NewTranscriptMessage = {
        direction: 'in',
        author: 'debtor',
        body: input.text,
        payload: {
          intent: understanding.intent,
          confidence: understanding.confidence,
          entities: understanding.entities,
          understoodBy: understanding.source,
          stepBefore: conversation.state.stepId,
          stepAfter: result.state.stepId,
          actions: result.actions,
          effects: result.effects,
          ...(understanding.signals === undefined ? {} : { signals: understanding.signals }),
          ...(understanding.llm === undefined ? {} : { llm: understanding.llm }),
        },
        providerMessageId: input.providerMessageId ?? null,
        flowId: conversation.state.flowId,
        flowVersion: conversation.state.flowVersion,
        promptId: understanding.llm?.promptId ?? null,
        promptVersion: understanding.llm?.promptVersion ?? null,
      };
      const isOptOut = result.actions.some((a) => a.type === 'opted_out');
      const assisted =
        deps.replies === undefined || isOnlyWish
          ? result.replies
          : await assistReplies(deps.replies, {
              text: input.text,
              understanding,
              before: conversation.state,
              result,
              flow,
              facts,
              conversationId: conversation.id,
              now,
              identifiers:
                conversation.debtor.documentId === undefined
                  ? []
                  : [conversation.debtor.documentId],
            });
      const replies =
        wish === undefined || isSilent(result.state, conversation.channel)
          ? assisted
          : [
              ...assisted,
              botReply(
                deps,
                'contact.preference_saved',
                { window: describePreference(wish, facts.debtor.locale) },
                result.state,
                facts.debtor.locale,
              ),
            ];
      await tx.complete({
        messages: [inbound, ...outbound(replies)],
        actions: result.actions,
        state: result.state,
        at: now,
        inboundAt: input.sentAt ?? now,
        contactPreference: wish,
        outbox: replies.map((reply) => ({
          author: 'bot',
          content: contentOf(reply),
          locale: facts.debtor.locale,
          isOptOutNotice: isOptOut,
        })),
      });
      return {
        conversationId: conversation.id,
        isDuplicate: false,
        replies,
        understanding,
        actions: result.actions,
        step: result.state.stepId,
        owner: result.state.owner,
      };
    },
    { providerMessageId: input.providerMessageId },
  );
  if (outcome === undefined) throw new AppError('not_found', 'no such conversation');
  return outcome;
}

/** A debtor's answer to the 1-5 survey: a tapped `survey:N` option, or the number alone. */
export function surveyScoreOf(text: string, choiceId: string | undefined): number | undefined {
  const raw =
    choiceId?.startsWith(surveyChoicePrefix) === true
      ? choiceId.slice(surveyChoicePrefix.length)
      : text.trim().replace(/[.!]+$/, '');
  return /^[1-5]$/.test(raw) ? Number(raw) : undefined;
}

/** A reply the app itself says (not a flow step), attributed to the conversation's flow. */
function botReply(
  deps: ConversationDeps,
  key: string,
  vars: Record<string, string>,
  state: ConversationState,
  locale: string,
): Reply {
  return {
    text: renderMessage(deps.bundle.catalogs, key, vars, locale),
    messageKey: key,
    flowId: state.flowId,
    flowVersion: state.flowVersion,
    locale: resolveCatalogLocale(deps.bundle.catalogs, locale),
  };
}

/** The survey answer was stored: recorded in the transcript and thanked; the flow does not move. */
async function recordSurveyAnswer(
  deps: ConversationDeps,
  tx: ConversationTransaction,
  input: { text: string; providerMessageId?: string | undefined; sentAt?: Date | undefined },
  score: number,
  now: Date,
): Promise<TurnOutcome> {
  const { conversation } = tx;
  const { state } = conversation;
  const locale = conversation.debtor.locale;
  const replies = isSilent(state, conversation.channel)
    ? []
    : [botReply(deps, 'survey.thanks', {}, state, locale)];
  await tx.complete({
    messages: [
      {
        direction: 'in',
        author: 'debtor',
        body: input.text,
        payload: { survey: score },
        providerMessageId: input.providerMessageId ?? null,
        flowId: state.flowId,
        flowVersion: state.flowVersion,
        promptId: null,
        promptVersion: null,
      },
      ...outbound(replies),
    ],
    actions: [],
    state,
    at: now,
    inboundAt: input.sentAt ?? now,
    outbox: replies.map((reply) => ({
      author: 'bot',
      content: contentOf(reply),
      locale,
      isOptOutNotice: false,
    })),
  });
  return {
    conversationId: conversation.id,
    isDuplicate: false,
    replies,
    understanding: undefined,
    actions: [],
    step: state.stepId,
    owner: conversation.owner,
  };
}

/** What the bot answers to content it cannot read as text. */
export type NonTextKind =
  'audio_or_video' | 'image_or_document' | 'location' | 'contact' | 'unsupported';

/**
 * A debtor's media, location, contact or unsupported message: recorded in the transcript and
 * answered kindly ("no puedo escuchar audios, ¿me lo escribes?"). An image or document sent
 * while a payment claim is open is attached to it as a receipt for an agent. The engine state
 * does not move; a silent conversation (agent, opt-out, wrong number) gets no reply.
 */
export async function handleNonTextMessage(
  deps: ConversationDeps,
  input: {
    conversationId: ConversationId;
    kind: NonTextKind;
    description: string;
    providerMessageId: string;
    sentAt: Date;
    media?: { provider: Provider; mediaRef: string; mimeType?: string | undefined } | undefined;
  },
): Promise<TurnOutcome> {
  const outcome = await deps.store.withConversation(
    input.conversationId,
    async (tx): Promise<TurnOutcome> => {
      const { conversation } = tx;
      const { state } = conversation;
      if (await tx.hasProcessed(input.providerMessageId)) {
        return {
          conversationId: conversation.id,
          isDuplicate: true,
          replies: [],
          understanding: undefined,
          actions: [],
          step: state.stepId,
          owner: conversation.owner,
        };
      }
      const now = deps.clock.now();
      const isReceipt =
        input.kind === 'image_or_document' &&
        input.media !== undefined &&
        state.isPaused &&
        state.isVerified;
      const key = isReceipt
        ? 'channel.media_received'
        : input.kind === 'audio_or_video'
          ? 'channel.audio_unsupported'
          : input.kind === 'location'
            ? 'channel.location_unsupported'
            : 'channel.media_unreadable';
      const locale = conversation.debtor.locale;
      const replies: Reply[] = isSilent(state, conversation.channel)
        ? []
        : [
            {
              text: renderMessage(deps.bundle.catalogs, key, {}, locale),
              messageKey: key,
              flowId: state.flowId,
              flowVersion: state.flowVersion,
              locale: resolveCatalogLocale(deps.bundle.catalogs, locale),
            },
          ];
      await tx.complete({
        messages: [
          {
            direction: 'in',
            author: 'debtor',
            body: input.description,
            payload: {
              kind: input.kind,
              ...(input.media === undefined ? {} : { media: input.media }),
            },
            providerMessageId: input.providerMessageId,
            flowId: state.flowId,
            flowVersion: state.flowVersion,
            promptId: null,
            promptVersion: null,
          },
          ...outbound(replies),
        ],
        actions: [],
        state,
        at: now,
        inboundAt: input.sentAt,
        outbox: replies.map((reply) => ({
          author: 'bot',
          content: contentOf(reply),
          locale,
          isOptOutNotice: false,
        })),
        claimAttachment: isReceipt ? input.media : undefined,
      });
      return {
        conversationId: conversation.id,
        isDuplicate: false,
        replies,
        understanding: undefined,
        actions: [],
        step: state.stepId,
        owner: conversation.owner,
      };
    },
    { providerMessageId: input.providerMessageId },
  );
  if (outcome === undefined) throw new AppError('not_found', 'no such conversation');
  return outcome;
}

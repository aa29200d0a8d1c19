/**
 * Where a turn's replies meet the language model, after the engine has decided the turn and
 * before it is stored: a verified debtor's question about the debt gets a grounded answer
 * ({@link GroundedAnswerer}), and otherwise the template replies may be reworded
 * ({@link ReplyRephraser}). Only reply text changes; the engine's state, actions and effects
 * stand exactly as it decided them. Nothing here runs before identity is verified, except the
 * rewording of replies that say nothing about the debt by construction (public steps).
 */
import type { ConversationState, EngineFacts, Reply, StepResult } from '../domain/engine/index.js';
import type { Flow } from '../domain/flow/schema.js';
import { isQuestion } from '../domain/llm/grounding.js';
import type { Understanding } from '../domain/understanding/types.js';
import type { GroundedAnswerer } from './grounded-answer.js';
import type { AssistedReply } from './reply-llm.js';
import type { ReplyRephraser } from './rephrase-replies.js';

export type { AssistedReply } from './reply-llm.js';

/** The optional LLM helpers for replies; either may be absent. */
export interface ReplyAssistant {
  readonly answerer?: GroundedAnswerer | undefined;
  readonly rephraser?: ReplyRephraser | undefined;
}

export interface AssistInput {
  readonly text: string;
  readonly understanding: Understanding;
  /** The state before the turn and the engine's decision. */
  readonly before: ConversationState;
  readonly result: StepResult;
  readonly flow: Flow;
  readonly facts: EngineFacts;
  readonly conversationId: string;
  readonly now: Date;
  readonly identifiers: readonly string[];
}

/**
 * Which kind of debt question this turn is, if the bot may answer it: `details` when the
 * engine routed a sure ask_details (it quoted the balance), `unmatched` when a question the
 * engine could not route got its no-match reply. Only when identity was verified before the
 * turn, the bot still owns the conversation and no clarifying question is open.
 */
export function debtQuestionKind(input: AssistInput): 'details' | 'unmatched' | undefined {
  const { before, result, understanding, flow } = input;
  const after = result.state;
  if (!before.isVerified || !after.isVerified || after.isIdentityLocked) return undefined;
  if (after.owner !== 'bot' || after.clarifying !== null || result.replies.length === 0) {
    return undefined;
  }
  if (
    understanding.intent === 'ask_details' &&
    understanding.confidence >= flow.confidenceThreshold
  ) {
    return 'details';
  }
  const isNoMatch =
    result.actions.length === 0 &&
    after.stepId === before.stepId &&
    after.noMatchCount > before.noMatchCount;
  return understanding.intent === 'unknown' && isNoMatch && isQuestion(input.text)
    ? 'unmatched'
    : undefined;
}

function replyLike(
  template: Reply,
  text: string,
  messageKey: string,
  options: Reply['options'],
): Reply {
  return {
    text,
    messageKey,
    flowId: template.flowId,
    flowVersion: template.flowVersion,
    locale: template.locale,
    ...(options === undefined ? {} : { options }),
  };
}

/** The turn's replies with the model's help where it is configured and allowed. */
export async function assistReplies(
  assistant: ReplyAssistant,
  input: AssistInput,
): Promise<readonly AssistedReply[]> {
  const { result, facts } = input;
  const replies = result.replies;
  const first = replies[0];
  const last = replies[replies.length - 1];
  if (first === undefined || last === undefined) return replies;

  const kind = assistant.answerer === undefined ? undefined : debtQuestionKind(input);
  if (kind !== undefined && assistant.answerer !== undefined) {
    const grounded = await assistant.answerer.answer({
      question: input.text,
      account: facts.account,
      locale: facts.debtor.locale,
      conversationId: input.conversationId,
      now: input.now,
      identifiers: input.identifiers,
    });
    switch (grounded.type) {
      case 'skipped':
        return [{ ...first, llm: grounded.trace }, ...replies.slice(1)];
      case 'answered':
        // The answer, with the engine's last reply's choices: the step still offers them.
        return [
          {
            ...replyLike(last, grounded.text, 'llm.answer', last.options),
            prompt: grounded.prompt,
            llm: grounded.trace,
          },
        ];
      case 'unanswered': {
        // After a routed question, what the engine knows of the account still follows, as
        // without a model; after an unmatched one, the no-match reply's choices stay offered.
        const reply: AssistedReply = {
          ...replyLike(
            last,
            grounded.text,
            'faq.unanswered',
            kind === 'details' ? undefined : last.options,
          ),
          ...(grounded.prompt === undefined ? {} : { prompt: grounded.prompt }),
          llm: grounded.trace,
        };
        return kind === 'details' ? [reply, ...replies] : [reply];
      }
    }
  }
  if (assistant.rephraser === undefined) return replies;
  const { debtor, account } = facts;
  return assistant.rephraser.rephrase(replies, {
    text: input.text,
    locale: debtor.locale,
    language: input.understanding.signals?.language,
    conversationId: input.conversationId,
    now: input.now,
    identifiers: input.identifiers,
    protectedTerms: [
      debtor.name,
      ...debtor.name.split(/\s+/).filter((w) => w.length > 1),
      account.creditorName,
      ...(account.product === undefined ? [] : [account.product]),
      account.paymentDetails,
    ],
  });
}

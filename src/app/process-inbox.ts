import { initialState } from '../domain/engine/index.js';
import { AppError } from '../domain/errors.js';
import {
  channelOf,
  inboundText,
  type InboundItem,
  type InboundMessage,
  type OutboundContent,
  type Provider,
} from '../domain/messaging/message.js';
import { shareContactOptionId } from '../domain/messaging/render-telegram.js';
import { renderMessage } from '../domain/messages/render.js';
import type { InboundParser } from '../ports/channel.js';
import type { ClaimedEvent, InboundEventStore, SenderDirectory } from '../ports/inbound-events.js';
import type { OutboxStore } from '../ports/outbox.js';
import {
  handleDebtorMessage,
  handleNonTextMessage,
  type ConversationDeps,
} from './conversations.js';

export interface InboxProcessorDeps {
  readonly events: InboundEventStore;
  readonly parsers: ReadonlyMap<Provider, InboundParser>;
  readonly directory: SenderDirectory;
  readonly outbox: OutboxStore;
  readonly conversations: ConversationDeps;
  /** Locale for replies to senders we could not match (we know nothing else about them). */
  readonly defaultLocale: string;
  /** Tries before an event is failed for good. */
  readonly maxAttempts?: number;
  /** A worker that died mid-event leaves it `processing`; after this long another takes it. */
  readonly staleAfterMs?: number;
  /**
   * A channel's own way of proving who a sender is, run before matching (a Telegram
   * `/start <signed token>` deep link). True when it linked the sender just now.
   */
  readonly linkSender?: ((message: InboundMessage, at: Date) => Promise<boolean>) | undefined;
  /** Senders processed side by side (1 on the embedded store, which has one connection). */
  readonly concurrency?: number | undefined;
}

/** A bot command's payload can be a credential (a signed deep link): the transcript keeps only the command. */
function withoutCommandPayload(text: string): string {
  const command = /^(\/start)(?:@\w+)?\s+\S+\s*$/i.exec(text.trim());
  return command?.[1] ?? text;
}

/**
 * The one reply a sender we cannot match gets: it reveals nothing. On Telegram a chat id says
 * nothing about the person, so it offers a button to share the phone number.
 */
function unknownSenderReply(deps: InboxProcessorDeps, provider: Provider): OutboundContent {
  const { catalogs } = deps.conversations.bundle;
  const text = renderMessage(catalogs, 'channel.unknown_sender', {}, deps.defaultLocale);
  if (provider !== 'telegram') return { type: 'text', text };
  const label = renderMessage(catalogs, 'channel.share_contact', {}, deps.defaultLocale);
  return { type: 'choices', text, options: [{ id: shareContactOptionId, label }] };
}

export interface InboxRun {
  readonly processed: number;
  readonly failed: readonly {
    readonly id: string;
    readonly error: string;
    readonly isFinal: boolean;
  }[];
}

/**
 * Processes stored provider events: parses each with its provider's parser, applies delivery
 * statuses to the outbox, and turns each debtor message into a conversation turn (whose
 * replies the turn writes to the outbox). Safe to run again on the same events: turns are
 * de-duplicated on the provider's message id, so a crash between a turn and marking its event
 * processed produces no second turn.
 */
export async function processInbox(deps: InboxProcessorDeps, limit = 50): Promise<InboxRun> {
  const now = deps.conversations.clock.now();
  const claimed = await deps.events.claim(limit, now, deps.staleAfterMs ?? 60_000);
  const done: string[] = [];
  const failed: { id: string; error: string; isFinal: boolean }[] = [];
  const handle = async (event: ParsedEvent): Promise<void> => {
    try {
      await processEvent(deps, event);
      done.push(event.id);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const isFinal =
        err instanceof AppError
          ? err.code === 'bad_request' || event.attempts >= (deps.maxAttempts ?? 5)
          : event.attempts >= (deps.maxAttempts ?? 5);
      await deps.events.failed(event.id, error, deps.conversations.clock.now(), isFinal);
      failed.push({ id: event.id, error, isFinal });
    }
  };
  // One sender's events in arrival order; different senders side by side.
  const lanes = new Map<string, ParsedEvent[]>();
  for (const event of claimed.map((e) => parseEvent(deps, e))) {
    lanes.set(event.lane, [...(lanes.get(event.lane) ?? []), event]);
  }
  const queue = [...lanes.values()];
  const workers = Array.from(
    { length: Math.max(1, Math.min(deps.concurrency ?? 1, queue.length)) },
    async () => {
      for (let lane = queue.shift(); lane !== undefined; lane = queue.shift()) {
        for (const event of lane) await handle(event);
      }
    },
  );
  await Promise.all(workers);
  // A crash before this line only means these events are turned again: their turns are
  // de-duplicated on the provider's message id, so nothing happens twice.
  await deps.events.processed(done, deps.conversations.clock.now());
  return { processed: done.length, failed };
}

interface ParsedEvent extends ClaimedEvent {
  readonly items: readonly InboundItem[] | Error;
  /** Events from one sender share a lane (their turns must run in order). */
  readonly lane: string;
}

function parseEvent(deps: InboxProcessorDeps, event: ClaimedEvent): ParsedEvent {
  const parser = deps.parsers.get(event.provider);
  if (parser === undefined) {
    return {
      ...event,
      items: new AppError('internal', `no parser for provider ${event.provider}`),
      lane: `event:${event.id}`,
    };
  }
  try {
    const items = parser.parse(event.payload);
    const message = items.find((item) => item.type === 'message');
    return {
      ...event,
      items,
      lane:
        message === undefined
          ? `event:${event.id}`
          : `${event.provider}:${message.sender.externalId}`,
    };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      ...event,
      items: new AppError('bad_request', `unparseable ${event.provider} event: ${reason}`),
      lane: `event:${event.id}`,
    };
  }
}

async function processEvent(deps: InboxProcessorDeps, event: ParsedEvent): Promise<void> {
  if (event.items instanceof Error) throw event.items;
  for (const item of event.items) {
    if (item.type === 'status') {
      await deps.outbox.applyStatus(item, deps.conversations.clock.now());
    } else {
      await receiveMessage(deps, item);
    }
  }
}

async function receiveMessage(deps: InboxProcessorDeps, message: InboundMessage): Promise<void> {
  const now = deps.conversations.clock.now();
  const { sender, content } = message;
  const isLinked = deps.linkSender === undefined ? false : await deps.linkSender(message, now);
  const match = await deps.directory.match(sender, now);
  if (match === undefined) {
    // Reveal nothing to a number we cannot match; answer it once, and keep it for review.
    const isFirst = await deps.directory.recordUnknown(sender, now);
    if (isFirst && sender.provider !== 'web') {
      await deps.outbox.enqueue({
        provider: sender.provider,
        recipient: sender.externalId,
        content: unknownSenderReply(deps, sender.provider),
        locale: deps.defaultLocale,
        at: now,
      });
    }
    return;
  }
  // The sender's own contact card (what a share-contact button sends) just proved the number.
  const isOwnContact =
    content.type === 'contact' &&
    sender.phone !== undefined &&
    content.phones.includes(sender.phone);
  const flow = deps.conversations.bundle.flows[deps.conversations.defaultFlowId];
  if (flow === undefined)
    throw new AppError('flow_invalid', `flow "${deps.conversations.defaultFlowId}" is not loaded`);
  const conversationId = await deps.conversations.store.openForRoute({
    debtorId: match.debtorId,
    accountId: match.accountId,
    open: match.openConversation,
    channel: channelOf[sender.provider],
    provider: sender.provider,
    address: sender.externalId,
    state: initialState(flow),
    at: now,
  });
  const common = {
    conversationId,
    providerMessageId: message.providerMessageId,
    sentAt: message.sentAt,
  };
  switch (content.type) {
    case 'text':
      await handleDebtorMessage(deps.conversations, {
        ...common,
        text: withoutCommandPayload(content.text),
        isOpening: isLinked,
      });
      return;
    case 'choice':
      await handleDebtorMessage(deps.conversations, {
        ...common,
        text: inboundText(content),
        choiceId: content.optionId,
      });
      return;
    case 'media': {
      // A caption is something the debtor wrote: it is the message.
      if (
        content.caption !== undefined &&
        content.caption.trim() !== '' &&
        content.kind !== 'image' &&
        content.kind !== 'document'
      ) {
        await handleDebtorMessage(deps.conversations, { ...common, text: content.caption });
        return;
      }
      const kind =
        content.kind === 'image' || content.kind === 'document'
          ? 'image_or_document'
          : content.kind === 'sticker'
            ? 'unsupported'
            : 'audio_or_video';
      await handleNonTextMessage(deps.conversations, {
        ...common,
        kind,
        description: `[${content.kind}${content.fileName === undefined ? '' : ` ${content.fileName}`}]${content.caption === undefined ? '' : ` ${content.caption}`}`,
        media: {
          provider: sender.provider,
          mediaRef: content.mediaRef,
          mimeType: content.mimeType,
        },
      });
      return;
    }
    case 'location':
      await handleNonTextMessage(deps.conversations, {
        ...common,
        kind: 'location',
        description: '[location]',
      });
      return;
    case 'contact':
      if (isOwnContact) {
        await handleDebtorMessage(deps.conversations, {
          ...common,
          text: '[shared own contact]',
          isOpening: true,
        });
        return;
      }
      await handleNonTextMessage(deps.conversations, {
        ...common,
        kind: 'contact',
        description: '[contact]',
      });
      return;
    case 'unsupported':
      await handleNonTextMessage(deps.conversations, {
        ...common,
        kind: 'unsupported',
        description: `[${content.providerType}]`,
      });
      return;
  }
}

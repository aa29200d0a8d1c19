/**
 * Turns a stored Twilio webhook event (see {@link TwilioSmsEvent}) into canonical items: an
 * inbound SMS/MMS becomes one message per part, a status callback becomes a delivery status.
 * Pure: everything it needs, including when the request arrived, is in the stored payload.
 * A payload the webhook could not have stored throws AppError('bad_request').
 */
import { z } from 'zod';
import { AppError } from '../../../domain/errors.js';
import type {
  DeliveryState,
  DeliveryStatus,
  InboundItem,
  InboundMessage,
  MediaKind,
  Sender,
} from '../../../domain/messaging/message.js';
import type { InboundParser } from '../../../ports/channel.js';
import { keywordOfOptOutType, smsKeywordOf, type SmsKeyword } from './keywords.js';

const provider = 'twilio-sms';

/** Twilio posts form fields; a repeated field arrives as an array. */
const ParamValueSchema = z.union([z.string(), z.array(z.string())]);

/**
 * What the webhook stores for one request: Twilio's form parameters untouched (so the signature
 * could be checked again), which endpoint received them, and when. Twilio's inbound webhook
 * carries no timestamp of its own, so `receivedAt` is the message's time.
 */
export const TwilioSmsEventSchema = z.object({
  kind: z.enum(['message', 'status']),
  receivedAt: z.iso.datetime({ offset: true }),
  params: z.record(z.string(), ParamValueSchema),
  /** I-Twilio-Idempotency-Token of the delivery, kept for tracing; dedupe is on MessageSid. */
  idempotencyToken: z.string().optional(),
  /** Our outbox id, echoed in the StatusCallback URL's query (status callbacks only). */
  outboxId: z.string().optional(),
});
export type TwilioSmsEvent = z.infer<typeof TwilioSmsEventSchema>;

type Params = TwilioSmsEvent['params'];

/** One form field as a string: the first value of a repeated one, undefined when absent or empty. */
export function paramOf(params: Params, name: string): string | undefined {
  const value = params[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

const e164 = /^\+[1-9]\d{6,14}$/;

function senderOf(from: string): Sender {
  // Short codes and alphanumeric senders are not phones; only a real E.164 number is one.
  return { provider, externalId: from, phone: e164.test(from) ? from : undefined };
}

const mediaKindByFamily: ReadonlyMap<string, MediaKind> = new Map([
  ['image', 'image'],
  ['audio', 'audio'],
  ['video', 'video'],
]);

/** By the MIME family; anything else (PDF, vCard, …) is a document to look at, not to read. */
function mediaKindOf(mimeType: string | undefined): MediaKind {
  const family = mimeType?.split('/')[0]?.toLowerCase() ?? '';
  return mediaKindByFamily.get(family) ?? 'document';
}

/** The message part's count of media: Twilio sends NumMedia as a decimal string, up to 10. */
function mediaCountOf(params: Params): number {
  const count = Number(paramOf(params, 'NumMedia') ?? '0');
  return Number.isInteger(count) && count > 0 ? Math.min(count, 10) : 0;
}

function required(params: Params, name: string): string {
  const value = paramOf(params, name);
  if (value === undefined) throw new AppError('bad_request', `twilio-sms payload without ${name}`);
  return value;
}

function parseMessage(params: Params, at: Date): InboundMessage[] {
  const sid = required(params, 'MessageSid');
  const sender = senderOf(required(params, 'From'));
  const body = paramOf(params, 'Body');
  const mediaCount = mediaCountOf(params);
  if (mediaCount === 0) {
    return [
      {
        type: 'message',
        providerMessageId: sid,
        sender,
        sentAt: at,
        content:
          body === undefined
            ? { type: 'unsupported', providerType: 'empty' }
            : { type: 'text', text: body },
      },
    ];
  }
  // One item per attachment; the body rides on the first as its caption. Later parts get their
  // own ids so that nothing downstream mistakes them for redeliveries of the first.
  return Array.from({ length: mediaCount }, (_, i): InboundMessage | undefined => {
    const url = paramOf(params, `MediaUrl${i}`);
    if (url === undefined) return undefined;
    const mimeType = paramOf(params, `MediaContentType${i}`);
    return {
      type: 'message',
      providerMessageId: i === 0 ? sid : `${sid}/media/${i}`,
      sender,
      sentAt: at,
      content: {
        type: 'media',
        kind: mediaKindOf(mimeType),
        mediaRef: url,
        mimeType,
        caption: i === 0 ? body : undefined,
      },
    };
  }).filter((item): item is InboundMessage => item !== undefined);
}

/**
 * Twilio's MessageStatus -> our delivery state. `queued`, `accepted`, `scheduled` and `sending`
 * say nothing new (the 201 from the Messages API already marked the row sent), `receiving` and
 * `received` are about inbound messages: none of them yields an item. `canceled` (a scheduled
 * message cancelled) is a failure for the outbox row.
 */
const stateByStatus: ReadonlyMap<string, DeliveryState> = new Map([
  ['sent', 'sent'],
  ['delivered', 'delivered'],
  ['read', 'read'],
  ['undelivered', 'failed'],
  ['failed', 'failed'],
  ['canceled', 'failed'],
]);

/** Titles of the delivery errors a collections sender meets most; the code is what counts. */
const errorTitles: ReadonlyMap<string, string> = new Map([
  ['21610', 'recipient unsubscribed (replied STOP)'],
  ['30003', 'unreachable destination handset'],
  ['30004', 'message blocked'],
  ['30005', 'unknown destination handset'],
  ['30006', 'landline or unreachable carrier'],
  ['30007', 'message filtered by the carrier'],
  ['30008', 'unknown error'],
]);

function parseStatus(params: Params, at: Date, outboxId: string | undefined): DeliveryStatus[] {
  const sid = required(params, 'MessageSid');
  const status = (paramOf(params, 'MessageStatus') ?? paramOf(params, 'SmsStatus'))?.toLowerCase();
  const state = status === undefined ? undefined : stateByStatus.get(status);
  if (state === undefined) return [];
  const errorCode = paramOf(params, 'ErrorCode');
  return [
    {
      type: 'status',
      provider,
      providerMessageId: sid,
      state,
      at,
      outboxId,
      errorCode,
      errorTitle:
        errorCode === undefined
          ? undefined
          : (errorTitles.get(errorCode) ?? paramOf(params, 'ErrorMessage')),
    },
  ];
}

/**
 * The keyword a stored inbound event carries: Twilio's own `OptOutType` when Advanced Opt-Out
 * matched one (custom keywords included), else our reading of the whole body.
 */
export function twilioSmsKeywordOf(payload: TwilioSmsEvent): SmsKeyword | undefined {
  if (payload.kind !== 'message') return undefined;
  return (
    keywordOfOptOutType(paramOf(payload.params, 'OptOutType')) ??
    smsKeywordOf(paramOf(payload.params, 'Body') ?? '')
  );
}

/** The parser for events the Twilio SMS webhook stored. */
export const twilioSmsParser: InboundParser = {
  provider,
  parse(payload: unknown): InboundItem[] {
    const parsed = TwilioSmsEventSchema.safeParse(payload);
    if (!parsed.success) {
      throw new AppError('bad_request', 'not a stored twilio-sms event', {
        details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    const event = parsed.data;
    const at = new Date(event.receivedAt);
    return event.kind === 'message'
      ? parseMessage(event.params, at)
      : parseStatus(event.params, at, event.outboxId);
  },
};

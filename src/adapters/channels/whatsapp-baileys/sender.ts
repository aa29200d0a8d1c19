/**
 * Sends outbox messages over the live Baileys socket. Unofficial clients get numbers banned when
 * they send fast or in bulk, so this sender paces itself: at most one message per chat every
 * `minIntervalMs` and at most `maxPerMinute` overall. A call that comes too early answers `retry`
 * with the wait, and the dispatcher comes back later; nothing is queued here.
 *
 * Choices go out as numbered text: buttons and lists sent from unofficial clients are often not
 * shown at all (or shown only on some phones), so a debtor replies with the number.
 */
import type { AnyMessageContent, WAMessage } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { assertNever } from '../../../domain/errors.js';
import type { OutboundContent } from '../../../domain/messaging/message.js';
import type { ChannelSender, OutboundEnvelope, SendResult } from '../../../ports/channel.js';
import type { BaileysSocket } from './connection.js';
import type { SentMessageStore } from './message-store.js';

const WINDOW_MS = 60_000;
/** How long to wait before trying again while the session is down. */
const NOT_CONNECTED_RETRY_MS = 30_000;
/** WhatsApp's "rate-overlimit": back off well past the pacing interval. */
const RATE_LIMITED_RETRY_MS = 5 * 60_000;

type TemplateContent = Extract<OutboundContent, { type: 'template' }>;

export interface BaileysSenderOptions {
  readonly connection: {
    socket(): BaileysSocket | undefined;
    readonly sentMessages: SentMessageStore;
  };
  readonly minIntervalMs: number;
  readonly maxPerMinute: number;
  readonly logger: Logger;
  readonly now?: (() => number) | undefined;
  /**
   * Plain text for a template (WhatsApp Web has no templates). Without it, or when it returns
   * undefined, a template send fails rather than sending something the debtor cannot read.
   */
  readonly renderTemplate?:
    ((template: TemplateContent, locale: string) => string | undefined) | undefined;
}

const replyWithNumber: Readonly<Record<string, string>> = {
  es: 'Responde con el número de tu opción.',
  pt: 'Responda com o número da sua opção.',
  en: 'Reply with the number of your choice.',
};

/** A choices message as numbered text, with a one-line hint in the conversation's language. */
export function renderChoices(
  content: Extract<OutboundContent, { type: 'choices' }>,
  locale: string,
): string {
  const language = locale.toLowerCase().split('-')[0] ?? 'es';
  const hint = replyWithNumber[language] ?? replyWithNumber['es'];
  const lines = content.options.map((option, i) => `${i + 1}. ${option.label}`);
  return `${content.text}\n\n${lines.join('\n')}\n\n${hint}`;
}

const mimeTypes: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  csv: 'text/csv',
  txt: 'text/plain',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function mimeTypeOf(fileName: string): string {
  const extension = fileName.toLowerCase().split('.').pop() ?? '';
  return mimeTypes[extension] ?? 'application/octet-stream';
}

/**
 * The chat JID for a recipient: a phone or LID JID as stored, or an E.164 number / bare digits
 * turned into a phone JID. Undefined for anything else (groups are never addressed).
 */
export function recipientJid(recipient: string): string | undefined {
  const trimmed = recipient.trim();
  const digits = /^\+?([1-9]\d{6,14})$/.exec(trimmed)?.[1];
  if (digits !== undefined) return `${digits}@s.whatsapp.net`;
  const jid = /^(\d{5,20})(?::\d+)?@(s\.whatsapp\.net|lid)$/.exec(trimmed);
  return jid === null ? undefined : `${jid[1]}@${jid[2]}`;
}

type Rendered = { type: 'ok'; message: AnyMessageContent } | { type: 'failed'; reason: string };

function render(
  content: OutboundContent,
  locale: string,
  renderTemplate: BaileysSenderOptions['renderTemplate'],
): Rendered {
  switch (content.type) {
    case 'text':
      return { type: 'ok', message: { text: content.text } };
    case 'choices':
      return { type: 'ok', message: { text: renderChoices(content, locale) } };
    case 'template': {
      const text = renderTemplate?.(content, locale);
      return text === undefined || text === ''
        ? { type: 'failed', reason: `no plain-text rendering for template ${content.name}` }
        : { type: 'ok', message: { text } };
    }
    case 'document':
      return {
        type: 'ok',
        message: {
          document: { url: content.url },
          fileName: content.fileName,
          mimetype: mimeTypeOf(content.fileName),
          ...(content.caption === undefined ? {} : { caption: content.caption }),
        },
      };
    default:
      return assertNever(content, 'outbound content');
  }
}

const transientCodes = new Set([408, 428, 440, 500, 502, 503, 504, 515, 401]);
const transientMessage =
  /timed? ?out|connection|closed|socket|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|fetch failed/i;

/** A send error as a result: connection trouble is retried, anything WhatsApp refused is not. */
export function classifySendError(err: unknown): Exclude<SendResult, { type: 'sent' }> {
  const boom = err as { output?: { statusCode?: unknown }; message?: unknown } | null;
  const message = typeof boom?.message === 'string' ? boom.message : String(err);
  const code = boom?.output?.statusCode;
  if (typeof code === 'number') {
    if (code === 429) {
      return {
        type: 'retry',
        reason: 'rate limited by WhatsApp',
        retryAfterMs: RATE_LIMITED_RETRY_MS,
      };
    }
    if (transientCodes.has(code)) return { type: 'retry', reason: `${code} ${message}` };
    return { type: 'failed', reason: message, code: String(code) };
  }
  if (transientMessage.test(message)) return { type: 'retry', reason: message };
  return { type: 'failed', reason: message, code: 'error' };
}

/** The {@link ChannelSender} for WhatsApp through Baileys. */
export function createBaileysSender(options: BaileysSenderOptions): ChannelSender {
  const { connection, minIntervalMs, maxPerMinute } = options;
  const logger = options.logger.child({ component: 'whatsapp-baileys-sender' });
  const now = options.now ?? Date.now;
  const lastSentByChat = new Map<string, number>();
  let recentSends: number[] = [];

  /** Reserves a slot now, or says how long to wait for one. */
  const reserve = (jid: string, at: number): number | undefined => {
    const last = lastSentByChat.get(jid);
    if (last !== undefined && at - last < minIntervalMs) return minIntervalMs - (at - last);
    recentSends = recentSends.filter((t) => at - t < WINDOW_MS);
    const oldest = recentSends[0];
    if (recentSends.length >= maxPerMinute && oldest !== undefined) {
      return WINDOW_MS - (at - oldest);
    }
    lastSentByChat.set(jid, at);
    recentSends.push(at);
    if (lastSentByChat.size > 10_000) {
      for (const [chat, t] of lastSentByChat)
        if (at - t >= minIntervalMs) lastSentByChat.delete(chat);
    }
    return undefined;
  };

  return {
    provider: 'whatsapp-baileys',
    send: async (envelope: OutboundEnvelope): Promise<SendResult> => {
      const jid = recipientJid(envelope.recipient);
      if (jid === undefined) {
        return {
          type: 'failed',
          reason: 'recipient is not a WhatsApp user JID or phone number',
          code: 'invalid_recipient',
        };
      }
      const rendered = render(envelope.content, envelope.locale, options.renderTemplate);
      if (rendered.type === 'failed') {
        return { type: 'failed', reason: rendered.reason, code: 'unrenderable' };
      }
      const socket = connection.socket();
      if (socket === undefined) {
        return {
          type: 'retry',
          reason: 'whatsapp-baileys not connected',
          retryAfterMs: NOT_CONNECTED_RETRY_MS,
        };
      }
      const wait = reserve(jid, now());
      if (wait !== undefined) {
        return { type: 'retry', reason: 'paced', retryAfterMs: wait };
      }
      let sent: WAMessage | undefined;
      try {
        sent = await socket.sendMessage(jid, rendered.message);
      } catch (err) {
        const result = classifySendError(err);
        logger.warn(
          // Not the error object: Baileys' errors can carry the stanza, with JIDs in it.
          { outboxId: envelope.outboxId, result: result.type, reason: result.reason },
          'baileys.send_failed',
        );
        return result;
      }
      const id = sent?.key.id;
      if (sent === undefined || !id) {
        return { type: 'failed', reason: 'Baileys returned no message', code: 'no_message' };
      }
      try {
        await connection.sentMessages.save(sent);
      } catch (err) {
        // The message went out; only a later re-send request from the phone could miss it.
        logger.warn({ err, outboxId: envelope.outboxId }, 'baileys.sent_message_save_failed');
      }
      return { type: 'sent', providerMessageId: id };
    },
  };
}

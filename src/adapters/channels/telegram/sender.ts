/**
 * Sends outbox messages through the Telegram Bot API with telegraf's own client, pointed at a
 * configurable API root (a stand-in server in tests, a local Bot API server if an operator runs
 * one). Never throws for provider errors: 429 (with `parameters.retry_after`), 5xx and refused
 * connections are `retry`; timeouts and connections lost mid-request are `uncertain` (Telegram
 * may have delivered); 403 (the debtor blocked the bot), 400 (chat not found) and every other
 * 4xx are `failed` with the Bot API's error code.
 */
import type { Logger } from 'pino';
import { Telegram, TelegramError } from 'telegraf';
import {
  renderTelegram,
  type RenderTelegramOptions,
  type TelegramCall,
} from '../../../domain/messaging/render-telegram.js';
import type { ChannelSender, OutboundEnvelope, SendResult } from '../../../ports/channel.js';

export interface TelegramSenderDeps {
  readonly config: {
    readonly botToken: string;
    readonly apiRoot: string;
    readonly sendTimeoutMs: number;
  };
  readonly logger: Logger;
  readonly render?: RenderTelegramOptions;
  /**
   * Waits between the pieces of a long message when Telegram asks to slow down; injectable so
   * tests do not sleep. Defaults to a timer.
   */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Longest in-process wait before retrying a later piece of a split message. */
const maxPieceWaitMs = 10_000;
const pieceRetries = 2;

type CallApiOptions = NonNullable<Parameters<Telegram['callApi']>[2]>;

/**
 * Options for telegraf's `callApi` with a standard AbortSignal; telegraf's typings name the
 * `abort-controller` polyfill's class, which node-fetch accepts the native one in place of.
 */
export function withSignal(signal: AbortSignal): CallApiOptions {
  return { signal: signal as unknown as NonNullable<CallApiOptions['signal']> };
}

/** telegraf's Bot API client for this bot, without webhook replies (every call is a request). */
export function createTelegramClient(config: {
  readonly botToken: string;
  readonly apiRoot: string;
}): Telegram {
  return new Telegram(config.botToken, { apiRoot: config.apiRoot, webhookReply: false });
}

type NotSent = Exclude<SendResult, { type: 'sent' }>;

/** Transport errors raised before the request could reach Telegram: safe to send again. */
const neverReached = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/**
 * What a failed Bot API call means for the outbox: 429 and 5xx are `retry` (429 with Telegram's
 * retry_after); other Bot API errors are `failed` with their code; a connection that never
 * reached Telegram is `retry`; a timeout or a connection lost mid-request is `uncertain`, since
 * Telegram may have delivered the message and sending again could deliver it twice. Throws back
 * anything else: that is a bug, not a provider answer.
 */
export function classifyTelegramError(err: unknown): NotSent {
  if (err instanceof TelegramError) {
    const code = err.code;
    const description = typeof err.description === 'string' ? err.description : `error ${code}`;
    if (code === 429) {
      const retryAfter = err.parameters?.retry_after;
      return {
        type: 'retry',
        reason: description,
        ...(typeof retryAfter === 'number' ? { retryAfterMs: retryAfter * 1000 } : {}),
      };
    }
    if (code >= 500) return { type: 'retry', reason: description };
    return { type: 'failed', reason: description, code: String(code) };
  }
  if (err instanceof Error && err.name === 'AbortError') {
    return { type: 'uncertain', reason: 'timeout' };
  }
  // node-fetch's FetchError: `code` for system errors, `type` for its own (e.g. invalid-json).
  if (err instanceof Error && err.name === 'FetchError') {
    const { code, type } = err as Error & { code?: unknown; type?: unknown };
    const detail = typeof code === 'string' ? code : typeof type === 'string' ? type : 'error';
    return neverReached.has(detail)
      ? { type: 'retry', reason: `network: ${detail}` }
      : { type: 'uncertain', reason: `network: ${detail}` };
  }
  throw err;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A {@link ChannelSender} for provider `telegram`; `recipient` is the Telegram chat id. */
export function createTelegramSender(deps: TelegramSenderDeps): ChannelSender & {
  readonly telegram: Telegram;
} {
  const telegram = createTelegramClient(deps.config);
  const logger = deps.logger.child({ component: 'telegram-sender' });
  const sleep = deps.sleep ?? defaultSleep;

  async function call(request: TelegramCall): Promise<{ chatId: number; messageId: number }> {
    const signal = AbortSignal.timeout(deps.config.sendTimeoutMs);
    // telegraf's parameter types want mutable arrays; the rendered calls are read-only data.
    const message =
      request.method === 'sendMessage'
        ? await telegram.callApi('sendMessage', request.params as never, withSignal(signal))
        : await telegram.callApi('sendDocument', request.params, withSignal(signal));
    return { chatId: message.chat.id, messageId: message.message_id };
  }

  /**
   * Later pieces of a split message: earlier pieces are out, so a retryable error is waited out
   * here, briefly, rather than handed to the outbox (which would resend the whole message).
   */
  async function callPiece(
    request: TelegramCall,
  ): Promise<{ chatId: number; messageId: number } | NotSent> {
    let outcome: NotSent = { type: 'retry', reason: 'not tried' };
    for (let attempt = 0; attempt <= pieceRetries; attempt += 1) {
      try {
        return await call(request);
      } catch (err) {
        outcome = classifyTelegramError(err);
        if (outcome.type !== 'retry') return outcome;
        if (attempt < pieceRetries) {
          await sleep(Math.min(outcome.retryAfterMs ?? 1000, maxPieceWaitMs));
        }
      }
    }
    return outcome;
  }

  return {
    provider: 'telegram',
    telegram,
    async send(envelope: OutboundEnvelope): Promise<SendResult> {
      const rendered = renderTelegram(envelope.content, envelope.recipient, deps.render);
      if (!rendered.ok) {
        logger.error(
          { outboxId: envelope.outboxId, reason: rendered.reason },
          'telegram.send.unrenderable',
        );
        return { type: 'failed', reason: `cannot render: ${rendered.reason}`, code: 'render' };
      }
      const [first, ...rest] = rendered.calls;
      if (first === undefined) return { type: 'failed', reason: 'nothing to send', code: 'render' };
      let firstSent: { chatId: number; messageId: number };
      try {
        firstSent = await call(first);
      } catch (err) {
        const outcome = classifyTelegramError(err);
        logger.warn(
          {
            outboxId: envelope.outboxId,
            result: outcome.type,
            code: outcome.type === 'failed' ? outcome.code : undefined,
          },
          'telegram.send.not_sent',
        );
        return outcome;
      }
      for (const [i, request] of rest.entries()) {
        const piece = await callPiece(request);
        if ('type' in piece) {
          // Retrying the whole message would repeat the pieces already delivered.
          logger.error(
            {
              outboxId: envelope.outboxId,
              piece: i + 2,
              of: rendered.calls.length,
              reason: piece.reason,
            },
            'telegram.send.partial',
          );
          const reason = `partial delivery: piece ${i + 2} of ${rendered.calls.length}: ${piece.reason}`;
          if (piece.type === 'uncertain') return { type: 'uncertain', reason };
          return {
            type: 'failed',
            reason,
            code: piece.type === 'failed' ? (piece.code ?? 'partial') : 'partial',
          };
        }
      }
      // Message ids are unique per chat only; the outbox keys them per provider.
      return { type: 'sent', providerMessageId: `${firstSent.chatId}:${firstSent.messageId}` };
    },
  };
}

/**
 * Stops the loading indicator on the button a debtor pressed. Best effort: a failure is
 * logged, never thrown, because the press itself is already stored.
 */
export async function answerCallbackQuery(
  telegram: Telegram,
  callbackQueryId: string,
  logger: Logger,
  timeoutMs = 5000,
): Promise<void> {
  try {
    await telegram.callApi(
      'answerCallbackQuery',
      { callback_query_id: callbackQueryId },
      withSignal(AbortSignal.timeout(timeoutMs)),
    );
  } catch (err) {
    const outcome = classifyTelegramError(err);
    logger.warn({ reason: outcome.reason }, 'telegram.callback_answer_failed');
  }
}

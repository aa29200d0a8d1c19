/**
 * Long polling (getUpdates) for development, where Telegram cannot reach a webhook. Each update
 * is stored in the inbox exactly as the webhook would store it (event id = update_id, so a
 * re-fetched update is stored once), and only then confirmed by advancing the offset.
 */
import type { Logger } from 'pino';
import type { Telegram } from 'telegraf';
import type { Clock } from '../../../ports/clock.js';
import type { Inbox } from '../../../ports/channel.js';
import { systemClock } from '../../system-clock.js';
import { callbackQueryIdOf } from './parse.js';
import {
  answerCallbackQuery,
  classifyTelegramError,
  createTelegramClient,
  withSignal,
} from './sender.js';

export interface TelegramPollingDeps {
  readonly config: { readonly botToken: string; readonly apiRoot: string };
  readonly inbox: Inbox;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** getUpdates' long-poll timeout in seconds (default 25). */
  readonly pollTimeoutSeconds?: number;
  /** Update kinds to receive (default message and callback_query: all the parser reads). */
  readonly allowedUpdates?: readonly string[];
}

export interface TelegramPolling {
  /** Ends the loop (aborting the pending getUpdates) and resolves once it has stopped. */
  stop(): Promise<void>;
}

const minBackoffMs = 1000;
const maxBackoffMs = 60_000;

interface RawUpdate {
  readonly update_id: number;
}

function isRawUpdate(value: unknown): value is RawUpdate {
  if (typeof value !== 'object' || value === null) return false;
  const id = (value as { update_id?: unknown }).update_id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Removes any webhook (getUpdates refuses to run while one is set; pending updates are kept),
 * then polls until stopped. Rejects if the first call fails, e.g. on a bad token.
 */
export async function startTelegramPolling(deps: TelegramPollingDeps): Promise<TelegramPolling> {
  const logger = deps.logger.child({ component: 'telegram-polling' });
  const clock = deps.clock ?? systemClock;
  const telegram: Telegram = createTelegramClient(deps.config);
  const pollTimeout = deps.pollTimeoutSeconds ?? 25;
  const allowedUpdates = deps.allowedUpdates ?? ['message', 'callback_query'];
  const stopping = new AbortController();

  await telegram.callApi(
    'deleteWebhook',
    { drop_pending_updates: false },
    withSignal(AbortSignal.timeout(10_000)),
  );
  logger.info({ pollTimeout }, 'telegram.polling.started');

  async function poll(offset: number | undefined): Promise<number | undefined> {
    const updates: unknown[] = await telegram.callApi(
      'getUpdates',
      {
        ...(offset === undefined ? {} : { offset }),
        timeout: pollTimeout,
        allowed_updates: allowedUpdates as never,
      },
      withSignal(
        AbortSignal.any([stopping.signal, AbortSignal.timeout((pollTimeout + 15) * 1000)]),
      ),
    );
    const valid = updates.filter(isRawUpdate);
    if (valid.length === 0) return offset;
    const receivedAt = clock.now();
    const result = await deps.inbox.store(
      valid.map((update) => ({
        provider: 'telegram' as const,
        eventId: String(update.update_id),
        payload: update,
        receivedAt,
      })),
    );
    logger.debug(
      { stored: result.stored, duplicates: result.duplicates },
      'telegram.polling.stored',
    );
    await Promise.all(
      valid.flatMap((update) => {
        const id = callbackQueryIdOf(update);
        return id === undefined ? [] : [answerCallbackQuery(telegram, id, logger)];
      }),
    );
    // Confirms everything stored; Telegram forgets updates below the next offset.
    return Math.max(...valid.map((u) => u.update_id)) + 1;
  }

  async function loop(): Promise<void> {
    let offset: number | undefined;
    let backoffMs = minBackoffMs;
    while (!stopping.signal.aborted) {
      try {
        offset = await poll(offset);
        backoffMs = minBackoffMs;
      } catch (err) {
        if (stopping.signal.aborted) break;
        let waitMs = backoffMs;
        try {
          const outcome = classifyTelegramError(err);
          if (outcome.type === 'retry' && outcome.retryAfterMs !== undefined)
            waitMs = outcome.retryAfterMs;
          logger.error(
            {
              reason: outcome.reason,
              code: outcome.type === 'failed' ? outcome.code : undefined,
              waitMs,
            },
            'telegram.polling.error',
          );
        } catch (bug) {
          // The inbox failed, or a bug: keep the offset so the updates come again.
          logger.error({ err: bug, waitMs }, 'telegram.polling.error');
        }
        await sleepUnlessAborted(waitMs, stopping.signal);
        backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
      }
    }
    logger.info('telegram.polling.stopped');
  }

  const running = loop();
  return {
    async stop(): Promise<void> {
      stopping.abort();
      await running;
    },
  };
}

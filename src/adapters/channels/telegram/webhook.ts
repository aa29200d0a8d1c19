/**
 * The Telegram webhook (`POST /webhooks/telegram`): checks the secret token Telegram echoes in
 * `X-Telegram-Bot-Api-Secret-Token` (set with setWebhook's `secret_token`), stores the Update in
 * the inbox, and only then answers 200. Parsing happens later, in the inbox worker; a stored
 * update is never lost to a parsing bug, and a redelivery (same update_id) is stored once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../../../ports/clock.js';
import type { Inbox } from '../../../ports/channel.js';
import { errorBody } from '../../http/errors.js';
import { callbackQueryIdOf } from './parse.js';

export const telegramSecretHeader = 'x-telegram-bot-api-secret-token';

export interface TelegramWebhookDeps {
  readonly config: { readonly webhookSecret: string; readonly maxBodyBytes: number };
  readonly inbox: Inbox;
  readonly clock: Clock;
  readonly logger: Logger;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time equality; comparing digests keeps the expected length from leaking too. */
export function isSameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

function updateIdOf(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const id = (body as { update_id?: unknown }).update_id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

/** An express Router for `/webhooks/telegram`. */
export function telegramWebhook(deps: TelegramWebhookDeps): Router {
  const logger = deps.logger.child({ component: 'telegram-webhook' });
  const expected = deps.config.webhookSecret;
  if (expected === '') throw new TypeError('telegramWebhook needs a webhook secret');
  const router = express.Router();

  const requireSecret: RequestHandler = (req, res, next) => {
    if (!isSameSecret(req.get(telegramSecretHeader), expected)) {
      logger.warn({ ip: req.ip }, 'telegram.webhook.unauthorized');
      res.status(401).json(errorBody('unauthorized', 'bad or missing secret token'));
      return;
    }
    next();
  };

  const receive: RequestHandler = async (req, res) => {
    const body: unknown = req.body;
    const updateId = updateIdOf(body);
    if (updateId === undefined) {
      res
        .status(400)
        .json(errorBody('bad_request', 'expected a Telegram Update with a numeric update_id'));
      return;
    }
    const result = await deps.inbox.store([
      {
        provider: 'telegram',
        eventId: String(updateId),
        payload: body,
        receivedAt: deps.clock.now(),
      },
    ]);
    logger.debug({ updateId, duplicate: result.duplicates > 0 }, 'telegram.webhook.stored');
    // Answering the button press in the webhook's reply costs no extra request and happens only
    // once the update is durable; parsing stays pure.
    const callbackQueryId = callbackQueryIdOf(body);
    if (callbackQueryId !== undefined) {
      res.status(200).json({ method: 'answerCallbackQuery', callback_query_id: callbackQueryId });
      return;
    }
    res.sendStatus(200);
  };

  const bodyErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    const status =
      typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number'
        ? err.status
        : undefined;
    if (status === 413) {
      res.status(413).json(errorBody('payload_too_large', 'request body too large'));
      return;
    }
    if (status !== undefined && status >= 400 && status < 500) {
      res.status(400).json(errorBody('bad_request', 'expected a JSON Telegram Update'));
      return;
    }
    next(err);
  };

  router.post(
    '/',
    requireSecret,
    express.json({ limit: deps.config.maxBodyBytes, strict: true }),
    receive,
    bodyErrors,
  );
  return router;
}

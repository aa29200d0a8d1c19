/**
 * Twilio's webhooks: inbound messages at {@link twilioSmsPaths.message}, status callbacks at
 * {@link twilioSmsPaths.status}. Each request is checked against X-Twilio-Signature (HMAC-SHA1
 * over the configured public URL plus the sorted form fields, computed by the twilio package),
 * stored in the inbox, and only then acknowledged with an empty TwiML `<Response/>`: replies go
 * out later through the outbox and the REST API, never as TwiML.
 */
import express, { type Request, type Router } from 'express';
import type { Logger } from 'pino';
import twilio from 'twilio';
import { AppError } from '../../../domain/errors.js';
import type { Inbox, RawInboundEvent } from '../../../ports/channel.js';
import type { Clock } from '../../../ports/clock.js';
import { isOutboxId, outboxIdParam, statusCallbackUrlFor } from './callback-url.js';
import type { TwilioSmsConfig } from './config.js';
import { paramOf, type TwilioSmsEvent } from './parse.js';

/** Where the router answers; the public URLs in the config must point here. */
export const twilioSmsPaths = {
  message: '/webhooks/twilio/sms',
  status: '/webhooks/twilio/status',
} as const;

export interface TwilioSmsWebhookDeps {
  readonly config: Pick<
    TwilioSmsConfig,
    'authToken' | 'webhookUrl' | 'statusCallbackUrl' | 'maxBodyBytes'
  >;
  readonly inbox: Inbox;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The empty answer: Twilio sends nothing back to the debtor. */
export const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

type Kind = TwilioSmsEvent['kind'];
type Params = TwilioSmsEvent['params'];

function paramsOf(req: Request): Params {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return {};
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') params[key] = value;
    else if (Array.isArray(value))
      params[key] = value.filter((v): v is string => typeof v === 'string');
  }
  return params;
}

/** The fields without which an event means nothing; their absence is a 400. */
const requiredFields: Readonly<Record<Kind, readonly string[]>> = {
  message: ['MessageSid', 'From'],
  status: ['MessageSid', 'MessageStatus'],
};

/** Inbound messages dedupe on MessageSid; each status of a message is its own event. */
function eventIdOf(kind: Kind, params: Params): string {
  const sid = paramOf(params, 'MessageSid') ?? '';
  return kind === 'message' ? sid : `${sid}:${paramOf(params, 'MessageStatus') ?? ''}`;
}

/** The express router for both Twilio webhooks; mount it at the app's root. */
export function twilioSmsWebhook(deps: TwilioSmsWebhookDeps): Router {
  const logger = deps.logger.child({ component: 'twilio-sms' });
  const router = express.Router();
  const parseForm = express.urlencoded({ extended: false, limit: deps.config.maxBodyBytes });

  const handle = (kind: Kind) => async (req: Request, res: express.Response) => {
    const params = paramsOf(req);
    const signature = req.get('x-twilio-signature');
    const echoed: unknown = kind === 'status' ? req.query[outboxIdParam] : undefined;
    const outboxId = isOutboxId(echoed) ? echoed : undefined;
    // Checked against the configured public URL (behind a proxy req.url is not what Twilio
    // signed), rebuilt with the outbox id exactly as the sender gave it to Twilio.
    const signedUrl =
      kind === 'message'
        ? deps.config.webhookUrl
        : statusCallbackUrlFor(deps.config.statusCallbackUrl, outboxId);
    if (
      signature === undefined ||
      !twilio.validateRequest(deps.config.authToken, signature, signedUrl, params)
    ) {
      logger.warn({ kind, hasSignature: signature !== undefined }, 'twilio.webhook.rejected');
      throw new AppError('unauthorized', 'invalid or missing X-Twilio-Signature');
    }
    const missing = requiredFields[kind].filter((field) => paramOf(params, field) === undefined);
    if (missing.length > 0) {
      throw new AppError('bad_request', `Twilio ${kind} webhook without ${missing.join(', ')}`);
    }
    const receivedAt = deps.clock.now();
    const idempotencyToken = req.get('i-twilio-idempotency-token');
    const payload: TwilioSmsEvent = {
      kind,
      receivedAt: receivedAt.toISOString(),
      params,
      ...(idempotencyToken === undefined ? {} : { idempotencyToken }),
      ...(outboxId === undefined ? {} : { outboxId }),
    };
    const event: RawInboundEvent = {
      provider: 'twilio-sms',
      eventId: eventIdOf(kind, params),
      payload,
      receivedAt,
    };
    const { stored } = await deps.inbox.store([event]);
    logger.info(
      { kind, eventId: event.eventId, isDuplicate: stored === 0, idempotencyToken },
      'twilio.webhook.stored',
    );
    res.status(200).type('text/xml').send(emptyTwiml);
  };

  router.post(twilioSmsPaths.message, parseForm, handle('message'));
  router.post(twilioSmsPaths.status, parseForm, handle('status'));
  return router;
}

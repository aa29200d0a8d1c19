/**
 * The WhatsApp Cloud API webhook, mounted at `/webhooks/whatsapp`. `GET` answers Meta's
 * subscription check; `POST` verifies `X-Hub-Signature-256` over the raw body, stores the whole
 * body as one inbox event and answers 200. Nothing else happens on the request path (Meta wants
 * a median under 250 ms); a worker parses the stored event later and de-duplicates by wamid.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../../../ports/clock.js';
import type { Inbox } from '../../../ports/channel.js';
import { errorBody } from '../../http/errors.js';
import type { WhatsAppCloudConfig } from './config.js';
import { WhatsAppWebhookSchema } from './parse.js';

export interface WhatsAppCloudWebhookDeps {
  readonly config: Pick<WhatsAppCloudConfig, 'appSecret' | 'verifyToken' | 'maxBodyBytes'>;
  readonly inbox: Inbox;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** `sha256=<hex>`: what Meta sends in X-Hub-Signature-256 for `body` signed with `appSecret`. */
export function signWhatsAppBody(body: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** Whether `header` is the HMAC-SHA256 of the raw body under the app secret; constant time. */
export function isValidWhatsAppSignature(
  body: Buffer,
  header: string | undefined,
  appSecret: string,
): boolean {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header?.trim() ?? '');
  if (match?.[1] === undefined) return false;
  const expected = createHmac('sha256', appSecret).update(body).digest();
  return timingSafeEqual(Buffer.from(match[1], 'hex'), expected);
}

/** Compares two secrets without leaking where they differ or how long they are. */
function isSameSecret(given: string, expected: string): boolean {
  const digest = (v: string): Buffer => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Meta's challenges are short tokens; anything else is not echoed back. */
const challengePattern = /^[A-Za-z0-9._~-]{1,512}$/;

/** The router for `/webhooks/whatsapp`: `GET /` verification and `POST /` deliveries. */
export function whatsAppCloudWebhook(deps: WhatsAppCloudWebhookDeps): Router {
  const { config, inbox, clock } = deps;
  const logger = deps.logger.child({ component: 'whatsapp-cloud' });
  const router = express.Router();

  router.get('/', (req, res) => {
    const query = new URL(req.originalUrl, 'http://localhost').searchParams;
    const challenge = query.get('hub.challenge') ?? '';
    const isVerified =
      query.get('hub.mode') === 'subscribe' &&
      isSameSecret(query.get('hub.verify_token') ?? '', config.verifyToken) &&
      challengePattern.test(challenge);
    if (!isVerified) {
      logger.warn('whatsapp.webhook.verify_refused');
      res.status(403).json(errorBody('forbidden', 'verification refused'));
      return;
    }
    logger.info('whatsapp.webhook.verified');
    res.status(200).type('text/plain').send(challenge);
  });

  router.post(
    '/',
    // Every content type, so the bytes Meta signed reach the signature check untouched.
    express.raw({ type: () => true, limit: config.maxBodyBytes }),
    async (req, res) => {
      const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!isValidWhatsAppSignature(raw, req.get('x-hub-signature-256'), config.appSecret)) {
        logger.warn({ bytes: raw.length }, 'whatsapp.webhook.bad_signature');
        res.status(401).json(errorBody('unauthorized', 'invalid signature'));
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch {
        res.status(400).json(errorBody('bad_request', 'body is not JSON'));
        return;
      }
      if (!WhatsAppWebhookSchema.safeParse(payload).success) {
        res.status(400).json(errorBody('bad_request', 'not a WhatsApp Business Account webhook'));
        return;
      }
      const eventId = createHash('sha256').update(raw).digest('hex');
      const result = await inbox.store([
        { provider: 'whatsapp-cloud', eventId, payload, receivedAt: clock.now() },
      ]);
      logger.debug({ eventId, ...result }, 'whatsapp.webhook.stored');
      res.sendStatus(200);
    },
  );

  return router;
}

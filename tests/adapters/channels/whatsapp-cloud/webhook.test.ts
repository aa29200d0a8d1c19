import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import express from 'express';
import {
  isValidWhatsAppSignature,
  signWhatsAppBody,
  whatsAppCloudWebhook,
} from '../../../../src/adapters/channels/whatsapp-cloud/webhook.js';
import { errorHandler } from '../../../../src/adapters/http/errors.js';
import { AppError } from '../../../../src/domain/errors.js';
import type { Inbox, RawInboundEvent } from '../../../../src/ports/channel.js';
import { fixedClock } from '../../../../src/ports/clock.js';
import { silentLogger } from '../../../support/shared.js';
import { deliverWhatsAppWebhook } from '../../../support/stand-ins/meta-graph.js';

const appSecret = 'app-secret-0123456789abcdef';
const verifyToken = 'verify-token-xyz';
const now = new Date('2026-11-24T15:00:00Z');

/** Durable enough for a test: dedupes on (provider, eventId) like the real inbox. */
class MemoryInbox implements Inbox {
  readonly events: RawInboundEvent[] = [];
  failNext = false;

  store(events: readonly RawInboundEvent[]): Promise<{ stored: number; duplicates: number }> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new AppError('store_unavailable', 'inbox down'));
    }
    let stored = 0;
    for (const event of events) {
      if (this.events.some((e) => e.provider === event.provider && e.eventId === event.eventId))
        continue;
      this.events.push(event);
      stored += 1;
    }
    return Promise.resolve({ stored, duplicates: events.length - stored });
  }
}

const textPayload = readFileSync(
  new URL('../../../fixtures/whatsapp-cloud/text.json', import.meta.url),
  'utf8',
);

let server: Server;
let url: string;
const inbox = new MemoryInbox();

beforeAll(async () => {
  const app = express();
  app.use(
    '/webhooks/whatsapp',
    whatsAppCloudWebhook({
      config: { appSecret, verifyToken, maxBodyBytes: 16 * 1024 },
      inbox,
      clock: fixedClock(now),
      logger: silentLogger,
    }),
  );
  app.use(errorHandler(silentLogger));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  inbox.events.length = 0;
});

describe('GET /webhooks/whatsapp (subscription check)', () => {
  const verify = (query: Record<string, string>): Promise<Response> =>
    fetch(`${url}?${new URLSearchParams(query).toString()}`);

  it('echoes the challenge as text when the verify token matches', async () => {
    const res = await verify({
      'hub.mode': 'subscribe',
      'hub.verify_token': verifyToken,
      'hub.challenge': '1158201444',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('1158201444');
  });

  it.each([
    [
      'a wrong token',
      { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-token-xyZ', 'hub.challenge': '1' },
    ],
    [
      'a longer token',
      { 'hub.mode': 'subscribe', 'hub.verify_token': `${verifyToken}x`, 'hub.challenge': '1' },
    ],
    [
      'another mode',
      { 'hub.mode': 'unsubscribe', 'hub.verify_token': verifyToken, 'hub.challenge': '1' },
    ],
    ['no token', { 'hub.mode': 'subscribe', 'hub.challenge': '1' }],
    [
      'a markup challenge',
      { 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': '<script>' },
    ],
  ])('answers 403 to %s', async (_what, query) => {
    const res = await verify(query);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('<script>');
  });
});

describe('POST /webhooks/whatsapp (deliveries)', () => {
  it('stores a signed body as one event keyed by its sha256, then answers 200', async () => {
    const res = await deliverWhatsAppWebhook(url, undefined, appSecret, { rawBody: textPayload });
    expect(res.status).toBe(200);
    expect(inbox.events).toEqual([
      {
        provider: 'whatsapp-cloud',
        eventId: createHash('sha256').update(textPayload).digest('hex'),
        payload: JSON.parse(textPayload) as unknown,
        receivedAt: now,
      },
    ]);
  });

  it('stores a redelivery once and still answers 200', async () => {
    for (let i = 0; i < 2; i += 1) {
      const res = await deliverWhatsAppWebhook(url, undefined, appSecret, { rawBody: textPayload });
      expect(res.status).toBe(200);
    }
    expect(inbox.events).toHaveLength(1);
  });

  it('checks the signature over the exact bytes Meta sent (escaped unicode, spacing)', async () => {
    const raw =
      '{"object":"whatsapp_business_account",  "entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"from":"573001234567","id":"wamid.U","timestamp":"1795532300","type":"text","text":{"body":"Jos\\u00e9"}}]}}]}]}';
    const res = await deliverWhatsAppWebhook(url, undefined, appSecret, { rawBody: raw });
    expect(res.status).toBe(200);
    expect(inbox.events).toHaveLength(1);
  });

  it.each([
    ['no signature', ''],
    [
      'a signature made with another secret',
      signWhatsAppBody(textPayload, 'another-secret-0123456789'),
    ],
    ['a signature of another body', signWhatsAppBody(`${textPayload} `, appSecret)],
    ['a malformed signature', 'sha256=zz'],
    ['a sha1 signature', 'sha1=0123456789abcdef0123456789abcdef01234567'],
  ])('answers 401 and stores nothing for %s', async (_what, signature) => {
    const res = await deliverWhatsAppWebhook(url, undefined, appSecret, {
      rawBody: textPayload,
      signature,
    });
    expect(res.status).toBe(401);
    expect(inbox.events).toEqual([]);
  });

  it.each([
    ['malformed JSON', '{"object": "whatsapp_business_account", '],
    ['another object', JSON.stringify({ object: 'page', entry: [] })],
    ['no entries', JSON.stringify({ object: 'whatsapp_business_account' })],
  ])('answers 400 and stores nothing for signed %s', async (_what, rawBody) => {
    const res = await deliverWhatsAppWebhook(url, undefined, appSecret, { rawBody });
    expect(res.status).toBe(400);
    expect(inbox.events).toEqual([]);
  });

  it('answers 413 to a body over the limit and stores nothing', async () => {
    const big = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [],
      pad: 'x'.repeat(17 * 1024),
    });
    const res = await deliverWhatsAppWebhook(url, undefined, appSecret, { rawBody: big });
    expect(res.status).toBe(413);
    expect(inbox.events).toEqual([]);
  });

  it('answers 5xx when the inbox cannot store, so Meta delivers again', async () => {
    inbox.failNext = true;
    const res = await deliverWhatsAppWebhook(url, undefined, appSecret, { rawBody: textPayload });
    expect(res.status).toBe(503);
    expect(inbox.events).toEqual([]);
  });
});

describe('isValidWhatsAppSignature', () => {
  const body = Buffer.from('{"a":1}');

  it('accepts the HMAC-SHA256 hex of the body, in either case', () => {
    const signature = signWhatsAppBody(body, appSecret);
    expect(isValidWhatsAppSignature(body, signature, appSecret)).toBe(true);
    expect(
      isValidWhatsAppSignature(
        body,
        signature.toUpperCase().replace('SHA256=', 'sha256='),
        appSecret,
      ),
    ).toBe(true);
  });

  it('rejects a missing, truncated or foreign signature', () => {
    const signature = signWhatsAppBody(body, appSecret);
    expect(isValidWhatsAppSignature(body, undefined, appSecret)).toBe(false);
    expect(isValidWhatsAppSignature(body, signature.slice(0, -2), appSecret)).toBe(false);
    expect(isValidWhatsAppSignature(body, signature, 'other-secret')).toBe(false);
  });
});

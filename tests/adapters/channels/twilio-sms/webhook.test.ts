import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import express from 'express';
import twilio from 'twilio';
import { twilioSmsParser } from '../../../../src/adapters/channels/twilio-sms/parse.js';
import {
  emptyTwiml,
  twilioSmsWebhook,
} from '../../../../src/adapters/channels/twilio-sms/webhook.js';
import { errorHandler } from '../../../../src/adapters/http/errors.js';
import type { Inbox, RawInboundEvent } from '../../../../src/ports/channel.js';
import { fixedClock } from '../../../../src/ports/clock.js';
import { silentLogger } from '../../../support/shared.js';

const authToken = '0123456789abcdef0123456789abcdef';
// What Twilio is configured with, behind a proxy: not the URL the local server sees.
const webhookUrl = 'https://cuota.example.com/webhooks/twilio/sms';
const statusCallbackUrl = 'https://cuota.example.com/webhooks/twilio/status?tenant=demo';
const now = new Date('2026-03-15T15:00:00.000Z');

function fixture(name: string): Record<string, string> {
  const url = new URL(`../../../fixtures/twilio-sms/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, string>;
}

/** An Inbox as the contract says: durable enough for a test, deduped by (provider, eventId). */
class MemoryInbox implements Inbox {
  readonly events: RawInboundEvent[] = [];
  isFailing = false;
  store(events: readonly RawInboundEvent[]): Promise<{ stored: number; duplicates: number }> {
    if (this.isFailing) return Promise.reject(new Error('store down'));
    let stored = 0;
    for (const event of events) {
      const seen = this.events.some(
        (e) => e.provider === event.provider && e.eventId === event.eventId,
      );
      if (!seen) {
        this.events.push(event);
        stored += 1;
      }
    }
    return Promise.resolve({ stored, duplicates: events.length - stored });
  }
}

const inbox = new MemoryInbox();
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  const app = express();
  app.use(
    twilioSmsWebhook({
      config: { authToken, webhookUrl, statusCallbackUrl, maxBodyBytes: 4096 },
      inbox,
      clock: fixedClock(now),
      logger: silentLogger,
    }),
  );
  app.use(errorHandler(silentLogger));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  inbox.events.length = 0;
  inbox.isFailing = false;
});

function sign(url: string, params: Record<string, string>, token = authToken): string {
  return twilio.getExpectedTwilioSignature(token, url, params);
}

async function post(
  path: string,
  params: Record<string, string>,
  headers: Record<string, string>,
): Promise<{ status: number; contentType: string | null; body: string }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: await response.text(),
  };
}

describe('POST /webhooks/twilio/sms', () => {
  it('stores a signed SMS under its MessageSid and answers empty TwiML', async () => {
    const params = fixture('inbound-sms');
    const response = await post('/webhooks/twilio/sms', params, {
      'x-twilio-signature': sign(webhookUrl, params),
      'i-twilio-idempotency-token': 'b7e4c0c5-1f5e-4f3c-9c6c-1a2b3c4d5e6f',
    });
    expect(response).toEqual({
      status: 200,
      contentType: 'text/xml; charset=utf-8',
      body: emptyTwiml,
    });
    expect(inbox.events).toEqual([
      {
        provider: 'twilio-sms',
        eventId: 'SM2d7e1f0c9b8a76543210fedcba987654',
        receivedAt: now,
        payload: {
          kind: 'message',
          receivedAt: now.toISOString(),
          params,
          idempotencyToken: 'b7e4c0c5-1f5e-4f3c-9c6c-1a2b3c4d5e6f',
        },
      },
    ]);
    // What was stored is exactly what the parser reads.
    expect(twilioSmsParser.parse(inbox.events[0]?.payload)).toMatchObject([
      { type: 'message', content: { type: 'text', text: 'Hola, quiero pagar mañana' } },
    ]);
  });

  it('stores a redelivery once and still answers 200', async () => {
    const params = fixture('inbound-mms');
    const headers = { 'x-twilio-signature': sign(webhookUrl, params) };
    expect((await post('/webhooks/twilio/sms', params, headers)).status).toBe(200);
    expect((await post('/webhooks/twilio/sms', params, headers)).status).toBe(200);
    expect(inbox.events).toHaveLength(1);
  });

  it('answers 401 and stores nothing without a signature', async () => {
    const response = await post('/webhooks/twilio/sms', fixture('inbound-sms'), {});
    expect(response.status).toBe(401);
    expect(inbox.events).toEqual([]);
  });

  it('answers 401 for a wrong token, a tampered body or the local URL', async () => {
    const params = fixture('inbound-sms');
    const forged = [
      { params, signature: sign(webhookUrl, params, 'ffffffffffffffffffffffffffffffff') },
      { params: { ...params, Body: 'STOP' }, signature: sign(webhookUrl, params) },
      { params, signature: sign(`${baseUrl}/webhooks/twilio/sms`, params) },
      { params, signature: 'not-base64!' },
    ];
    for (const { params: sent, signature } of forged) {
      const response = await post('/webhooks/twilio/sms', sent, {
        'x-twilio-signature': signature,
      });
      expect(response.status).toBe(401);
    }
    expect(inbox.events).toEqual([]);
  });

  it('answers 400 and stores nothing for a signed body without MessageSid or From', async () => {
    for (const missing of ['MessageSid', 'From']) {
      const params = Object.fromEntries(
        Object.entries(fixture('inbound-sms')).filter(([key]) => key !== missing),
      );
      const response = await post('/webhooks/twilio/sms', params, {
        'x-twilio-signature': sign(webhookUrl, params),
      });
      expect({ missing, status: response.status }).toEqual({ missing, status: 400 });
    }
    expect(inbox.events).toEqual([]);
  });

  it('does not acknowledge what it could not store, so Twilio retries', async () => {
    inbox.isFailing = true;
    const params = fixture('inbound-sms');
    const response = await post('/webhooks/twilio/sms', params, {
      'x-twilio-signature': sign(webhookUrl, params),
    });
    expect(response.status).toBe(500);
  });

  it('refuses a body over the limit with 413', async () => {
    const params = { ...fixture('inbound-sms'), Body: 'x'.repeat(5000) };
    const response = await post('/webhooks/twilio/sms', params, {
      'x-twilio-signature': sign(webhookUrl, params),
    });
    expect(response.status).toBe(413);
    expect(inbox.events).toEqual([]);
  });
});

describe('POST /webhooks/twilio/status', () => {
  it('stores each status of a message as its own event, signed on the status URL', async () => {
    for (const name of ['status-sent', 'status-delivered']) {
      const params = fixture(name);
      const response = await post('/webhooks/twilio/status?tenant=demo', params, {
        'x-twilio-signature': sign(statusCallbackUrl, params),
      });
      expect(response.status).toBe(200);
    }
    expect(inbox.events.map((e) => e.eventId)).toEqual([
      'SMf0e1d2c3b4a5968778695a4b3c2d1e0f:sent',
      'SMf0e1d2c3b4a5968778695a4b3c2d1e0f:delivered',
    ]);
    expect(twilioSmsParser.parse(inbox.events[1]?.payload)).toMatchObject([
      {
        type: 'status',
        state: 'delivered',
        providerMessageId: 'SMf0e1d2c3b4a5968778695a4b3c2d1e0f',
      },
    ]);
  });

  it('keeps the outbox id the sender echoed in the callback URL, and checks it is the one signed', async () => {
    const params = fixture('status-delivered');
    const echoedUrl = `${statusCallbackUrl}&cuotaOutboxId=42`;
    const response = await post('/webhooks/twilio/status?tenant=demo&cuotaOutboxId=42', params, {
      'x-twilio-signature': sign(echoedUrl, params),
    });
    expect(response.status).toBe(200);
    expect(inbox.events[0]?.payload).toMatchObject({ kind: 'status', outboxId: '42' });
    expect(twilioSmsParser.parse(inbox.events[0]?.payload)).toMatchObject([
      { type: 'status', state: 'delivered', outboxId: '42' },
    ]);
    // The same signature replayed against another outbox id is a forgery.
    const forged = await post('/webhooks/twilio/status?tenant=demo&cuotaOutboxId=43', params, {
      'x-twilio-signature': sign(echoedUrl, params),
    });
    expect(forged.status).toBe(401);
    expect(inbox.events).toHaveLength(1);
  });

  it('answers 401 to a status signed for the message URL', async () => {
    const params = fixture('status-delivered');
    const response = await post('/webhooks/twilio/status?tenant=demo', params, {
      'x-twilio-signature': sign(webhookUrl, params),
    });
    expect(response.status).toBe(401);
    expect(inbox.events).toEqual([]);
  });

  it('answers 400 to a signed status without MessageStatus', async () => {
    const params = Object.fromEntries(
      Object.entries(fixture('status-delivered')).filter(([key]) => key !== 'MessageStatus'),
    );
    const response = await post('/webhooks/twilio/status?tenant=demo', params, {
      'x-twilio-signature': sign(statusCallbackUrl, params),
    });
    expect(response.status).toBe(400);
  });
});

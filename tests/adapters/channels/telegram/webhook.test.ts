import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import express from 'express';
import { pino } from 'pino';
import { telegramWebhook } from '../../../../src/adapters/channels/telegram/webhook.js';
import { AppError } from '../../../../src/domain/errors.js';
import { fixedClock } from '../../../../src/ports/clock.js';
import type { Inbox, RawInboundEvent } from '../../../../src/ports/channel.js';
import { updateText } from './fixtures.js';

/** Until the PostgreSQL inbox is wired in: dedupes on (provider, eventId) like the real one. */
class MemoryInbox implements Inbox {
  readonly events: RawInboundEvent[] = [];
  failing = false;

  store(events: readonly RawInboundEvent[]) {
    if (this.failing) return Promise.reject(new AppError('store_unavailable', 'inbox down'));
    let stored = 0;
    for (const event of events) {
      if (this.events.some((e) => e.provider === event.provider && e.eventId === event.eventId)) {
        continue;
      }
      this.events.push(event);
      stored += 1;
    }
    return Promise.resolve({ stored, duplicates: events.length - stored });
  }
}

const secret = 'wh_secret_0123456789abcdefghijklmnop';
const receivedAt = new Date('2026-01-01T10:00:01Z');
const inbox = new MemoryInbox();
let server: Server;
let url: string;

function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': secret,
      ...headers,
    },
    body,
  });
}

beforeAll(async () => {
  const app = express();
  app.use(
    '/webhooks/telegram',
    telegramWebhook({
      config: { webhookSecret: secret, maxBodyBytes: 4096 },
      inbox,
      clock: fixedClock(receivedAt),
      logger: pino({ level: 'silent' }),
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  inbox.events.length = 0;
  inbox.failing = false;
});

describe('POST /webhooks/telegram', () => {
  it('stores the update under its update_id and answers 200', async () => {
    const res = await post(updateText('text'));
    expect(res.status).toBe(200);
    expect(inbox.events).toEqual([
      {
        provider: 'telegram',
        eventId: '734019201',
        payload: JSON.parse(updateText('text')) as unknown,
        receivedAt,
      },
    ]);
  });

  it('stores a redelivered update once', async () => {
    expect((await post(updateText('text'))).status).toBe(200);
    expect((await post(updateText('text'))).status).toBe(200);
    expect(inbox.events).toHaveLength(1);
  });

  it('answers a button press in its reply, after storing it', async () => {
    const res = await post(updateText('callback-query'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      method: 'answerCallbackQuery',
      callback_query_id: '2625154927893617425',
    });
    expect(inbox.events).toHaveLength(1);
  });

  it.each([
    ['a missing', {}],
    ['a wrong', { 'x-telegram-bot-api-secret-token': `${secret}x` }],
    ['an empty', { 'x-telegram-bot-api-secret-token': '' }],
  ])('refuses %s secret token with 401 and stores nothing', async (_what, headers) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: updateText('text'),
    });
    expect(res.status).toBe(401);
    expect(inbox.events).toHaveLength(0);
  });

  it.each([
    ['not JSON', 'update_id=1'],
    ['no update_id', JSON.stringify({ message: { text: 'hola' } })],
    ['a string update_id', JSON.stringify({ update_id: '734019201' })],
    ['an array', JSON.stringify([{ update_id: 1 }])],
    ['broken JSON', '{"update_id": 1,'],
  ])('answers 400 to a body with %s', async (_what, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(inbox.events).toHaveLength(0);
  });

  it('answers 413 to a body over the limit', async () => {
    const res = await post(JSON.stringify({ update_id: 9, message: { text: 'x'.repeat(5000) } }));
    expect(res.status).toBe(413);
    expect(inbox.events).toHaveLength(0);
  });

  it('answers 5xx when the inbox cannot store, so Telegram delivers again', async () => {
    inbox.failing = true;
    const res = await post(updateText('text'));
    expect(res.status).toBeGreaterThanOrEqual(500);
  });
});

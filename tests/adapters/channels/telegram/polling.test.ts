import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { startTelegramPolling } from '../../../../src/adapters/channels/telegram/polling.js';
import { setTelegramWebhook } from '../../../../src/adapters/channels/telegram/set-webhook.js';
import { fixedClock } from '../../../../src/ports/clock.js';
import type { Inbox, RawInboundEvent } from '../../../../src/ports/channel.js';
import {
  startTelegramBotApi,
  type TelegramBotApiStandIn,
} from '../../../support/stand-ins/telegram-bot-api.js';
import { update } from './fixtures.js';

class MemoryInbox implements Inbox {
  readonly events: RawInboundEvent[] = [];
  store(events: readonly RawInboundEvent[]) {
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

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const logger = pino({ level: 'silent' });
const receivedAt = new Date('2026-01-01T10:00:01Z');
let api: TelegramBotApiStandIn;

beforeAll(async () => {
  api = await startTelegramBotApi();
});

afterAll(async () => {
  await api.close();
});

describe('startTelegramPolling', () => {
  it('removes the webhook, stores polled updates once each, confirms them and answers buttons', async () => {
    api.reset();
    const inbox = new MemoryInbox();
    const polling = await startTelegramPolling({
      config: { botToken: api.token, apiRoot: api.url },
      inbox,
      logger,
      clock: fixedClock(receivedAt),
      pollTimeoutSeconds: 1,
    });
    try {
      expect(api.calls[0]).toMatchObject({
        method: 'deleteWebhook',
        body: { drop_pending_updates: false },
      });
      api.pushUpdates(update('text'), update('callback-query'));
      await eventually(() => inbox.events.length === 2);
      expect(inbox.events[0]).toEqual({
        provider: 'telegram',
        eventId: '734019201',
        payload: update('text'),
        receivedAt,
      });
      await eventually(() => api.lastOffset() === 734019203);
      expect(api.callsTo('answerCallbackQuery')[0]?.body).toEqual({
        callback_query_id: '2625154927893617425',
      });
      const firstPoll = api.callsTo('getUpdates')[0]?.body;
      expect(firstPoll).toEqual({ timeout: 1, allowed_updates: ['message', 'callback_query'] });

      // The same loop keeps receiving, from the confirmed offset on.
      api.pushUpdates(update('voice'));
      await eventually(() => inbox.events.length === 3);
      expect(inbox.events.map((e) => e.eventId)).toEqual(['734019201', '734019202', '734019206']);
    } finally {
      await polling.stop();
    }
  });

  it('keeps polling after a 5xx or a 429 and stops promptly mid long-poll', async () => {
    api.reset();
    api.failNext('getUpdates', { status: 502 }, { status: 429, retryAfter: 1 });
    const inbox = new MemoryInbox();
    const polling = await startTelegramPolling({
      config: { botToken: api.token, apiRoot: api.url },
      inbox,
      logger,
      pollTimeoutSeconds: 20,
    });
    api.pushUpdates(update('photo-caption'));
    await eventually(() => inbox.events.length === 1);
    expect(api.callsTo('getUpdates').length).toBeGreaterThanOrEqual(3);
    const started = Date.now();
    await polling.stop();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses to start on a bad token', async () => {
    await expect(
      startTelegramPolling({
        config: { botToken: '1:wrong', apiRoot: api.url },
        inbox: new MemoryInbox(),
        logger,
      }),
    ).rejects.toThrow(/401/);
  });
});

describe('setTelegramWebhook', () => {
  it('registers the URL with the secret token the webhook demands', async () => {
    api.reset();
    await setTelegramWebhook({
      config: {
        botToken: api.token,
        apiRoot: api.url,
        webhookSecret: 'wh_secret_0123456789abcdefghijklmnop',
      },
      url: 'https://cuota.example.com/webhooks/telegram',
    });
    expect(api.callsTo('setWebhook')[0]?.body).toEqual({
      url: 'https://cuota.example.com/webhooks/telegram',
      secret_token: 'wh_secret_0123456789abcdefghijklmnop',
      allowed_updates: ['message', 'callback_query'],
      max_connections: 40,
      drop_pending_updates: false,
    });
  });
});

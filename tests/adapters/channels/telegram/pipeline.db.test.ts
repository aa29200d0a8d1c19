/**
 * Telegram end to end on the real store: an update posted with the right secret token is
 * stored, processed into a turn, its replies go through the outbox and the dispatcher, and the
 * stand-in Bot API receives exactly the sendMessage calls telegraf should make. Also: how a
 * chat gets linked to a debtor (shared contact, signed /start link), replays, button presses,
 * unsupported messages and a bot the debtor blocked. Telegram sends no delivery receipts, so
 * there is no status callback to apply.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { resolveLinkCommand } from '../../../../src/adapters/channels/telegram/deep-link.js';
import { linkTelegramChat } from '../../../../src/adapters/channels/telegram/link-store.js';
import { telegramParser } from '../../../../src/adapters/channels/telegram/parse.js';
import { createTelegramSender } from '../../../../src/adapters/channels/telegram/sender.js';
import { telegramWebhook } from '../../../../src/adapters/channels/telegram/webhook.js';
import { errorHandler } from '../../../../src/adapters/http/errors.js';
import { PostgresInbox } from '../../../../src/adapters/postgres/inbox.js';
import { PostgresOutbox } from '../../../../src/adapters/postgres/outbox.js';
import { PostgresSenderDirectory } from '../../../../src/adapters/postgres/sender-directory.js';
import { OutboxDispatcher } from '../../../../src/app/dispatch-outbox.js';
import { processInbox, type InboxProcessorDeps } from '../../../../src/app/process-inbox.js';
import type { OutboundContent } from '../../../../src/domain/messaging/message.js';
import { renderTelegram } from '../../../../src/domain/messaging/render-telegram.js';
import { createTestDatabase, type TestDatabase } from '../../../support/db.js';
import { silentLogger } from '../../../support/shared.js';
import {
  startTelegramBotApi,
  type TelegramBotApiStandIn,
} from '../../../support/stand-ins/telegram-bot-api.js';
import { startTokenFixture, update, updateText } from './fixtures.js';
import { testConversationDeps } from '../../../support/conversation-deps.js';

const webhookSecret = 'wh_secret_0123456789abcdefghijklmnop';
const chatId = '6112345678';
const debtorPhone = '+573001234567';
const now = new Date('2026-01-01T10:05:00Z');
const clock = { now: () => new Date(now.getTime()) };

let db: TestDatabase;
let api: TelegramBotApiStandIn;
let server: Server;
let webhookUrl: string;
let processor: InboxProcessorDeps;
let dispatcher: OutboxDispatcher;
let linkedDebtorId: string;

function post(body: string, secret = webhookSecret): Promise<Response> {
  return fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body,
  });
}

/** A fixture as a new update: same message, another update_id (and message_id). */
function asNewUpdate(name: Parameters<typeof update>[0], updateId: number): string {
  const payload = update(name);
  payload.update_id = updateId;
  const message = payload.message as { message_id: number } | undefined;
  if (message !== undefined) message.message_id = updateId % 100000;
  return JSON.stringify(payload);
}

async function runAll(): Promise<void> {
  for (let i = 0; i < 10; i += 1) {
    const inbound = await processInbox(processor);
    const outbound = await dispatcher.dispatchDue();
    const work =
      inbound.processed +
      inbound.failed.length +
      outbound.sent +
      outbound.retried +
      outbound.failed;
    if (work === 0) return;
  }
}

interface OutboxRow {
  id: string;
  status: string;
  recipient: string;
  provider_message_id: string | null;
  last_error: string | null;
  content: OutboundContent;
}

async function outboxRows(): Promise<OutboxRow[]> {
  const { rows } = await db.pool.query<OutboxRow>(
    `SELECT id::text, status, recipient, provider_message_id, last_error, content FROM outbox ORDER BY id`,
  );
  return rows;
}

async function count(sql: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(sql);
  return rows[0]?.n ?? 0;
}

/** The Bot API bodies the sender must have posted for outbox rows, in order. */
function expectedBodies(rows: readonly OutboxRow[]): unknown[] {
  return rows.flatMap((row) => {
    const rendered = renderTelegram(row.content, row.recipient);
    if (!rendered.ok) throw new Error(rendered.reason);
    return rendered.calls.map((call) => call.params);
  });
}

async function insertDebtor(ref: string, phone: string): Promise<string> {
  const debtor = await db.pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale)
     VALUES ($1, 'Camila Rojas', '52123456', 'CO', 'America/Bogota', 'es-CO') RETURNING id`,
    [ref],
  );
  const id = debtor.rows[0]!.id;
  await db.pool.query(
    `INSERT INTO contact_points (debtor_id, kind, value) VALUES ($1, 'phone', $2)`,
    [id, phone],
  );
  await db.pool.query(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date)
     VALUES ($1, $2, 'COP', 125000000, '2025-11-01')`,
    [`A-${ref}`, id],
  );
  return id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await insertDebtor('D-TG', debtorPhone);
  // The debtor the start-token fixture vouches for, with the id it was signed for.
  await db.pool.query(
    `INSERT INTO debtors (id, debtor_ref, name, country, time_zone, locale)
     VALUES ($1, 'D-TG-LINK', 'Mateo Díaz', 'CO', 'America/Bogota', 'es-CO')`,
    [startTokenFixture.debtorId],
  );
  await db.pool.query(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date)
     VALUES ('A-TG-LINK', $1, 'COP', 50000000, '2025-11-01')`,
    [startTokenFixture.debtorId],
  );
  linkedDebtorId = startTokenFixture.debtorId;

  api = await startTelegramBotApi();
  const inbox = new PostgresInbox(db.pool);
  const outbox = new PostgresOutbox(db.pool);
  processor = {
    events: inbox,
    parsers: new Map([['telegram', telegramParser]]),
    directory: new PostgresSenderDirectory(db.pool),
    outbox,
    conversations: await testConversationDeps(db.pool, clock),
    defaultLocale: 'es-419',
  };
  dispatcher = new OutboxDispatcher({
    outbox,
    senders: new Map([
      [
        'telegram',
        createTelegramSender({
          config: { botToken: api.token, apiRoot: api.url, sendTimeoutMs: 2000 },
          logger: silentLogger,
        }),
      ],
    ]),
    limits: { telegram: { perSecond: 1000, perRecipientIntervalMs: 0 } },
    clock,
    random: () => 0.5,
  });

  const app = express();
  app.use(
    '/webhooks/telegram',
    telegramWebhook({
      config: { webhookSecret, maxBodyBytes: 256 * 1024 },
      inbox,
      clock,
      logger: silentLogger,
    }),
  );
  app.use(errorHandler(silentLogger));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await api.close();
  await db.close();
});

describe('Telegram pipeline', () => {
  it('refuses an update without the secret token with 401 and stores nothing', async () => {
    const res = await post(updateText('text'), 'not-the-secret-token-0123456789abcdef');
    expect(res.status).toBe(401);
    expect(await count(`SELECT count(*)::int AS n FROM inbound_events`)).toBe(0);
  });

  it('answers an unknown chat once, revealing nothing', async () => {
    expect((await post(updateText('text'))).status).toBe(200);
    await runAll();
    expect((await post(asNewUpdate('text', 734019300))).status).toBe(200);
    await runAll();
    const rows = await outboxRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ recipient: chatId, status: 'sent' });
    expect(api.callsTo('sendMessage').map((c) => c.body)).toEqual(expectedBodies(rows));
    const body = JSON.stringify(api.calls);
    expect(body).not.toContain('Camila');
    expect(body).not.toContain('1.250.000');
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`)).toBe(0);
  });

  it("links the chat through the debtor's own shared contact, and replies by chat id", async () => {
    api.reset();
    const before = (await outboxRows()).length;
    expect((await post(updateText('contact-own'))).status).toBe(200);
    await runAll();
    const identity = await db.pool.query(
      `SELECT provider, external_id, phone FROM channel_identities WHERE external_id = $1`,
      [chatId],
    );
    expect(identity.rows).toEqual([
      { provider: 'telegram', external_id: chatId, phone: debtorPhone },
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`)).toBe(1);
    const rows = (await outboxRows()).slice(before);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'sent' && r.recipient === chatId)).toBe(true);
    expect(rows.every((r) => r.provider_message_id?.startsWith(`${chatId}:`))).toBe(true);
    expect(api.callsTo('sendMessage').map((c) => c.body)).toEqual(expectedBodies(rows));
  });

  it('turns a text from the linked chat into one turn, and a replay into none', async () => {
    api.reset();
    const before = (await outboxRows()).length;
    const text = asNewUpdate('text', 734019301);
    expect((await post(text)).status).toBe(200);
    await runAll();
    const inAfterFirst = await count(
      `SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`,
    );
    expect(inAfterFirst).toBe(2);
    const rows = (await outboxRows()).slice(before);
    expect(rows.length).toBeGreaterThan(0);
    expect(api.callsTo('sendMessage').map((c) => c.body)).toEqual(expectedBodies(rows));

    const sends = api.calls.length;
    expect((await post(text)).status).toBe(200);
    await runAll();
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`)).toBe(
      inAfterFirst,
    );
    expect(api.calls.length).toBe(sends);
  });

  it('answers a button press in the webhook reply and routes it as a turn', async () => {
    const res = await post(updateText('callback-query'));
    expect(await res.json()).toEqual({
      method: 'answerCallbackQuery',
      callback_query_id: '2625154927893617425',
    });
    const before = await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`);
    await runAll();
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`)).toBe(
      before + 1,
    );
  });

  it('answers a message it cannot read kindly, through the same outbound path', async () => {
    api.reset();
    const before = (await outboxRows()).length;
    expect((await post(updateText('poll'))).status).toBe(200);
    await runAll();
    const rows = (await outboxRows()).slice(before);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(api.callsTo('sendMessage').map((c) => c.body)).toEqual(expectedBodies(rows));
  });

  it('links a new chat from a signed /start link, then matches its messages', async () => {
    const otherChat = 6223344556;
    const payload = update('start-token');
    const message = payload.message as {
      from: { id: number };
      chat: { id: number };
    };
    message.from.id = otherChat;
    message.chat.id = otherChat;
    const [item] = telegramParser.parse(payload);
    if (item?.type !== 'message') throw new Error('expected a message');
    // What the core does with a /start message before matching the sender.
    const link = resolveLinkCommand(item.content, startTokenFixture.secret, now);
    expect(link).toEqual({ ok: true, debtorRef: linkedDebtorId });
    if (!link.ok) return;
    await linkTelegramChat(db.pool, { chatId: item.sender.externalId, debtorId: link.debtorRef });
    expect(await processor.directory.match(item.sender, now)).toMatchObject({
      debtorId: linkedDebtorId,
    });
  });

  it('records a bot the debtor blocked as failed with code 403, never retried', async () => {
    api.reset();
    api.failNext('sendMessage', {
      status: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    const before = (await outboxRows()).length;
    expect((await post(asNewUpdate('text', 734019302))).status).toBe(200);
    await runAll();
    const rows = (await outboxRows()).slice(before);
    expect(rows[0]).toMatchObject({
      status: 'failed',
      last_error: '403: Forbidden: bot was blocked by the user',
    });
    expect(api.callsTo('sendMessage')).toHaveLength(rows.length);
  });
});

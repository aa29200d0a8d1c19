/**
 * WhatsApp through Baileys end to end on the real store: the socket double emits Baileys'
 * events, the connection stores them in the PostgreSQL inbox, the worker turns them into turns,
 * the outbox dispatcher sends replies through the Baileys sender, and the socket double records
 * the exact sendMessage calls.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { proto } from '@whiskeysockets/baileys';
import pino from 'pino';
import {
  startBaileys,
  type BaileysConnection,
} from '../../../../src/adapters/channels/whatsapp-baileys/connection.js';
import { baileysParser } from '../../../../src/adapters/channels/whatsapp-baileys/parse.js';
import {
  createBaileysSender,
  renderChoices,
} from '../../../../src/adapters/channels/whatsapp-baileys/sender.js';
import { loadFlowBundle } from '../../../../src/adapters/flows/load-flows.js';
import { PostgresConversationStore } from '../../../../src/adapters/postgres/conversation-store.js';
import { PostgresInbox } from '../../../../src/adapters/postgres/inbox.js';
import { PostgresOutbox } from '../../../../src/adapters/postgres/outbox.js';
import { PostgresSenderDirectory } from '../../../../src/adapters/postgres/sender-directory.js';
import type { ConversationDeps } from '../../../../src/app/conversations.js';
import { OutboxDispatcher } from '../../../../src/app/dispatch-outbox.js';
import { processInbox, type InboxProcessorDeps } from '../../../../src/app/process-inbox.js';
import type { OutboundContent, Provider } from '../../../../src/domain/messaging/message.js';
import { RulesUnderstander } from '../../../../src/domain/understanding/rules-understander.js';
import { packageRoot } from '../../../../src/main.js';
import type { ChannelSender } from '../../../../src/ports/channel.js';
import * as fx from '../../../fixtures/whatsapp-baileys/messages.js';
import { createTestDatabase, type TestDatabase } from '../../../support/db.js';
import { FakeTimers, socketDoubleFactory, type SocketDouble } from './socket-double.js';

const logger = pino({ level: 'silent' });
let db: TestDatabase;
let connection: BaileysConnection;
let socket: SocketDouble;
let processor: InboxProcessorDeps;
let dispatcher: OutboxDispatcher;
const timers = new FakeTimers();
timers.nowMs = Date.parse('2026-11-24T15:00:00Z');
const clock = { now: () => new Date(timers.nowMs) };

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(sql, params);
  return rows[0]?.n ?? 0;
}

const storedEvents = () => count('SELECT count(*)::int AS n FROM inbound_events');

/** Waits until the connection has stored `n` events in all (it stores in the background). */
async function untilStored(n: number): Promise<void> {
  for (let i = 0; i < 200 && (await storedEvents()) < n; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // Long enough for an event that should not be stored to have shown up.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await storedEvents()).toBe(n);
}

/** Processes and dispatches until quiet, letting the clock run past the pacing intervals. */
async function runAll(): Promise<void> {
  for (let i = 0; i < 20; i += 1) {
    const inbound = await processInbox(processor);
    const outbound = await dispatcher.dispatchDue();
    timers.nowMs += 4000;
    const pending = await count(`SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'`);
    if (inbound.processed + inbound.failed.length + outbound.sent === 0 && pending === 0) return;
  }
}

async function outbox(): Promise<
  { status: string; recipient: string; content: OutboundContent; provider_message_id: string }[]
> {
  const { rows } = await db.pool.query(
    `SELECT status, recipient, content, provider_message_id FROM outbox ORDER BY id`,
  );
  return rows as never;
}

/** What the Baileys sender must have passed to sendMessage for an outbox row. */
function expectedCall(content: OutboundContent): unknown {
  if (content.type === 'text') return { text: content.text };
  if (content.type === 'choices') return { text: renderChoices(content, 'es-CO') };
  throw new Error(`unexpected ${content.type}`);
}

beforeAll(async () => {
  db = await createTestDatabase();
  const debtor = await db.pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale)
     VALUES ('D-WB', 'Luis', '77881234', 'MX', 'America/Mexico_City', 'es-CO') RETURNING id`,
  );
  await db.pool.query(
    `INSERT INTO contact_points (debtor_id, kind, value) VALUES ($1, 'phone', '+525512345678')`,
    [debtor.rows[0]!.id],
  );
  await db.pool.query(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date)
     VALUES ('A-WB', $1, 'MXN', 1250000, '2026-10-01')`,
    [debtor.rows[0]!.id],
  );
  const inbox = new PostgresInbox(db.pool);
  const store = new PostgresOutbox(db.pool);
  const doubles = socketDoubleFactory();
  connection = await startBaileys({
    config: {
      session: 'pipeline',
      pairingNumber: undefined,
      printQr: false,
      minIntervalMs: 3000,
      maxPerMinute: 8,
      reconnect: {
        baseDelayMs: 1000,
        maxDelayMs: 30_000,
        circuitFailures: 4,
        circuitWindowMs: 300_000,
        circuitCooldownMs: 900_000,
      },
    },
    pool: db.pool,
    inbox,
    logger,
    socketFactory: doubles.factory,
    schedule: timers.schedule,
    now: timers.now,
  });
  socket = doubles.sockets[0]!;
  socket.open();
  const conversations: ConversationDeps = {
    store: new PostgresConversationStore(db.pool),
    understander: new RulesUnderstander(),
    bundle: await loadFlowBundle(packageRoot),
    clock,
    creditor: { name: 'Financiera Andina', paymentDetails: 'https://pagos.example.com' },
    defaultFlowId: 'default',
  };
  processor = {
    events: inbox,
    parsers: new Map([['whatsapp-baileys', baileysParser]]),
    directory: new PostgresSenderDirectory(db.pool),
    outbox: store,
    conversations,
    defaultLocale: 'es-419',
  };
  dispatcher = new OutboxDispatcher({
    outbox: store,
    senders: new Map<Provider, ChannelSender>([
      [
        'whatsapp-baileys',
        createBaileysSender({
          connection,
          minIntervalMs: 3000,
          maxPerMinute: 8,
          logger,
          now: timers.now,
        }),
      ],
    ]),
    limits: { 'whatsapp-baileys': { perSecond: 1, perRecipientIntervalMs: 3000 } },
    clock,
    random: () => 0.5,
  });
});

afterAll(async () => {
  await connection.stop();
  await db.close();
});

describe('whatsapp-baileys pipeline', () => {
  it('turns a LID sender message into one turn and replies to the LID through the socket', async () => {
    socket.emit('messages.upsert', {
      type: 'notify',
      messages: [fx.groupText, fx.fromMe, fx.lidText],
    });
    await untilStored(1);
    await runAll();

    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`)).toBe(1);
    // Matched by the phone Baileys gave for the LID; the LID is now mapped to the debtor.
    const identity = await db.pool.query(
      `SELECT external_id, phone FROM channel_identities WHERE provider = 'whatsapp-baileys'`,
    );
    expect(identity.rows).toEqual([{ external_id: fx.LID_JID, phone: '+525512345678' }]);

    const rows = await outbox();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'sent' && r.recipient === fx.LID_JID)).toBe(true);
    expect(socket.sent).toEqual(
      rows.map((r) => ({ jid: fx.LID_JID, content: expectedCall(r.content) })),
    );
    // Sent messages are kept for re-send requests.
    const again = await socket.options.getMessage({ id: rows[0]!.provider_message_id });
    expect(again?.extendedTextMessage?.text).toBeDefined();
  });

  it('stores a redelivered message once and makes no second turn', async () => {
    const sentBefore = socket.sent.length;
    socket.emit('messages.upsert', { type: 'notify', messages: [fx.lidText] });
    await untilStored(1);
    await runAll();
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`)).toBe(1);
    expect(socket.sent.length).toBe(sentBefore);
  });

  it('updates the outbox row from a read receipt', async () => {
    const [first] = await outbox();
    socket.emit('messages.update', [
      {
        key: { remoteJid: fx.LID_JID, fromMe: true, id: first!.provider_message_id },
        update: { status: proto.WebMessageInfo.Status.READ },
      },
    ]);
    await untilStored(2);
    await runAll();
    expect((await outbox())[0]).toMatchObject({ status: 'read' });
  });

  it('answers a message it cannot read with a kind reply', async () => {
    const sentBefore = socket.sent.length;
    const sticker = {
      ...fx.sticker,
      key: { ...fx.lidText.key, id: '3EB0C431D2A1F0E9B0FF' },
    };
    socket.emit('messages.upsert', { type: 'notify', messages: [sticker] });
    await untilStored(3);
    await runAll();
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`)).toBe(2);
    const replies = socket.sent.slice(sentBefore);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ jid: fx.LID_JID, content: { text: expect.any(String) } });
  });
});

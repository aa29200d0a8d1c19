/**
 * The channel pipeline end to end on the real store, with a scripted provider: events stored
 * by the inbox become turns exactly once, replies go through the outbox exactly once, and the
 * dispatcher's send-time checks (agent ownership, opt-out, WhatsApp's 24-hour window, pacing,
 * retries) hold.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresInbox } from '../../src/adapters/postgres/inbox.js';
import { PostgresOutbox } from '../../src/adapters/postgres/outbox.js';
import { PostgresSenderDirectory } from '../../src/adapters/postgres/sender-directory.js';
import { OutboxDispatcher } from '../../src/app/dispatch-outbox.js';
import { processInbox, type InboxProcessorDeps } from '../../src/app/process-inbox.js';
import type { InboundItem, Provider } from '../../src/domain/messaging/message.js';
import type {
  ChannelSender,
  InboundParser,
  OutboundEnvelope,
  SendResult,
} from '../../src/ports/channel.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { testConversationDeps } from '../support/conversation-deps.js';

let db: TestDatabase;
let now = new Date('2026-11-24T15:00:00Z');
const clock = { now: () => new Date(now.getTime()) };

/** Stored payloads in this test are already canonical items (dates as ISO strings). */
function scriptedParser(provider: Provider): InboundParser {
  return {
    provider,
    parse: (payload) =>
      (payload as InboundItem[]).map((item) =>
        item.type === 'message'
          ? { ...item, sentAt: new Date(item.sentAt) }
          : { ...item, at: new Date(item.at) },
      ),
  };
}

class ScriptedSender implements ChannelSender {
  readonly sent: OutboundEnvelope[] = [];
  next: SendResult[] = [];
  constructor(readonly provider: Provider) {}
  send(envelope: OutboundEnvelope): Promise<SendResult> {
    const result = this.next.shift() ?? {
      type: 'sent',
      providerMessageId: `pm-${this.sent.length + 1}`,
    };
    if (result.type === 'sent') this.sent.push(envelope);
    return Promise.resolve(result);
  }
}

const telegram = new ScriptedSender('telegram');
const whatsapp = new ScriptedSender('whatsapp-cloud');
let inbox: PostgresInbox;
let outbox: PostgresOutbox;
let processor: InboxProcessorDeps;
let dispatcher: OutboxDispatcher;

function message(
  provider: Provider,
  externalId: string,
  id: string,
  text: string,
  phone?: string,
): InboundItem[] {
  return [
    {
      type: 'message',
      providerMessageId: id,
      sender: { provider, externalId, phone },
      sentAt: now,
      content: { type: 'text', text },
    },
  ];
}

async function deliver(provider: Provider, eventId: string, items: InboundItem[]): Promise<void> {
  await inbox.store([{ provider, eventId, payload: items, receivedAt: now }]);
}

async function runAll(): Promise<void> {
  for (let i = 0; i < 10; i += 1) {
    const inbound = await processInbox(processor);
    const outbound = await dispatcher.dispatchDue();
    if (
      inbound.processed +
        inbound.failed.length +
        outbound.sent +
        outbound.retried +
        outbound.failed +
        outbound.cancelled ===
      0
    )
      return;
  }
}

async function outboxRows(): Promise<
  {
    id: string;
    status: string;
    recipient: string;
    last_error: string | null;
    content: { text?: string };
  }[]
> {
  const { rows } = await db.pool.query(
    `SELECT id::text, status, recipient, last_error, content FROM outbox ORDER BY id`,
  );
  return rows as never;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const debtor = await db.pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale) VALUES ('D-CH', 'Carla', '55661234', 'CO', 'America/Bogota', 'es-CO') RETURNING id`,
  );
  await db.pool.query(
    `INSERT INTO contact_points (debtor_id, kind, value) VALUES ($1, 'phone', '+573001112233')`,
    [debtor.rows[0]!.id],
  );
  await db.pool.query(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date) VALUES ('A-CH', $1, 'COP', 90000000, '2026-10-01')`,
    [debtor.rows[0]!.id],
  );
  await db.pool.query(
    `INSERT INTO channel_identities (provider, external_id, debtor_id) VALUES ('telegram', '777', $1)`,
    [debtor.rows[0]!.id],
  );
  const conversations = await testConversationDeps(db.pool, clock);
  inbox = new PostgresInbox(db.pool);
  outbox = new PostgresOutbox(db.pool);
  processor = {
    events: inbox,
    parsers: new Map([
      ['telegram', scriptedParser('telegram')],
      ['whatsapp-cloud', scriptedParser('whatsapp-cloud')],
    ]),
    directory: new PostgresSenderDirectory(db.pool),
    outbox,
    conversations,
    defaultLocale: 'es-419',
  };
  dispatcher = new OutboxDispatcher({
    outbox,
    senders: new Map<Provider, ChannelSender>([
      ['telegram', telegram],
      ['whatsapp-cloud', whatsapp],
    ]),
    limits: {
      telegram: { perSecond: 1000, perRecipientIntervalMs: 0 },
      'whatsapp-cloud': { perSecond: 1000, perRecipientIntervalMs: 0 },
    },
    clock,
    random: () => 0.5,
  });
});

afterAll(async () => {
  await db.close();
});

describe('channel pipeline', () => {
  it('stores a redelivered event once and turns each message into exactly one turn and one reply', async () => {
    await deliver('telegram', 'u1', message('telegram', '777', 'tg-1', 'hola'));
    await deliver('telegram', 'u1', message('telegram', '777', 'tg-1', 'hola'));
    // The same message inside a different delivery (a provider retry with a new envelope).
    await deliver('telegram', 'u1-retry', message('telegram', '777', 'tg-1', 'hola'));
    await runAll();
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`,
    );
    expect(rows[0]).toEqual({ n: 1 });
    expect(telegram.sent.length).toBeGreaterThan(0);
    expect(telegram.sent.every((e) => e.recipient === '777')).toBe(true);
    const statuses = await db.pool.query(
      `SELECT status, count(*)::int AS n FROM inbound_events GROUP BY status`,
    );
    expect(statuses.rows).toEqual([{ status: 'processed', n: 2 }]);
  });

  it('matches a WhatsApp sender by phone, records the mapping, and keeps the 24-hour window', async () => {
    await deliver(
      'whatsapp-cloud',
      'w1',
      message('whatsapp-cloud', '573001112233', 'wamid.1', 'hola', '+573001112233'),
    );
    await runAll();
    expect(whatsapp.sent.length).toBeGreaterThan(0);
    const mapping = await db.pool.query(
      `SELECT phone FROM channel_identities WHERE provider = 'whatsapp-cloud' AND external_id = '573001112233'`,
    );
    expect(mapping.rows).toEqual([{ phone: '+573001112233' }]);

    // 25 hours later a bot message may not be sent free-form: it fails without any attempt.
    const sentBefore = whatsapp.sent.length;
    const { rows } = await db.pool.query<{ id: string }>(
      `SELECT id FROM conversations WHERE channel = 'whatsapp'`,
    );
    now = new Date(now.getTime() + 25 * 3600 * 1000);
    await db.pool.query(
      `INSERT INTO outbox (conversation_id, debtor_id, provider, recipient, author, content, locale, next_attempt_at, created_at, updated_at)
       SELECT id, debtor_id, 'whatsapp-cloud', '573001112233', 'bot', '{"type":"text","text":"recordatorio"}', 'es-CO', $2, $2, $2 FROM conversations WHERE id = $1`,
      [rows[0]!.id, now],
    );
    await runAll();
    expect(whatsapp.sent.length).toBe(sentBefore);
    expect((await outboxRows()).at(-1)).toMatchObject({
      status: 'failed',
      last_error: expect.stringMatching(/24-hour window/),
    });
  });

  it('answers an unknown sender once, revealing nothing, and records it', async () => {
    await deliver('telegram', 'u-x1', message('telegram', '999', 'tg-x1', 'cuánto debo'));
    await deliver('telegram', 'u-x2', message('telegram', '999', 'tg-x2', 'hola?'));
    await runAll();
    const toStranger = telegram.sent.filter((e) => e.recipient === '999');
    expect(toStranger).toHaveLength(1);
    expect(JSON.stringify(toStranger[0]!.content)).not.toMatch(/900\.000|Financiera|tarjeta/);
    const unknown = await db.pool.query(
      `SELECT messages FROM unknown_senders WHERE external_id = '999'`,
    );
    expect(unknown.rows).toEqual([{ messages: 2 }]);
  });

  it('retries a rate-limited send with backoff and records a permanent failure', async () => {
    telegram.next = [{ type: 'retry', reason: '429 Too Many Requests', retryAfterMs: 3000 }];
    await deliver('telegram', 'u2', message('telegram', '777', 'tg-2', '1234'));
    await processInbox(processor);
    await dispatcher.dispatchDue();
    const retried = (await outboxRows()).filter((r) => r.status === 'pending');
    expect(retried.length).toBeGreaterThan(0);
    now = new Date(now.getTime() + 3_500);
    telegram.next = [
      { type: 'failed', reason: 'Forbidden: bot was blocked by the user', code: '403' },
    ];
    await runAll();
    const rows = await outboxRows();
    expect(
      rows.some(
        (r) =>
          r.status === 'failed' && r.last_error === '403: Forbidden: bot was blocked by the user',
      ),
    ).toBe(true);
  });

  it('never lets the bot talk over an agent: queued bot replies are cancelled at send time', async () => {
    await deliver('telegram', 'u3', message('telegram', '777', 'tg-3', 'cuánto debo'));
    await processInbox(processor);
    await db.pool.query(`UPDATE conversations SET owner = 'agent' WHERE channel = 'telegram'`);
    const before = telegram.sent.length;
    await runAll();
    expect(telegram.sent.length).toBe(before);
    expect((await outboxRows()).at(-1)).toMatchObject({ status: 'cancelled' });
    await db.pool.query(`UPDATE conversations SET owner = 'bot' WHERE channel = 'telegram'`);
  });

  it('marks a send interrupted by a crash as unknown instead of sending it again, and reconciles it from a status', async () => {
    await db.pool.query(
      `INSERT INTO outbox (debtor_id, provider, recipient, author, content, locale, status, claimed_at, next_attempt_at, created_at, updated_at)
       SELECT id, 'telegram', '777', 'system', '{"type":"text","text":"x"}', 'es-CO', 'sending', $1, $1, $1, $1 FROM debtors WHERE debtor_ref = 'D-CH'`,
      [new Date(now.getTime() - 120_000)],
    );
    expect(await outbox.markStaleUnknown(new Date(now.getTime() - 60_000), now)).toBe(1);
    const unknownRow = (await outboxRows()).find((r) => r.status === 'unknown')!;
    const before = telegram.sent.length;
    await runAll();
    expect(telegram.sent.length).toBe(before);
    const applied = await outbox.applyStatus(
      {
        type: 'status',
        provider: 'telegram',
        providerMessageId: 'late-1',
        state: 'delivered',
        at: now,
        outboxId: unknownRow.id,
      },
      now,
    );
    expect(applied).toBe(true);
    expect((await outboxRows()).find((r) => r.id === unknownRow.id)).toMatchObject({
      status: 'delivered',
    });
  });

  it('applies delivery statuses in order: a late "delivered" never overwrites "read"', async () => {
    const row = (
      await db.pool.query<{ provider_message_id: string }>(
        `SELECT provider_message_id FROM outbox WHERE status = 'sent' AND provider = 'telegram' ORDER BY id LIMIT 1`,
      )
    ).rows[0]!;
    const status = (state: 'read' | 'delivered') => ({
      type: 'status' as const,
      provider: 'telegram' as const,
      providerMessageId: row.provider_message_id,
      state,
      at: now,
    });
    await outbox.applyStatus(status('read'), now);
    await outbox.applyStatus(status('delivered'), now);
    const { rows } = await db.pool.query(
      `SELECT status FROM outbox WHERE provider = 'telegram' AND provider_message_id = $1`,
      [row.provider_message_id],
    );
    expect(rows).toEqual([{ status: 'read' }]);
  });

  it('confirms an opt-out once and then sends nothing more on that channel', async () => {
    await deliver('telegram', 'u4', message('telegram', '777', 'tg-4', 'BAJA'));
    await runAll();
    const afterOptOut = telegram.sent.length;
    const optOut = await db.pool.query(`SELECT channel FROM opt_outs`);
    expect(optOut.rows).toEqual([{ channel: 'telegram' }]);
    await db.pool.query(
      `INSERT INTO outbox (debtor_id, provider, recipient, author, content, locale, next_attempt_at, created_at, updated_at)
       SELECT id, 'telegram', '777', 'system', '{"type":"text","text":"campaña"}', 'es-CO', $1, $1, $1 FROM debtors WHERE debtor_ref = 'D-CH'`,
      [now],
    );
    await deliver('telegram', 'u5', message('telegram', '777', 'tg-5', 'hola?'));
    await runAll();
    expect(telegram.sent.length).toBe(afterOptOut);
  });
});

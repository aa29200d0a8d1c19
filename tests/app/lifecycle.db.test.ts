/**
 * Issue 5 end to end on a controllable clock, on the real store: the lifecycle sweep queues
 * reminders under the contact policy, the dispatcher sends them to a scripted provider, the
 * debtor answers and promises, the promise is followed up, lapses and is marked broken (the
 * re-engagement waits for an allowed hour), a payment is thanked with its survey, a silent
 * conversation gets one nudge, and a STOP stops everything on that channel.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresInbox } from '../../src/adapters/postgres/inbox.js';
import { PostgresOutbox } from '../../src/adapters/postgres/outbox.js';
import { PostgresSenderDirectory } from '../../src/adapters/postgres/sender-directory.js';
import { policyGate } from '../../src/app/contact-gate.js';
import { fallBackOnFailure } from '../../src/app/outreach.js';
import { OutboxDispatcher } from '../../src/app/dispatch-outbox.js';
import { runLifecycle, type LifecycleDeps } from '../../src/app/lifecycle.js';
import { processInbox, type InboxProcessorDeps } from '../../src/app/process-inbox.js';
import type { InboundItem, Provider } from '../../src/domain/messaging/message.js';
import { verifyChain } from '../../src/domain/transcript.js';
import { buildOutreachDeps } from '../../src/main.js';
import { loadConfig } from '../../src/config.js';
import type { ChannelSender, OutboundEnvelope, SendResult } from '../../src/ports/channel.js';
import { PostgresConversationStore } from '../../src/adapters/postgres/conversation-store.js';
import type { ConversationId } from '../../src/domain/model.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { testConversationDeps } from '../support/conversation-deps.js';

let db: TestDatabase;
let now = new Date('2026-11-24T15:00:00Z');
const clock = { now: () => new Date(now.getTime()) };
const at = (iso: string): void => {
  now = new Date(iso);
};

class ScriptedSender implements ChannelSender {
  readonly sent: OutboundEnvelope[] = [];
  constructor(readonly provider: Provider) {}
  send(envelope: OutboundEnvelope): Promise<SendResult> {
    this.sent.push(envelope);
    return Promise.resolve({ type: 'sent', providerMessageId: `wamid.${this.sent.length}` });
  }
  to(recipient: string): OutboundEnvelope[] {
    return this.sent.filter((e) => e.recipient === recipient);
  }
}

const whatsapp = new ScriptedSender('whatsapp-cloud');
let lifecycle: LifecycleDeps;
let processor: InboxProcessorDeps;
let dispatcher: OutboxDispatcher;
let inbox: PostgresInbox;
let eventSeq = 0;

async function seed(
  ref: string,
  name: string,
  phone: string,
  dueDate: string,
  balance: number,
): Promise<{ debtorId: string; accountId: string }> {
  const debtor = await db.pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale)
     VALUES ($1, $2, '55661234', 'CO', 'America/Bogota', 'es-CO') RETURNING id`,
    [`D-${ref}`, name],
  );
  const debtorId = debtor.rows[0]!.id;
  await db.pool.query(
    `INSERT INTO contact_points (debtor_id, kind, value) VALUES ($1, 'phone', $2)`,
    [debtorId, phone],
  );
  const account = await db.pool.query<{ id: string }>(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date)
     VALUES ($1, $2, 'COP', $3, $4) RETURNING id`,
    [ref, debtorId, balance, dueDate],
  );
  return { debtorId, accountId: account.rows[0]!.id };
}

/** The debtor writes on WhatsApp: stored as a raw event, then processed by the worker. */
async function says(phone: string, text: string): Promise<void> {
  eventSeq += 1;
  const items: InboundItem[] = [
    {
      type: 'message',
      providerMessageId: `wamid.in.${eventSeq}`,
      sender: { provider: 'whatsapp-cloud', externalId: phone.slice(1), phone },
      sentAt: now,
      content: { type: 'text', text },
    },
  ];
  await inbox.store([
    { provider: 'whatsapp-cloud', eventId: `ev-${eventSeq}`, payload: items, receivedAt: now },
  ]);
  await processInbox(processor);
  await dispatcher.dispatchDue();
}

async function outbox(recipient: string): Promise<
  {
    purpose: string;
    status: string;
    next_attempt_at: Date;
    policy_decisions: { type: string; rule?: string }[];
    dedupe_key: string | null;
    last_error: string | null;
  }[]
> {
  const { rows } = await db.pool.query(
    `SELECT purpose, status, next_attempt_at, policy_decisions, dedupe_key, last_error
       FROM outbox WHERE recipient = $1 ORDER BY id`,
    [recipient],
  );
  return rows as never;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const conversations = await testConversationDeps(db.pool, clock);
  const config = loadConfig({ CUOTA_LOG_LEVEL: 'silent' });
  lifecycle = await buildOutreachDeps(config, db, conversations, ['whatsapp-cloud']);
  inbox = new PostgresInbox(db.pool);
  const outboxStore = new PostgresOutbox(db.pool);
  processor = {
    events: inbox,
    parsers: new Map([
      [
        'whatsapp-cloud',
        {
          provider: 'whatsapp-cloud',
          parse: (payload: unknown) =>
            (payload as InboundItem[]).map((item) =>
              item.type === 'message'
                ? { ...item, sentAt: new Date(item.sentAt) }
                : { ...item, at: new Date(item.at) },
            ),
        },
      ],
    ]),
    directory: new PostgresSenderDirectory(db.pool),
    outbox: outboxStore,
    conversations,
    defaultLocale: 'es-419',
  };
  dispatcher = new OutboxDispatcher({
    outbox: outboxStore,
    senders: new Map<Provider, ChannelSender>([['whatsapp-cloud', whatsapp]]),
    limits: { 'whatsapp-cloud': { perSecond: 1000, perRecipientIntervalMs: 0 } },
    clock,
    random: () => 0.5,
    gate: policyGate({ store: lifecycle.store, decide: lifecycle.decide }),
  });
  lifecycle = { ...lifecycle, clock };
});

afterAll(async () => {
  await db.close();
});

describe('the lifecycle on a controllable clock', () => {
  it('reminds three days before the due date, once, within the debtor hours', async () => {
    const ana = await seed('LC-ANA', 'Ana María Ríos', '+573001110001', '2026-11-27', 125_000_000);
    // Monday 21:00 in Bogotá: D-3 for a due date on the 26th is Tuesday, so nothing for Ana yet.
    at('2026-11-24T02:00:00Z');
    const early = await runLifecycle(lifecycle);
    expect(early.reminders.queued + early.reminders.deferred).toBe(0);

    // Tuesday 10:00 in Bogotá: D-3 for Ana.
    at('2026-11-24T15:00:00Z');
    const run = await runLifecycle(lifecycle);
    expect(run.reminders).toEqual({ queued: 1, deferred: 0, denied: 0, duplicates: 0 });
    await dispatcher.dispatchDue();
    const sent = whatsapp.to('573001110001');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.content).toEqual({
      type: 'template',
      name: 'account_reminder',
      language: 'es',
      variables: ['Ana', expect.stringContaining('27 de noviembre')],
    });
    // Again, the same minute or after a crash: nothing new.
    const again = await runLifecycle(lifecycle);
    expect(again.reminders).toEqual({ queued: 0, deferred: 0, denied: 0, duplicates: 1 });
    const rows = await outbox('573001110001');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      purpose: 'reminder',
      status: 'sent',
      dedupe_key: `reminder:${ana.accountId}:2026-11-27:d-3`,
    });
    expect(rows[0]!.policy_decisions[0]!.type).toBe('allow');

    // The template is in the transcript of a conversation opened in the strategy's flow.
    const conversation = await db.pool.query<{ id: string; flow_id: string }>(
      `SELECT id, flow_id FROM conversations WHERE debtor_id = $1`,
      [ana.debtorId],
    );
    expect(conversation.rows[0]!.flow_id).toBe('default');
    const transcript = await new PostgresConversationStore(db.pool).transcript(
      conversation.rows[0]!.id as ConversationId,
    );
    expect(transcript.map((m) => [m.author, m.body.slice(0, 21)])).toEqual([
      ['bot', 'Hola Ana, te recordam'],
    ]);
    expect(verifyChain(transcript)).toEqual({ ok: true, length: 1 });
  });

  it('defers a reminder due at night to the next allowed hour instead of dropping it', async () => {
    await seed('LC-BETO', 'Beto Díaz', '+573001110002', '2026-11-27', 50_000_000);
    // 04:30 UTC is still Tuesday the 24th, 23:30, in Bogotá: D-3 of the 27th, at night.
    at('2026-11-25T04:30:00Z');
    const run = await runLifecycle(lifecycle);
    expect(run.reminders.deferred).toBeGreaterThanOrEqual(1);
    const [row] = await outbox('573001110002');
    expect(row!.status).toBe('pending');
    expect(row!.next_attempt_at.getTime()).toBeGreaterThan(now.getTime());
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/Bogota',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(row!.next_attempt_at);
    expect(local >= '07:00' && local < '19:00').toBe(true);
    await dispatcher.dispatchDue();
    expect(whatsapp.to('573001110002')).toHaveLength(0);
    now = row!.next_attempt_at;
    await dispatcher.dispatchDue();
    expect(whatsapp.to('573001110002')).toHaveLength(1);
  });

  it('follows a promise up, marks it broken when no payment covers it, and re-engages', async () => {
    const ana = await db.pool.query<{ id: string; debtor_id: string }>(
      `SELECT id, debtor_id FROM accounts WHERE account_ref = 'LC-ANA'`,
    );
    // Wednesday 10:00 in Bogotá: Ana answers the reminder and promises to pay on Friday.
    at('2026-11-25T15:00:00Z');
    await says('+573001110001', 'hola');
    await says('+573001110001', '1234');
    await says('+573001110001', 'le pago el viernes');
    await says('+573001110001', 'si');
    const promise = await db.pool.query<{ id: string; due_date: string; status: string }>(
      `SELECT id, due_date::text, status FROM promises WHERE account_id = $1`,
      [ana.rows[0]!.id],
    );
    expect(promise.rows).toEqual([
      { id: expect.any(String), due_date: '2026-11-27', status: 'pending' },
    ]);
    const promiseId = promise.rows[0]!.id;
    // The bot's replies answered her messages: debtor-initiated, sent at once.
    expect(whatsapp.to('573001110001').length).toBeGreaterThanOrEqual(5);

    // Thursday: the reminder the day before.
    at('2026-11-26T14:00:00Z');
    expect((await runLifecycle(lifecycle)).promiseReminders.queued).toBe(1);
    await dispatcher.dispatchDue();
    // Friday: Colombia's two-a-week cap is spent (Tuesday, Thursday) until Tuesday: a reminder
    // for Friday's promise sent next week makes no sense, so it is denied as stale. No due-date
    // reminder either: the promise replaces them.
    at('2026-11-27T14:30:00Z');
    const friday = await runLifecycle(lifecycle);
    expect(friday.promiseReminders).toEqual({ queued: 0, deferred: 0, denied: 1, duplicates: 0 });
    expect(
      (await outbox('573001110001'))
        .filter((r) => r.purpose === 'reminder')
        .map((r) => r.dedupe_key),
    ).toEqual([`reminder:${ana.rows[0]!.id}:2026-11-27:d-3`]);
    const stale = (await outbox('573001110001')).filter((r) => r.purpose === 'promise_reminder');
    expect(stale.map((r) => [r.status, r.policy_decisions[0]!.rule])).toEqual([
      ['sent', undefined],
      ['denied', 'stale'],
    ]);

    // Saturday is within the grace day; Sunday the promise is broken, the account flagged, and
    // the re-engagement waits for the first instant the policy allows.
    at('2026-11-28T15:00:00Z');
    expect((await runLifecycle(lifecycle)).broken.queued).toBe(0);
    at('2026-11-29T15:00:00Z');
    const sunday = await runLifecycle(lifecycle);
    expect(sunday.broken.deferred).toBe(1);
    expect(
      (await db.pool.query(`SELECT status FROM promises WHERE id = $1`, [promiseId])).rows[0],
    ).toEqual({ status: 'broken' });
    expect(
      (await db.pool.query(`SELECT broken_promises FROM accounts WHERE id = $1`, [ana.rows[0]!.id]))
        .rows[0],
    ).toEqual({ broken_promises: 1 });
    expect(
      (
        await db.pool.query(
          `SELECT count(*)::int AS n FROM audit_log WHERE action = 'promise.broken' AND entity_id = $1`,
          [promiseId],
        )
      ).rows[0],
    ).toEqual({ n: 1 });
    // A second sweep changes nothing.
    expect((await runLifecycle(lifecycle)).broken).toEqual({
      queued: 0,
      deferred: 0,
      denied: 0,
      duplicates: 0,
    });
    const broken = (await outbox('573001110001')).find((r) => r.purpose === 'broken_promise')!;
    expect(broken.status).toBe('pending');
    const until = broken.next_attempt_at;
    expect(until.getTime()).toBeGreaterThan(now.getTime());
    const before = whatsapp.to('573001110001').length;
    now = new Date(until.getTime() - 60_000);
    await dispatcher.dispatchDue();
    expect(whatsapp.to('573001110001')).toHaveLength(before);
    now = until;
    await dispatcher.dispatchDue();
    const last = whatsapp.to('573001110001').at(-1)!;
    expect(last.content.type === 'template' && last.content.name).toBe('promise_broken');
  });

  it('thanks a payment and asks the one survey question, once', async () => {
    const carla = await seed('LC-CARLA', 'Carla Gómez', '+573001110003', '2026-12-20', 30_000_000);
    at('2026-12-01T15:00:00Z');
    const payment = await db.pool.query<{ id: string }>(
      `INSERT INTO payments (account_id, external_id, amount_minor, currency, paid_at, source)
       VALUES ($1, 'PAY-LC-1', 10000000, 'COP', $2, 'api') RETURNING id`,
      [carla.accountId, now],
    );
    const run = await runLifecycle(lifecycle);
    expect(run.thanks.queued + run.thanks.deferred).toBe(2);
    expect((await runLifecycle(lifecycle)).thanks.queued).toBe(0);
    const rows = await outbox('573001110003');
    expect(rows.map((r) => r.purpose)).toEqual(['payment_thanks', 'survey']);
    expect(
      (
        await db.pool.query(
          `SELECT payment_id, score FROM satisfaction_surveys WHERE account_id = $1`,
          [carla.accountId],
        )
      ).rows,
    ).toEqual([{ payment_id: payment.rows[0]!.id, score: null }]);

    // Carla answers the survey with a number: stored, thanked, and the flow does not move.
    await dispatcher.dispatchDue();
    await says('+573001110003', '5');
    expect(
      (
        await db.pool.query(`SELECT score FROM satisfaction_surveys WHERE account_id = $1`, [
          carla.accountId,
        ])
      ).rows,
    ).toEqual([{ score: 5 }]);
    const thanked = whatsapp.to('573001110003').at(-1)!;
    expect(thanked.content).toEqual({
      type: 'text',
      text: '¡Gracias por tu respuesta! Nos ayuda a atenderte mejor.',
    });
    // A second "5" is an ordinary message: the survey was answered.
    await says('+573001110003', '5');
    expect(
      (
        await db.pool.query(
          `SELECT count(*)::int AS n FROM satisfaction_surveys WHERE account_id = $1 AND score IS NOT NULL`,
          [carla.accountId],
        )
      ).rows[0],
    ).toEqual({ n: 1 });
  });

  it('nudges a conversation left mid-negotiation once', async () => {
    await seed('LC-DANI', 'Daniel Mora', '+573001110004', '2026-11-10', 80_000_000);
    at('2026-12-02T14:00:00Z');
    await says('+573001110004', 'hola');
    await says('+573001110004', '1234');
    await says('+573001110004', 'quiero pagar en cuotas');
    at('2026-12-02T21:00:00Z');
    // 16:00 in Bogotá, seven hours of silence after the bot's last question.
    const run = await runLifecycle(lifecycle);
    expect(run.nudges.queued).toBe(1);
    expect((await runLifecycle(lifecycle)).nudges.queued).toBe(0);
    await dispatcher.dispatchDue();
    const last = whatsapp.to('573001110004').at(-1)!;
    expect(last.content.type === 'template' && last.content.name).toBe('conversation_nudge');
  });

  it('stops everything on the channel after a STOP', async () => {
    await seed('LC-ELSA', 'Elsa Pardo', '+573001110005', '2026-12-07', 20_000_000);
    at('2026-12-03T15:00:00Z');
    await says('+573001110005', 'no me escriban más');
    // D-3 of the 7th is the 4th: the reminder is denied on WhatsApp and nothing is sent.
    at('2026-12-04T15:00:00Z');
    const before = whatsapp.to('573001110005').length;
    const run = await runLifecycle(lifecycle);
    expect(run.reminders.denied).toBe(1);
    await dispatcher.dispatchDue();
    expect(whatsapp.to('573001110005')).toHaveLength(before);
    const denied = (await outbox('573001110005')).filter((r) => r.purpose === 'reminder');
    expect(denied).toEqual([
      expect.objectContaining({ status: 'denied', last_error: expect.stringContaining('opt') }),
    ]);
  });
  it('keeps the hours a debtor asks for and writes first only within them', async () => {
    const fede = await seed('LC-FEDE', 'Federico Ruiz', '+573001110006', '2026-12-12', 40_000_000);
    at('2026-12-07T15:00:00Z');
    await says('+573001110006', 'hola');
    await says('+573001110006', 'por favor escríbanme después de las 6');
    expect(
      (
        await db.pool.query(
          `SELECT earliest, latest, days, source FROM contact_preferences WHERE debtor_id = $1`,
          [fede.debtorId],
        )
      ).rows,
    ).toEqual([{ earliest: '18:00', latest: null, days: null, source: 'debtor' }]);
    const confirmation = whatsapp.to('573001110006').at(-1)!;
    expect(confirmation.content.type === 'text' && confirmation.content.text).toContain(
      'después de las 18:00',
    );
    // D-3 of the 12th is Wednesday the 9th: at 10:00 in Bogotá the reminder waits for 18:00.
    at('2026-12-09T15:00:00Z');
    const run = await runLifecycle(lifecycle);
    expect(run.reminders.deferred).toBe(1);
    const reminder = (await outbox('573001110006')).find((r) => r.purpose === 'reminder')!;
    expect(reminder.next_attempt_at.toISOString()).toBe('2026-12-09T23:00:00.000Z');
    expect(reminder.policy_decisions[0]!.rule).toBe('preference');
  });
  it('sends a reminder on SMS when WhatsApp cannot deliver it', async () => {
    const gina = await seed('LC-GINA', 'Gina Vélez', '+573001110007', '2026-12-18', 15_000_000);
    const sms = new ScriptedSender('twilio-sms');
    const refusing: ChannelSender = {
      provider: 'whatsapp-cloud',
      send: () =>
        Promise.resolve({
          type: 'failed',
          reason: 'Message undeliverable',
          code: '131026',
        }),
    };
    const both: LifecycleDeps = {
      ...lifecycle,
      providers: { whatsapp: 'whatsapp-cloud', sms: 'twilio-sms' },
    };
    const outboxStore = new PostgresOutbox(db.pool);
    const twoChannels = new OutboxDispatcher({
      outbox: outboxStore,
      senders: new Map<Provider, ChannelSender>([
        ['whatsapp-cloud', refusing],
        ['twilio-sms', sms],
      ]),
      limits: {
        'whatsapp-cloud': { perSecond: 1000, perRecipientIntervalMs: 0 },
        'twilio-sms': { perSecond: 1000, perRecipientIntervalMs: 0 },
      },
      clock,
      random: () => 0.5,
      gate: policyGate({ store: both.store, decide: both.decide }),
      onFailed: async (rowId) => {
        await fallBackOnFailure(both, rowId);
      },
    });
    // D-3 of the 18th is Tuesday the 15th, 10:00 in Bogotá.
    at('2026-12-15T15:00:00Z');
    expect((await runLifecycle(both)).reminders.queued).toBe(1);
    await twoChannels.dispatchDue();
    // WhatsApp refused it for good; the SMS version is queued under its own key, then sent.
    await twoChannels.dispatchDue();
    expect(sms.to('+573001110007').map((e) => e.content.type === 'text' && e.content.text)).toEqual(
      [
        expect.stringMatching(
          /^Hola Gina, te recordamos que tu cuenta tiene una fecha de pago el /,
        ),
      ],
    );
    const rows = await db.pool.query<{ provider: string; status: string; dedupe_key: string }>(
      `SELECT provider, status, dedupe_key FROM outbox WHERE account_id = $1 ORDER BY id`,
      [gina.accountId],
    );
    expect(rows.rows).toEqual([
      {
        provider: 'whatsapp-cloud',
        status: 'failed',
        dedupe_key: `reminder:${gina.accountId}:2026-12-18:d-3`,
      },
      {
        provider: 'twilio-sms',
        status: 'sent',
        dedupe_key: `reminder:${gina.accountId}:2026-12-18:d-3:fallback`,
      },
    ]);
    // A failure replayed (a second call) queues nothing more.
    const failed = await db.pool.query<{ id: string }>(
      `SELECT id::text FROM outbox WHERE account_id = $1 AND status = 'failed'`,
      [gina.accountId],
    );
    expect((await fallBackOnFailure(both, failed.rows[0]!.id)).duplicates).toBe(1);
  });
});

import type pg from 'pg';
import {
  recordDecision,
  type ContactAttempt,
  type ContactPurpose,
  type DebtorContactFacts,
  type DoNotContactReason,
} from '../../domain/contact-policy/index.js';
import type { LocalDate } from '../../domain/dates.js';
import { channelOf, type Provider } from '../../domain/messaging/message.js';
import type { AccountId, Channel, ConversationId, DebtorId } from '../../domain/model.js';
import type { CurrencyCode, Minor, Money } from '../../domain/money.js';
import { chainHash, type TranscriptEntry } from '../../domain/transcript.js';
import type {
  DueInstallment,
  DuePromise,
  DueReminder,
  LapsedCommitment,
  OutreachDebtor,
  OutreachRequest,
  OutreachStore,
  OutreachTransaction,
  OutreachWrite,
  SilentConversation,
  UnthankedPayment,
} from '../../ports/outreach-store.js';
import { withTransaction } from './database.js';

/** The debtor columns every outreach query selects, reachable addresses included. */
export const debtorColumns = /* sql */ `
  d.id AS debtor_id, d.name AS debtor_name, d.locale AS debtor_locale, d.time_zone AS debtor_time_zone,
  d.country AS debtor_country,
  (SELECT cp.value FROM contact_points cp
    WHERE cp.debtor_id = d.id AND cp.kind = 'phone' AND cp.has_consent ORDER BY cp.id LIMIT 1) AS debtor_phone,
  (SELECT ci.external_id FROM channel_identities ci
    WHERE ci.debtor_id = d.id AND ci.provider = 'telegram' ORDER BY ci.created_at LIMIT 1) AS debtor_telegram`;

export interface DebtorRow {
  debtor_id: string;
  debtor_name: string;
  debtor_locale: string;
  debtor_time_zone: string;
  debtor_country: string | null;
  debtor_phone: string | null;
  debtor_telegram: string | null;
}

export function debtorOf(row: DebtorRow): OutreachDebtor {
  return {
    id: row.debtor_id as DebtorId,
    name: row.debtor_name,
    locale: row.debtor_locale,
    timeZone: row.debtor_time_zone,
    country: row.debtor_country ?? undefined,
    phone: row.debtor_phone ?? undefined,
    telegramChatId: row.debtor_telegram ?? undefined,
  };
}

/** An amount as PostgreSQL returns a bigint of minor units (text) with its currency. */
function moneyOf(minor: string, currency: string): Money {
  return { amount: Number(minor) as Minor, currency: currency as CurrencyCode };
}

/** How many days before a date its reminders go: 1 the day before, 0 on the day. */
function daysAhead(dayBefore: boolean, onTheDay: boolean): number[] {
  return [...(dayBefore ? [1] : []), ...(onTheDay ? [0] : [])];
}

/** The debtor's calendar day at $1. */
const localToday = `(($1::timestamptz AT TIME ZONE d.time_zone)::date)`;

/** Outbox states that count as a contact made or about to be made. */
const contactStatuses = `('pending', 'sending', 'sent', 'delivered', 'read', 'unknown')`;

/** Payments older than this are history, not news: no thank-you for them. */
const thankWithinDays = 3;

interface FactsRow {
  id: string;
  time_zone: string;
  country: string | null;
  opt_outs: (Channel | 'all')[];
  suppressions: { reason: DoNotContactReason; channel: Channel | 'all' }[];
  has_dispute: boolean;
  earliest: string | null;
  latest: string | null;
  days: number[] | null;
  history: { at: string; provider: Provider; purpose: ContactPurpose }[];
  last_inbound: { at: string; channel: Channel } | null;
}

/**
 * Creditor-initiated messages in PostgreSQL: the sweep's queries (each reads "today" in the
 * debtor's own time zone), the contact history the policy counts, and the transaction that
 * writes messages with the state changes that caused them.
 */
export class PostgresOutreachStore implements OutreachStore {
  constructor(private readonly pool: pg.Pool) {}

  async dueReminders(
    now: Date,
    steps: readonly {
      segment: string | null;
      stepId: string;
      offsetDays: number;
      template: string;
    }[],
    overriddenSegments: readonly string[],
  ): Promise<DueReminder[]> {
    if (steps.length === 0) return [];
    const offsets = steps.map((s) => s.offsetDays);
    const result = await this.pool.query<
      DebtorRow & {
        account_id: string;
        due_date: string;
        segment: string | null;
        step_id: string;
        offset_days: number;
        template: string;
      }
    >(
      `WITH steps AS (
         SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[]) AS s(segment, step_id, offset_days, template)
       )
       SELECT a.id AS account_id, a.due_date::text AS due_date, COALESCE(a.segment, d.segment) AS segment,
              s.step_id, s.offset_days, s.template, ${debtorColumns}
         FROM accounts a
         JOIN debtors d ON d.id = a.debtor_id
         JOIN steps s ON s.segment IS NOT DISTINCT FROM
              (CASE WHEN COALESCE(a.segment, d.segment) = ANY($6::text[]) THEN COALESCE(a.segment, d.segment) END)
        WHERE a.status = 'active' AND a.balance_minor > 0
          -- Index-friendly window first (a day of slack either side for time zones).
          AND a.due_date BETWEEN ($1::timestamptz)::date - $7::int - 1 AND ($1::timestamptz)::date - $8::int + 1
          AND ${localToday} - a.due_date = s.offset_days
          -- A promise or a plan in force replaces the due-date reminders with their own.
          AND NOT EXISTS (SELECT 1 FROM promises p WHERE p.account_id = a.id AND p.status = 'pending')
          AND NOT EXISTS (SELECT 1 FROM plans pl WHERE pl.account_id = a.id AND pl.status = 'active')
        ORDER BY a.id, s.step_id`,
      [
        now,
        steps.map((s) => s.segment),
        steps.map((s) => s.stepId),
        offsets,
        steps.map((s) => s.template),
        overriddenSegments,
        Math.max(...offsets),
        Math.min(...offsets),
      ],
    );
    return result.rows.map((row) => ({
      kind: 'reminder',
      stepId: row.step_id,
      offsetDays: row.offset_days,
      template: row.template,
      account: {
        id: row.account_id as AccountId,
        dueDate: row.due_date as LocalDate,
        segment: row.segment ?? undefined,
      },
      debtor: debtorOf(row),
    }));
  }

  async duePromises(now: Date, dayBefore: boolean, onTheDay: boolean): Promise<DuePromise[]> {
    const ahead = daysAhead(dayBefore, onTheDay);
    if (ahead.length === 0) return [];
    const result = await this.pool.query<
      DebtorRow & {
        id: string;
        account_id: string;
        segment: string | null;
        amount_minor: string;
        currency: string;
        due_date: string;
        ahead: number;
      }
    >(
      `SELECT p.id, p.account_id, COALESCE(a.segment, d.segment) AS segment, p.amount_minor, p.currency,
              p.due_date::text AS due_date, p.due_date - ${localToday} AS ahead, ${debtorColumns}
         FROM promises p
         JOIN accounts a ON a.id = p.account_id
         JOIN debtors d ON d.id = a.debtor_id
        WHERE p.status = 'pending'
          AND p.due_date BETWEEN ($1::timestamptz)::date - 2 AND ($1::timestamptz)::date + 3
          AND p.due_date - ${localToday} = ANY($2::int[])
        ORDER BY p.id`,
      [now, ahead],
    );
    return result.rows.map((row) => ({
      kind: 'promise_reminder',
      when: row.ahead === 1 ? 'eve' : 'day',
      promiseId: row.id,
      accountId: row.account_id as AccountId,
      segment: row.segment ?? undefined,
      amount: moneyOf(row.amount_minor, row.currency),
      dueDate: row.due_date as LocalDate,
      debtor: debtorOf(row),
    }));
  }

  async dueInstallments(
    now: Date,
    dayBefore: boolean,
    onTheDay: boolean,
  ): Promise<DueInstallment[]> {
    const ahead = daysAhead(dayBefore, onTheDay);
    if (ahead.length === 0) return [];
    const result = await this.pool.query<
      DebtorRow & {
        plan_id: string;
        seq: number;
        account_id: string;
        segment: string | null;
        unpaid: string;
        currency: string;
        due_date: string;
        ahead: number;
      }
    >(
      `SELECT i.plan_id, i.seq, pl.account_id, COALESCE(a.segment, d.segment) AS segment,
              i.amount_minor - i.paid_minor AS unpaid, pl.currency, i.due_date::text AS due_date,
              i.due_date - ${localToday} AS ahead, ${debtorColumns}
         FROM installments i
         JOIN plans pl ON pl.id = i.plan_id
         JOIN accounts a ON a.id = pl.account_id
         JOIN debtors d ON d.id = a.debtor_id
        WHERE pl.status = 'active' AND i.paid_minor < i.amount_minor
          AND i.due_date BETWEEN ($1::timestamptz)::date - 2 AND ($1::timestamptz)::date + 3
          AND i.due_date - ${localToday} = ANY($2::int[])
        ORDER BY i.plan_id, i.seq`,
      [now, ahead],
    );
    return result.rows.map((row) => ({
      kind: 'installment_reminder',
      when: row.ahead === 1 ? 'eve' : 'day',
      planId: row.plan_id,
      seq: row.seq,
      accountId: row.account_id as AccountId,
      segment: row.segment ?? undefined,
      amount: moneyOf(row.unpaid, row.currency),
      dueDate: row.due_date as LocalDate,
      debtor: debtorOf(row),
    }));
  }

  async lapsedCommitments(now: Date, graceDays: number): Promise<LapsedCommitment[]> {
    type Row = DebtorRow & {
      kind: 'promise' | 'installment';
      id: string;
      account_id: string;
      segment: string | null;
      amount_minor: string;
      currency: string;
      due_date: string;
    };
    const result = await this.pool.query<Row>(
      `SELECT 'promise' AS kind, p.id::text AS id, p.account_id, COALESCE(a.segment, d.segment) AS segment,
              p.amount_minor, p.currency, p.due_date::text AS due_date, ${debtorColumns}
         FROM promises p
         JOIN accounts a ON a.id = p.account_id
         JOIN debtors d ON d.id = a.debtor_id
        WHERE p.status = 'pending' AND p.due_date < ($1::timestamptz)::date - $2::int + 1
          AND ${localToday} > p.due_date + $2::int
          -- Payments since the promise, up to its date plus grace, that cover it keep it.
          AND COALESCE((SELECT SUM(pay.amount_minor) FROM payments pay
                         WHERE pay.account_id = p.account_id AND (pay.paid_at AT TIME ZONE d.time_zone)::date >= (p.created_at AT TIME ZONE d.time_zone)::date
                           AND (pay.paid_at AT TIME ZONE d.time_zone)::date <= p.due_date + $2::int), 0) < p.amount_minor
       UNION ALL
       SELECT 'installment', i.plan_id::text || ':' || i.seq, pl.account_id, COALESCE(a.segment, d.segment),
              i.amount_minor - i.paid_minor, pl.currency, i.due_date::text, ${debtorColumns}
         FROM installments i
         JOIN plans pl ON pl.id = i.plan_id
         JOIN accounts a ON a.id = pl.account_id
         JOIN debtors d ON d.id = a.debtor_id
        WHERE pl.status = 'active' AND i.paid_minor < i.amount_minor
          AND i.due_date < ($1::timestamptz)::date - $2::int + 1
          AND ${localToday} > i.due_date + $2::int
        ORDER BY 2`,
      [now, graceDays],
    );
    // One missed installment breaks its plan once: keep the earliest per plan.
    const seenPlans = new Set<string>();
    const lapsed: LapsedCommitment[] = [];
    for (const row of result.rows) {
      if (row.kind === 'installment') {
        const planId = row.id.split(':')[0] ?? row.id;
        if (seenPlans.has(planId)) continue;
        seenPlans.add(planId);
      }
      lapsed.push({
        kind: row.kind,
        id: row.id,
        accountId: row.account_id as AccountId,
        segment: row.segment ?? undefined,
        amount: moneyOf(row.amount_minor, row.currency),
        dueDate: row.due_date as LocalDate,
        debtor: debtorOf(row),
      });
    }
    return lapsed;
  }

  async unthankedPayments(now: Date, limit: number): Promise<UnthankedPayment[]> {
    const result = await this.pool.query<
      DebtorRow & {
        id: string;
        account_id: string;
        segment: string | null;
        amount_minor: string;
        currency: string;
        paid_on: string;
      }
    >(
      `SELECT pay.id, pay.account_id, COALESCE(a.segment, d.segment) AS segment, pay.amount_minor, pay.currency,
              ((pay.paid_at AT TIME ZONE d.time_zone)::date)::text AS paid_on, ${debtorColumns}
         FROM payments pay
         JOIN accounts a ON a.id = pay.account_id
         JOIN debtors d ON d.id = a.debtor_id
        WHERE pay.thanked_at IS NULL AND pay.paid_at > $3::timestamptz - make_interval(days => $2)
        ORDER BY pay.created_at
        LIMIT $1`,
      [limit, thankWithinDays, now],
    );
    return result.rows.map((row) => ({
      paymentId: row.id,
      accountId: row.account_id as AccountId,
      segment: row.segment ?? undefined,
      amount: moneyOf(row.amount_minor, row.currency),
      paidOn: row.paid_on as LocalDate,
      debtor: debtorOf(row),
    }));
  }

  async silentConversations(
    now: Date,
    silentForMs: number,
    steps: readonly string[],
  ): Promise<SilentConversation[]> {
    const result = await this.pool.query<
      DebtorRow & {
        id: string;
        last_seq: number;
        provider: Provider;
        address: string;
        account_id: string | null;
      }
    >(
      `SELECT c.id, c.last_seq, c.provider, c.address, c.account_id, ${debtorColumns}
         FROM conversations c
         JOIN debtors d ON d.id = c.debtor_id
         JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq
        WHERE c.status = 'open' AND c.owner = 'bot' AND c.channel <> 'web'
          AND c.provider IS NOT NULL AND c.address IS NOT NULL
          AND (c.state->>'isVerified')::boolean AND NOT (c.state->>'isPaused')::boolean
          AND c.state->>'stepId' = ANY($3::text[])
          AND m.direction = 'out' AND m.author = 'bot' AND NOT (m.payload ? 'purpose')
          AND m.created_at <= $1::timestamptz - make_interval(secs => $2::double precision / 1000)
          AND m.created_at > $1::timestamptz - interval '7 days'
        ORDER BY c.id`,
      [now, silentForMs, steps],
    );
    return result.rows.map((row) => ({
      conversationId: row.id as ConversationId,
      lastSeq: row.last_seq,
      provider: row.provider,
      address: row.address,
      accountId: (row.account_id ?? undefined) as AccountId | undefined,
      debtor: debtorOf(row),
    }));
  }

  async existingKeys(keys: readonly string[]): Promise<ReadonlySet<string>> {
    if (keys.length === 0) return new Set();
    const result = await this.pool.query<{ dedupe_key: string }>(
      `SELECT dedupe_key FROM outbox WHERE dedupe_key = ANY($1::text[])`,
      [keys],
    );
    return new Set(result.rows.map((r) => r.dedupe_key));
  }

  async contactFacts(
    debtorIds: readonly DebtorId[],
    now: Date,
    excluding: readonly string[] = [],
  ): Promise<Map<DebtorId, DebtorContactFacts>> {
    const facts = new Map<DebtorId, DebtorContactFacts>();
    if (debtorIds.length === 0) return facts;
    const result = await this.pool.query<FactsRow>(
      `SELECT d.id, d.time_zone, d.country,
              COALESCE((SELECT array_agg(o.channel) FROM opt_outs o WHERE o.debtor_id = d.id), '{}') AS opt_outs,
              COALESCE((SELECT json_agg(json_build_object('reason', s.reason, 'channel', s.channel))
                          FROM contact_suppressions s WHERE s.debtor_id = d.id), '[]') AS suppressions,
              EXISTS (SELECT 1 FROM disputes x JOIN accounts a ON a.id = x.account_id
                       WHERE a.debtor_id = d.id AND x.status = 'open') AS has_dispute,
              p.earliest, p.latest, p.days,
              COALESCE((SELECT json_agg(json_build_object('at', COALESCE(o.sent_at, o.next_attempt_at),
                                                          'provider', o.provider, 'purpose', o.purpose))
                          FROM outbox o
                         WHERE o.debtor_id = d.id AND o.created_at > $2::timestamptz - interval '60 days'
                           AND o.status IN ${contactStatuses}
                           AND NOT (o.id = ANY($3::bigint[]))), '[]') AS history,
              (SELECT json_build_object('at', c.last_inbound_at, 'channel', c.channel)
                 FROM conversations c
                WHERE c.debtor_id = d.id AND c.last_inbound_at IS NOT NULL
                ORDER BY c.last_inbound_at DESC LIMIT 1) AS last_inbound
         FROM debtors d
         LEFT JOIN contact_preferences p ON p.debtor_id = d.id
        WHERE d.id = ANY($1::uuid[])`,
      [debtorIds, now, excluding],
    );
    for (const row of result.rows) {
      const doNotContact = row.suppressions.map((s) => ({ reason: s.reason, channel: s.channel }));
      if (row.has_dispute) doNotContact.push({ reason: 'dispute', channel: 'all' });
      const history: ContactAttempt[] = row.history.map((h) => ({
        at: new Date(h.at),
        channel: channelOf[h.provider] ?? 'web',
        purpose: h.purpose,
      }));
      facts.set(row.id as DebtorId, {
        timeZone: row.time_zone,
        country: row.country ?? undefined,
        optOuts: row.opt_outs,
        doNotContact,
        preference:
          row.earliest === null && row.latest === null && row.days === null
            ? undefined
            : {
                ...(row.earliest === null ? {} : { earliest: row.earliest }),
                ...(row.latest === null ? {} : { latest: row.latest }),
                ...(row.days === null ? {} : { days: row.days }),
              },
        history,
        lastInbound:
          row.last_inbound === null
            ? undefined
            : { at: new Date(row.last_inbound.at), channel: row.last_inbound.channel },
      });
    }
    return facts;
  }

  async fallbackFor(
    outboxId: string,
  ): Promise<{ request: OutreachRequest; flowId: string } | undefined> {
    const result = await this.pool.query<
      DebtorRow & {
        dedupe_key: string;
        purpose: ContactPurpose;
        account_id: string | null;
        fallback_channels: Channel[];
        outreach: OutreachRecord;
        flow_id: string | null;
      }
    >(
      `SELECT o.dedupe_key, o.purpose, o.account_id, o.fallback_channels, o.outreach, c.flow_id, ${debtorColumns}
         FROM outbox o
         JOIN debtors d ON d.id = o.debtor_id
         LEFT JOIN conversations c ON c.id = o.conversation_id
        WHERE o.id = $1 AND o.status = 'failed' AND o.outreach IS NOT NULL
          AND o.dedupe_key IS NOT NULL AND cardinality(o.fallback_channels) > 0`,
      [outboxId],
    );
    const row = result.rows[0];
    if (row === undefined) return undefined;
    const { outreach } = row;
    return {
      flowId: row.flow_id ?? outreach.flowId,
      request: {
        dedupeKey: `${row.dedupe_key}:fallback`,
        purpose: row.purpose,
        template: outreach.template,
        debtor: debtorOf(row),
        accountId: (row.account_id ?? undefined) as AccountId | undefined,
        values: outreach.values,
        channels: row.fallback_channels,
        isSurvey: outreach.isSurvey,
        notAfter: outreach.notAfter === undefined ? undefined : new Date(outreach.notAfter),
        ...(outreach.tags === undefined ? {} : { tags: outreach.tags }),
      },
    };
  }

  transaction<T>(work: (tx: OutreachTransaction) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, (client) => work(new PostgresOutreachTransaction(client)));
  }
}

class PostgresOutreachTransaction implements OutreachTransaction {
  constructor(private readonly client: pg.PoolClient) {}

  async breakCommitment(commitment: LapsedCommitment, at: Date): Promise<boolean> {
    const changed =
      commitment.kind === 'promise'
        ? await this.client.query(
            `UPDATE promises SET status = 'broken', resolved_at = $2 WHERE id = $1 AND status = 'pending'`,
            [commitment.id, at],
          )
        : await this.client.query(
            `UPDATE plans SET status = 'broken' WHERE id = $1 AND status = 'active'`,
            [commitment.id.split(':')[0], at],
          );
    if (changed.rowCount !== 1) return false;
    await this.client.query(
      `UPDATE accounts SET broken_promises = broken_promises + 1, updated_at = $2 WHERE id = $1`,
      [commitment.accountId, at],
    );
    await this.client.query(
      `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, data)
       VALUES ($1, 'scheduler', $2, $3, $4, $5)`,
      [
        at,
        commitment.kind === 'promise' ? 'promise.broken' : 'plan.broken',
        commitment.kind === 'promise' ? 'promise' : 'plan',
        commitment.kind === 'promise' ? commitment.id : commitment.id.split(':')[0],
        JSON.stringify({
          accountId: commitment.accountId,
          amount: commitment.amount.amount,
          currency: commitment.amount.currency,
          dueDate: commitment.dueDate,
          ...(commitment.kind === 'installment' ? { installment: commitment.id } : {}),
        }),
      ],
    );
    return true;
  }

  async markThanked(paymentId: string, at: Date): Promise<boolean> {
    const changed = await this.client.query<{ account_id: string; debtor_id: string }>(
      `UPDATE payments pay SET thanked_at = $2
         FROM accounts a
        WHERE pay.id = $1 AND pay.thanked_at IS NULL AND a.id = pay.account_id
        RETURNING pay.account_id, a.debtor_id`,
      [paymentId, at],
    );
    const row = changed.rows[0];
    if (row === undefined) return false;
    await this.client.query(
      `INSERT INTO satisfaction_surveys (debtor_id, account_id, payment_id, asked_at) VALUES ($1, $2, $3, $4)`,
      [row.debtor_id, row.account_id, paymentId, at],
    );
    return true;
  }

  async write(items: readonly OutreachWrite[], at: Date): Promise<ReadonlySet<string>> {
    const written = new Set<string>();
    if (items.length === 0) return written;
    const sendable = items.filter((i) => i.route !== undefined && i.decision.type !== 'deny');
    const denied = items.filter((i) => !sendable.includes(i));

    if (denied.length > 0) {
      const result = await this.client.query<{ dedupe_key: string }>(
        `INSERT INTO outbox (debtor_id, account_id, provider, recipient, author, content, locale, status, purpose,
                             policy_decisions, dedupe_key, last_error, next_attempt_at, created_at, updated_at)
         SELECT d.debtor_id, d.account_id, d.provider, d.recipient, 'bot', d.content, d.locale, 'denied', d.purpose,
                d.decisions, d.dedupe_key, d.reason, $1, $1, $1
           FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[],
                       $9::jsonb[], $10::text[], $11::text[])
                AS d(debtor_id, account_id, provider, recipient, content, locale, purpose, decisions, dedupe_key, reason)
         ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
         RETURNING dedupe_key`,
        [
          at,
          denied.map((i) => i.request.debtor.id),
          denied.map((i) => i.request.accountId ?? null),
          denied.map((i) => i.route?.provider ?? 'none'),
          denied.map((i) => i.route?.address ?? ''),
          denied.map((i) =>
            JSON.stringify(i.content ?? { type: 'text', text: i.text || i.request.template }),
          ),
          denied.map((i) => i.locale),
          denied.map((i) => i.request.purpose),
          denied.map((i) => JSON.stringify([recordDecision(i.decision, at)])),
          denied.map((i) => i.request.dedupeKey),
          denied.map((i) =>
            i.decision.type === 'deny' ? `${i.decision.rule}: ${i.decision.reason}` : '',
          ),
        ],
      );
      for (const row of result.rows) written.add(row.dedupe_key);
    }
    if (sendable.length === 0) return written;

    // The conversation each message belongs to: its own (a nudge), or the debtor's open one on
    // the channel, opened in the strategy's flow when there is none.
    const toOpen = new Map<string, OutreachWrite>();
    for (const item of sendable) {
      if (item.request.conversation !== undefined || item.route === undefined) continue;
      const key = `${item.request.debtor.id}|${item.route.channel}`;
      if (!toOpen.has(key)) toOpen.set(key, item);
    }
    const opened = [...toOpen.values()].sort((a, b) =>
      `${a.request.debtor.id}|${a.route?.channel}` < `${b.request.debtor.id}|${b.route?.channel}`
        ? -1
        : 1,
    );
    const conversationOf = new Map<string, string>();
    if (opened.length > 0) {
      const result = await this.client.query<{ id: string; debtor_id: string; channel: Channel }>(
        `INSERT INTO conversations (debtor_id, account_id, channel, flow_id, flow_version, state, provider, address,
                                    created_at, updated_at)
         SELECT o.debtor_id, o.account_id, o.channel, o.flow_id, o.flow_version, o.state, o.provider, o.address, $1, $1
           FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int[], $7::jsonb[], $8::text[], $9::text[])
                WITH ORDINALITY AS o(debtor_id, account_id, channel, flow_id, flow_version, state, provider, address, n)
          ORDER BY o.n
         ON CONFLICT (debtor_id, channel) WHERE status = 'open' AND channel <> 'web'
         DO UPDATE SET updated_at = conversations.updated_at
         RETURNING id, debtor_id, channel`,
        [
          at,
          opened.map((i) => i.request.debtor.id),
          opened.map((i) => i.request.accountId ?? null),
          opened.map((i) => i.route?.channel),
          opened.map((i) => i.initialState.flowId),
          opened.map((i) => i.initialState.flowVersion),
          opened.map((i) => JSON.stringify(i.initialState)),
          opened.map((i) => i.route?.provider),
          opened.map((i) => i.route?.address),
        ],
      );
      for (const row of result.rows) conversationOf.set(`${row.debtor_id}|${row.channel}`, row.id);
    }
    const conversationFor = (item: OutreachWrite): string =>
      item.request.conversation?.id ??
      conversationOf.get(`${item.request.debtor.id}|${item.route?.channel}`) ??
      '';

    const inserted = await this.client.query<{ id: string; dedupe_key: string }>(
      `INSERT INTO outbox (conversation_id, debtor_id, account_id, provider, recipient, author, content, locale, purpose,
                           policy_decisions, dedupe_key, fallback_channels, next_attempt_at, expires_at, outreach, created_at, updated_at)
       SELECT o.conversation_id, o.debtor_id, o.account_id, o.provider, o.recipient, 'bot', o.content, o.locale,
              o.purpose, o.decisions, o.dedupe_key, string_to_array(o.fallback, ','), o.due, o.expires, o.outreach, $1, $1
         FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::text[],
                     $10::jsonb[], $11::text[], $12::text[], $13::timestamptz[], $14::timestamptz[], $15::jsonb[])
              WITH ORDINALITY AS o(conversation_id, debtor_id, account_id, provider, recipient, content, locale, purpose,
                                   decisions, dedupe_key, fallback, due, expires, outreach, n)
        ORDER BY o.n
       ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
       RETURNING id, dedupe_key`,
      [
        at,
        sendable.map(conversationFor),
        sendable.map((i) => i.request.debtor.id),
        sendable.map((i) => i.request.accountId ?? null),
        sendable.map((i) => i.route?.provider),
        sendable.map((i) => i.route?.address),
        sendable.map((i) => JSON.stringify(i.content)),
        sendable.map((i) => i.locale),
        sendable.map((i) => i.request.purpose),
        sendable.map((i) => JSON.stringify([recordDecision(i.decision, at)])),
        sendable.map((i) => i.request.dedupeKey),
        sendable.map((i) => i.fallbackChannels.join(',')),
        sendable.map((i) => (i.decision.type === 'defer' ? i.decision.until : at)),
        sendable.map((i) => i.request.notAfter ?? null),
        sendable.map((i) =>
          i.fallbackChannels.length === 0
            ? null
            : JSON.stringify(outreachRecord(i.request, i.initialState.flowId)),
        ),
      ],
    );
    const outboxIdOf = new Map(inserted.rows.map((r) => [r.dedupe_key, r.id]));
    for (const key of outboxIdOf.keys()) written.add(key);
    const toRecord = sendable.filter((i) => outboxIdOf.has(i.request.dedupeKey));
    if (toRecord.length > 0) await this.appendTranscript(toRecord, conversationFor, outboxIdOf, at);
    return written;
  }

  /** Appends each written message to its conversation's hash-chained transcript. */
  private async appendTranscript(
    items: readonly OutreachWrite[],
    conversationFor: (item: OutreachWrite) => string,
    outboxIdOf: ReadonlyMap<string, string>,
    at: Date,
  ): Promise<void> {
    const ids = [...new Set(items.map(conversationFor))].sort();
    const heads = await this.client.query<{
      id: string;
      last_seq: number;
      last_hash: string | null;
      flow_id: string | null;
      flow_version: number | null;
    }>(
      `SELECT id, last_seq, last_hash, flow_id, flow_version FROM conversations
        WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
    const head = new Map(heads.rows.map((r) => [r.id, { ...r }]));
    const rows: (TranscriptEntry & { prevHash: string | null; hash: string })[] = [];
    for (const item of items) {
      const conversation = head.get(conversationFor(item));
      if (conversation === undefined) continue;
      const entry: TranscriptEntry = {
        conversationId: conversation.id,
        seq: conversation.last_seq + 1,
        direction: 'out',
        author: 'bot',
        body: item.text,
        payload: {
          purpose: item.request.purpose,
          template: item.request.template,
          dedupeKey: item.request.dedupeKey,
          outboxId: outboxIdOf.get(item.request.dedupeKey),
          decision: recordDecision(item.decision, at),
          ...(item.request.tags === undefined ? {} : { tags: item.request.tags }),
        },
        providerMessageId: null,
        flowId: conversation.flow_id ?? item.initialState.flowId,
        flowVersion: conversation.flow_version ?? item.initialState.flowVersion,
        promptId: null,
        promptVersion: null,
        createdAt: at,
      };
      const hash = chainHash(conversation.last_hash, entry);
      rows.push({ ...entry, prevHash: conversation.last_hash, hash });
      conversation.last_seq = entry.seq;
      conversation.last_hash = hash;
    }
    await this.client.query(
      `INSERT INTO messages (conversation_id, seq, direction, author, body, payload, provider_message_id, flow_id,
                             flow_version, prompt_id, prompt_version, created_at, prev_hash, hash)
       SELECT m.conversation_id, m.seq, 'out', 'bot', m.body, m.payload, NULL, m.flow_id, m.flow_version, NULL, NULL,
              $1, m.prev_hash, m.hash
         FROM unnest($2::uuid[], $3::int[], $4::text[], $5::jsonb[], $6::text[], $7::int[], $8::text[], $9::text[])
              AS m(conversation_id, seq, body, payload, flow_id, flow_version, prev_hash, hash)`,
      [
        at,
        rows.map((r) => r.conversationId),
        rows.map((r) => r.seq),
        rows.map((r) => r.body),
        rows.map((r) => JSON.stringify(r.payload)),
        rows.map((r) => r.flowId),
        rows.map((r) => r.flowVersion),
        rows.map((r) => r.prevHash),
        rows.map((r) => r.hash),
      ],
    );
    const last = [...head.values()];
    await this.client.query(
      `UPDATE conversations c SET last_seq = u.last_seq, last_hash = u.last_hash, updated_at = $1
         FROM unnest($2::uuid[], $3::int[], $4::text[]) AS u(id, last_seq, last_hash)
        WHERE c.id = u.id`,
      [at, last.map((c) => c.id), last.map((c) => c.last_seq), last.map((c) => c.last_hash)],
    );
  }
}

/** What a creditor-initiated message was made from, kept to render it for a fallback channel. */
interface OutreachRecord {
  readonly template: string;
  readonly values: OutreachRequest['values'];
  readonly isSurvey: boolean;
  readonly notAfter?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly flowId: string;
}

function outreachRecord(request: OutreachRequest, flowId: string): OutreachRecord {
  return {
    template: request.template,
    values: request.values,
    isSurvey: request.isSurvey === true,
    ...(request.notAfter === undefined ? {} : { notAfter: request.notAfter.toISOString() }),
    ...(request.tags === undefined ? {} : { tags: request.tags }),
    flowId,
  };
}

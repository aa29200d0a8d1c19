import type pg from 'pg';
import { agingBucketRange } from '../../domain/aging.js';
import {
  SegmentFilterSchema,
  type Campaign,
  type CampaignAction,
  type CampaignDefinition,
  type CampaignStatus,
  type CampaignVariant,
  type ResolvedSegmentFilter,
  type SegmentFilter,
} from '../../domain/campaigns/index.js';
import type { LocalDate } from '../../domain/dates.js';
import type { AccountId, Channel } from '../../domain/model.js';
import type { CurrencyCode, Minor, Money } from '../../domain/money.js';
import type {
  CampaignOutcomes,
  CampaignProgress,
  CampaignStore,
  NewTarget,
  Segment,
  SegmentAccount,
  SegmentQuery,
  SegmentSampleRow,
} from '../../ports/campaign-store.js';
import { withTransaction } from './database.js';
import { debtorColumns, debtorOf, type DebtorRow } from './outreach-store.js';

interface SegmentAccountRow extends DebtorRow {
  account_id: string;
  due_date: string;
}

/**
 * The FROM and WHERE of a segment query, its values appended to `params`. Every criterion is a
 * bound parameter or a number from the domain; nothing of the filter is spliced in as text.
 */
function segmentWhere(query: SegmentQuery, params: unknown[]): string {
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const { filter } = query;
  let nowParam: string | undefined;
  const now = (): string => (nowParam ??= p(query.now));
  const conditions = [
    `a.status = 'active'`,
    `a.balance_minor > 0`,
    `NOT EXISTS (SELECT 1 FROM opt_outs oo WHERE oo.debtor_id = d.id AND oo.channel = 'all')`,
  ];
  if (filter.aging !== undefined) {
    const daysPastDue = `GREATEST(0, ((${now()}::timestamptz AT TIME ZONE d.time_zone)::date - a.due_date))`;
    const ranges = filter.aging.map((bucket) => {
      const { min, max } = agingBucketRange(bucket);
      return max === undefined
        ? `${daysPastDue} >= ${min}`
        : `${daysPastDue} BETWEEN ${min} AND ${max}`;
    });
    conditions.push(`(${ranges.join(' OR ')})`);
  }
  if (filter.balance !== undefined) {
    conditions.push(`a.currency = ${p(filter.balance.currency)}`);
    if (filter.balance.min !== undefined)
      conditions.push(`a.balance_minor >= ${p(filter.balance.min)}::bigint`);
    if (filter.balance.max !== undefined)
      conditions.push(`a.balance_minor <= ${p(filter.balance.max)}::bigint`);
  }
  if (filter.products !== undefined)
    conditions.push(`a.product = ANY(${p(filter.products)}::text[])`);
  if (filter.countries !== undefined)
    conditions.push(`d.country = ANY(${p(filter.countries)}::text[])`);
  if (filter.tags?.any !== undefined) conditions.push(`d.tags && ${p(filter.tags.any)}::text[]`);
  if (filter.tags?.all !== undefined) conditions.push(`d.tags @> ${p(filter.tags.all)}::text[]`);
  if (filter.promise !== undefined) {
    conditions.push(
      `COALESCE((SELECT pr.status FROM promises pr WHERE pr.account_id = a.id AND pr.status <> 'cancelled'
                  ORDER BY pr.created_at DESC, pr.id DESC LIMIT 1), 'none') = ANY(${p(filter.promise)}::text[])`,
    );
  }
  if (filter.lastContact !== undefined) {
    const last = `(SELECT max(ob.sent_at) FROM outbox ob WHERE ob.debtor_id = d.id AND ob.sent_at IS NOT NULL)`;
    if (filter.lastContact.before !== undefined)
      conditions.push(`COALESCE(${last} < ${p(filter.lastContact.before)}::timestamptz, true)`);
    if (filter.lastContact.after !== undefined)
      conditions.push(`${last} >= ${p(filter.lastContact.after)}::timestamptz`);
  }
  if (filter.hasChannel !== undefined) {
    const reachable = filter.hasChannel.map((channel) =>
      channel === 'phone'
        ? `EXISTS (SELECT 1 FROM contact_points hc WHERE hc.debtor_id = d.id AND hc.kind = 'phone' AND hc.has_consent)`
        : `EXISTS (SELECT 1 FROM channel_identities hi WHERE hi.debtor_id = d.id AND hi.provider = 'telegram')`,
    );
    conditions.push(`(${reachable.join(' OR ')})`);
  }
  if (query.campaignId !== undefined)
    conditions.push(
      `NOT EXISTS (SELECT 1 FROM campaign_targets ct WHERE ct.campaign_id = ${p(query.campaignId)} AND ct.account_id = a.id)`,
    );
  if (query.window !== undefined) {
    const local = `(${now()}::timestamptz AT TIME ZONE d.time_zone)::time`;
    conditions.push(
      `${local} >= ${p(query.window.from)}::time AND ${local} < ${p(query.window.to)}::time`,
    );
  }
  if (query.afterAccountId !== undefined)
    conditions.push(`a.id > ${p(query.afterAccountId)}::uuid`);
  return `FROM accounts a JOIN debtors d ON d.id = a.debtor_id WHERE ${conditions.join('\n AND ')}`;
}

interface CampaignRow {
  id: string;
  name: string;
  segment_id: string;
  flow_id: string;
  channels: Channel[];
  variants: CampaignVariant[];
  starts_at: Date;
  window_from: string | null;
  window_to: string | null;
  throttle: number | null;
  status: CampaignStatus;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

function campaignOf(row: CampaignRow): Campaign {
  return {
    id: row.id,
    name: row.name,
    segmentId: row.segment_id,
    flow: row.flow_id,
    channels: row.channels,
    variants: row.variants,
    startsAt: row.starts_at,
    window:
      row.window_from === null || row.window_to === null
        ? undefined
        : { from: row.window_from, to: row.window_to },
    throttle: row.throttle ?? undefined,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
  };
}

function segmentOf(row: { id: string; name: string; filter: unknown; created_at: Date }): Segment {
  return {
    id: row.id,
    name: row.name,
    // Stored only after validation; parsing again keeps a hand-edited row from reaching SQL.
    filter: SegmentFilterSchema.parse(row.filter),
    createdAt: row.created_at,
  };
}

const isUniqueViolation = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && 'code' in err && err.code === '23505';

interface OutcomeRow {
  variant: string;
  targets: string;
  queued: string;
  deferred: string;
  denied: string;
  skipped: string;
  sent: string;
  delivered: string;
  read: string;
  failed: string;
  replied: string;
  verified: string;
  promises: string;
  plans: string;
  opt_outs: string;
}

const counted = [
  'targets',
  'queued',
  'deferred',
  'denied',
  'skipped',
  'sent',
  'delivered',
  'read',
  'failed',
  'replied',
  'verified',
  'promises',
  'plans',
  'optOuts',
] as const;

function emptyOutcomes(): {
  -readonly [K in keyof CampaignOutcomes]: CampaignOutcomes[K] extends number ? number : Money[];
} {
  return {
    targets: 0,
    queued: 0,
    deferred: 0,
    denied: 0,
    skipped: 0,
    sent: 0,
    delivered: 0,
    read: 0,
    failed: 0,
    replied: 0,
    verified: 0,
    promises: 0,
    amountPromised: [],
    plans: 0,
    optOuts: 0,
  };
}

function addMoney(into: Money[], amount: Money): void {
  const index = into.findIndex((m) => m.currency === amount.currency);
  const existing = into[index];
  if (existing === undefined) into.push(amount);
  else
    into[index] = { currency: amount.currency, amount: (existing.amount + amount.amount) as Minor };
}

/** Segments, campaigns and their targets in PostgreSQL (or PGlite). */
export class PostgresCampaignStore implements CampaignStore {
  constructor(private readonly pool: pg.Pool) {}

  async createSegment(name: string, filter: SegmentFilter, at: Date): Promise<Segment | undefined> {
    try {
      const result = await this.pool.query<{
        id: string;
        name: string;
        filter: unknown;
        created_at: Date;
      }>(
        `INSERT INTO segments (name, filter, created_at) VALUES ($1, $2, $3)
         RETURNING id, name, filter, created_at`,
        [name, JSON.stringify(filter), at],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : segmentOf(row);
    } catch (err) {
      if (isUniqueViolation(err)) return undefined;
      throw err;
    }
  }

  async listSegments(): Promise<Segment[]> {
    const result = await this.pool.query<{
      id: string;
      name: string;
      filter: unknown;
      created_at: Date;
    }>(`SELECT id, name, filter, created_at FROM segments ORDER BY created_at, name`);
    return result.rows.map(segmentOf);
  }

  async getSegment(id: string): Promise<Segment | undefined> {
    const result = await this.pool.query<{
      id: string;
      name: string;
      filter: unknown;
      created_at: Date;
    }>(`SELECT id, name, filter, created_at FROM segments WHERE id = $1`, [id]);
    const row = result.rows[0];
    return row === undefined ? undefined : segmentOf(row);
  }

  async previewSegment(
    filter: ResolvedSegmentFilter,
    now: Date,
    sampleSize: number,
  ): Promise<{ count: number; sample: SegmentSampleRow[] }> {
    const countParams: unknown[] = [];
    const count = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n ${segmentWhere({ filter, now }, countParams)}`,
      countParams,
    );
    // $1 is the moment days past due are read at.
    const params: unknown[] = [now];
    const where = segmentWhere({ filter, now }, params);
    params.push(sampleSize);
    const sample = await this.pool.query<{
      account_ref: string;
      debtor_ref: string;
      balance_minor: string;
      currency: string;
      due_date: string;
      days_past_due: number;
      product: string | null;
      country: string | null;
    }>(
      `SELECT a.account_ref, d.debtor_ref, a.balance_minor, a.currency, a.due_date::text AS due_date,
              GREATEST(0, (($1::timestamptz AT TIME ZONE d.time_zone)::date - a.due_date)) AS days_past_due,
              a.product, d.country
         ${where}
        ORDER BY a.account_ref
        LIMIT $${params.length}`,
      params,
    );
    return {
      count: Number(count.rows[0]?.n ?? 0),
      sample: sample.rows.map((row) => ({
        accountRef: row.account_ref,
        debtorRef: row.debtor_ref,
        balance: {
          amount: Number(row.balance_minor) as Minor,
          currency: row.currency as CurrencyCode,
        },
        dueDate: row.due_date as LocalDate,
        daysPastDue: row.days_past_due,
        product: row.product ?? undefined,
        country: row.country ?? undefined,
      })),
    };
  }

  async createCampaign(definition: CampaignDefinition, at: Date): Promise<Campaign | undefined> {
    try {
      const result = await this.pool.query<CampaignRow>(
        `INSERT INTO campaigns (name, segment_id, flow_id, channels, variants, starts_at, window_from, window_to,
                                throttle, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8, $9, 'draft', $10, $10)
         RETURNING *`,
        [
          definition.name,
          definition.segmentId,
          definition.flow,
          definition.channels,
          JSON.stringify(definition.variants),
          definition.startsAt,
          definition.window?.from ?? null,
          definition.window?.to ?? null,
          definition.throttle ?? null,
          at,
        ],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : campaignOf(row);
    } catch (err) {
      if (isUniqueViolation(err)) return undefined;
      throw err;
    }
  }

  async listCampaigns(): Promise<Campaign[]> {
    const result = await this.pool.query<CampaignRow>(
      `SELECT * FROM campaigns ORDER BY created_at DESC, name`,
    );
    return result.rows.map(campaignOf);
  }

  async getCampaign(id: string): Promise<Campaign | undefined> {
    const result = await this.pool.query<CampaignRow>(`SELECT * FROM campaigns WHERE id = $1`, [
      id,
    ]);
    const row = result.rows[0];
    return row === undefined ? undefined : campaignOf(row);
  }

  async runnableCampaigns(now: Date): Promise<Campaign[]> {
    const result = await this.pool.query<CampaignRow>(
      `SELECT * FROM campaigns WHERE status = 'running' AND starts_at <= $1 ORDER BY starts_at, id`,
      [now],
    );
    return result.rows.map(campaignOf);
  }

  setStatus(
    id: string,
    action: CampaignAction,
    from: readonly CampaignStatus[],
    to: CampaignStatus,
    at: Date,
  ): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      const changed = await client.query(
        `UPDATE campaigns
            SET status = $3, updated_at = $4,
                started_at = CASE WHEN $5 = 'start' THEN $4 ELSE started_at END,
                finished_at = CASE WHEN $3 IN ('stopped', 'finished') THEN $4 ELSE finished_at END
          WHERE id = $1 AND status = ANY($2::text[])`,
        [id, from, to, at, action],
      );
      if (changed.rowCount !== 1) return false;
      let cancelled = 0;
      if (to === 'stopped') {
        // Stopping means nothing more goes out: messages still waiting are cancelled.
        const result = await client.query(
          `UPDATE outbox o SET status = 'cancelled', updated_at = $2
             FROM campaign_targets t
            WHERE t.campaign_id = $1 AND t.dedupe_key IS NOT NULL AND o.dedupe_key = t.dedupe_key
              AND o.status = 'pending'`,
          [id, at],
        );
        cancelled = result.rowCount ?? 0;
      }
      await client.query(
        `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, data)
         VALUES ($1, $2, $3, 'campaign', $4, $5)`,
        [
          at,
          action === 'finish' ? 'scheduler' : 'operator',
          `campaign.${action}`,
          id,
          JSON.stringify({ to, ...(to === 'stopped' ? { cancelled } : {}) }),
        ],
      );
      return true;
    });
  }

  async segmentAccounts(query: SegmentQuery, limit: number): Promise<SegmentAccount[]> {
    const params: unknown[] = [];
    const where = segmentWhere(query, params);
    params.push(limit);
    const result = await this.pool.query<SegmentAccountRow>(
      `SELECT a.id AS account_id, a.due_date::text AS due_date, ${debtorColumns}
         ${where}
        ORDER BY a.id
        LIMIT $${params.length}`,
      params,
    );
    return result.rows.map((row) => ({
      accountId: row.account_id as AccountId,
      dueDate: row.due_date as LocalDate,
      debtor: debtorOf(row),
    }));
  }

  async targetedDebtors(
    campaignId: string,
    debtorIds: readonly string[],
  ): Promise<ReadonlySet<string>> {
    if (debtorIds.length === 0) return new Set();
    const result = await this.pool.query<{ debtor_id: string }>(
      `SELECT DISTINCT debtor_id FROM campaign_targets WHERE campaign_id = $1 AND debtor_id = ANY($2::uuid[])`,
      [campaignId, debtorIds],
    );
    return new Set(result.rows.map((r) => r.debtor_id));
  }

  async lastTargetedAccount(campaignId: string): Promise<AccountId | undefined> {
    const result = await this.pool.query<{ account_id: string }>(
      `SELECT account_id FROM campaign_targets WHERE campaign_id = $1 ORDER BY account_id DESC LIMIT 1`,
      [campaignId],
    );
    return result.rows[0]?.account_id as AccountId | undefined;
  }

  async recordTargets(
    campaignId: string,
    targets: readonly NewTarget[],
    at: Date,
  ): Promise<number> {
    if (targets.length === 0) return 0;
    const result = await this.pool.query(
      `INSERT INTO campaign_targets (campaign_id, debtor_id, account_id, variant, status, dedupe_key, decision, created_at)
       SELECT $1, t.debtor_id, t.account_id, t.variant,
              CASE WHEN t.dedupe_key IS NULL THEN 'skipped'
                   WHEN o.status = 'denied' THEN 'denied'
                   WHEN o.policy_decisions->0->>'type' = 'defer' THEN 'deferred'
                   ELSE 'queued' END,
              t.dedupe_key, COALESCE(o.policy_decisions->0, '{}'::jsonb), $2
         FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[]) AS t(debtor_id, account_id, variant, dedupe_key)
         LEFT JOIN outbox o ON o.dedupe_key = t.dedupe_key
        WHERE t.dedupe_key IS NULL OR o.id IS NOT NULL
       ON CONFLICT (campaign_id, account_id) DO NOTHING`,
      [
        campaignId,
        at,
        targets.map((t) => t.debtorId),
        targets.map((t) => t.accountId),
        targets.map((t) => t.variant),
        targets.map((t) => t.dedupeKey ?? null),
      ],
    );
    return result.rowCount ?? 0;
  }

  async progress(campaignId: string): Promise<CampaignProgress> {
    // Outcomes count from the moment the campaign message was sent, on its account (promises,
    // plans), its conversation (replies, verification) and its debtor (opt-outs).
    const result = await this.pool.query<OutcomeRow>(
      `WITH t AS (
         SELECT t.variant, t.status, t.account_id, t.debtor_id, o.status AS outbox_status,
                o.conversation_id, o.sent_at
           FROM campaign_targets t
           LEFT JOIN outbox o ON o.dedupe_key = t.dedupe_key
          WHERE t.campaign_id = $1
       )
       SELECT t.variant,
              count(*) AS targets,
              count(*) FILTER (WHERE t.status = 'queued') AS queued,
              count(*) FILTER (WHERE t.status = 'deferred') AS deferred,
              count(*) FILTER (WHERE t.status = 'denied') AS denied,
              count(*) FILTER (WHERE t.status = 'skipped') AS skipped,
              count(*) FILTER (WHERE t.outbox_status IN ('sent', 'delivered', 'read')) AS sent,
              count(*) FILTER (WHERE t.outbox_status IN ('delivered', 'read')) AS delivered,
              count(*) FILTER (WHERE t.outbox_status = 'read') AS read,
              count(*) FILTER (WHERE t.outbox_status = 'failed') AS failed,
              count(*) FILTER (WHERE t.sent_at IS NOT NULL AND EXISTS (
                SELECT 1 FROM messages m WHERE m.conversation_id = t.conversation_id AND m.direction = 'in'
                   AND m.created_at >= t.sent_at)) AS replied,
              count(*) FILTER (WHERE t.sent_at IS NOT NULL AND EXISTS (
                SELECT 1 FROM conversations c WHERE c.id = t.conversation_id
                   AND COALESCE((c.state->>'isVerified')::boolean, false))) AS verified,
              COALESCE(sum((SELECT count(*) FROM promises p WHERE p.account_id = t.account_id
                               AND p.created_at >= t.sent_at)), 0) AS promises,
              COALESCE(sum((SELECT count(*) FROM plans pl WHERE pl.account_id = t.account_id
                               AND pl.created_at >= t.sent_at)), 0) AS plans,
              count(*) FILTER (WHERE t.sent_at IS NOT NULL AND EXISTS (
                SELECT 1 FROM opt_outs x WHERE x.debtor_id = t.debtor_id AND x.opted_out_at >= t.sent_at)) AS opt_outs
         FROM t
        GROUP BY t.variant
        ORDER BY t.variant`,
      [campaignId],
    );
    const amounts = await this.pool.query<{ variant: string; currency: string; amount: string }>(
      `SELECT t.variant, p.currency, sum(p.amount_minor) AS amount
         FROM campaign_targets t
         JOIN outbox o ON o.dedupe_key = t.dedupe_key
         JOIN promises p ON p.account_id = t.account_id AND p.created_at >= o.sent_at
        WHERE t.campaign_id = $1 AND o.sent_at IS NOT NULL
        GROUP BY t.variant, p.currency
        ORDER BY t.variant, p.currency`,
      [campaignId],
    );
    const total = emptyOutcomes();
    const variants = result.rows.map((row) => {
      const outcomes = emptyOutcomes();
      for (const key of counted) {
        const column = key === 'optOuts' ? 'opt_outs' : key;
        outcomes[key] = Number(row[column]);
        total[key] += outcomes[key];
      }
      for (const amount of amounts.rows.filter((a) => a.variant === row.variant)) {
        const money = {
          amount: Number(amount.amount) as Minor,
          currency: amount.currency as CurrencyCode,
        };
        outcomes.amountPromised.push(money);
        addMoney(total.amountPromised, money);
      }
      return { variant: row.variant, ...outcomes };
    });
    return { ...total, variants };
  }
}

import { createHash } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { agingBucketFor, agingBucketRange } from '../../domain/aging.js';
import { addDays, isLocalDate, type LocalDate } from '../../domain/dates.js';
import type {
  AccountId,
  AccountStatus,
  Channel,
  ContactKind,
  ConversationId,
  DebtorId,
  Payment,
  Plan,
  PlanStatus,
  PromiseStatus,
} from '../../domain/model.js';
import { minor, type CurrencyCode, type Money } from '../../domain/money.js';
import {
  detailLimits,
  type AccountDetail,
  type AccountFilter,
  type AccountListItem,
  type AccountListQuery,
  type AccountSort,
  type AuditEntry,
  type ContactPointRecord,
  type ConversationSummary,
  type DebtorDetail,
  type DebtorFilter,
  type DebtorListItem,
  type DebtorListQuery,
  type OptOutRecord,
  type PageResult,
  type PortfolioQueries,
  type PromiseRecord,
  type SortOrder,
} from '../../ports/portfolio-queries.js';

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Collects bind parameters and hands back their placeholders: values never enter SQL text. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A placeholder bound on first use: PostgreSQL refuses a parameter no clause mentions. */
  lazy(value: unknown): () => string {
    let placeholder: string | undefined;
    return () => (placeholder ??= this.add(value));
  }
}

/** Escapes LIKE metacharacters so a search term matches literally. */
function likePrefix(term: string): string {
  return `${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The currency column is checked to be three upper-case letters; a code this build does not
 * know formats with two decimals (see currencyExponent), which is the safe default.
 */
function asCurrency(code: string): CurrencyCode {
  return code as CurrencyCode;
}

function toMoney(amount: number, currency: string): Money {
  return { amount: minor(amount), currency: asCurrency(currency) };
}

function optionalMoney(amount: number | null, currency: string): Money | undefined {
  return amount === null ? undefined : toMoney(amount, currency);
}

function utcDate(now: Date): LocalDate {
  return now.toISOString().slice(0, 10) as LocalDate;
}

/**
 * The opaque cursor: the sort key and id of the last row served, the instant the walk started
 * (so every page ages accounts on the same `now`), and a fingerprint of the filters and sort it
 * belongs to. base64url of JSON; its content is not an API.
 */
const CursorSchema = z.object({
  v: z.literal(1),
  f: z.string(),
  id: z.string(),
  k: z.union([z.string(), z.number().int()]).optional(),
  n: z.iso.datetime().optional(),
});
type Cursor = z.infer<typeof CursorSchema>;

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(raw: string, fingerprint: string): Cursor | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const result = CursorSchema.safeParse(parsed);
  if (!result.success || result.data.f !== fingerprint || !uuidShape.test(result.data.id)) {
    return undefined;
  }
  return result.data;
}

function fingerprintOf(what: string, values: readonly unknown[]): string {
  return createHash('sha256')
    .update(JSON.stringify([what, ...values]))
    .digest('base64url')
    .slice(0, 16);
}

function accountFingerprint(filter: AccountFilter, sort: AccountSort, order: SortOrder): string {
  return fingerprintOf('accounts', [
    sort,
    order,
    filter.status,
    filter.currency,
    filter.segment,
    filter.product,
    filter.country,
    filter.agingBucket,
    filter.minBalance,
    filter.maxBalance,
    filter.debtorRef,
    filter.q,
  ]);
}

function debtorFingerprint(filter: DebtorFilter): string {
  return fingerprintOf('debtors', [filter.q, filter.country, filter.segment, filter.tag]);
}

interface AccountRow {
  id: string;
  account_ref: string;
  currency: string;
  balance_minor: number;
  original_minor: number | null;
  min_payment_minor: number | null;
  due_date: string;
  product: string | null;
  segment: string | null;
  status: string;
  debtor_id: string;
  debtor_ref: string;
  debtor_name: string;
  /** Signed: negative before the due date. */
  days_from_due: number;
}

interface AccountDetailRow extends AccountRow {
  created_at: Date;
  updated_at: Date;
  debtor_country: string | null;
  debtor_time_zone: string;
  debtor_locale: string;
  debtor_segment: string | null;
  debtor_tags: string[];
}

interface DebtorRow {
  id: string;
  debtor_ref: string;
  name: string;
  country: string | null;
  time_zone: string;
  locale: string;
  segment: string | null;
  tags: string[];
  account_count: number;
}

interface DebtorDetailRow extends DebtorRow {
  document_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const accountColumns = /* sql */ `
  a.id, a.account_ref, a.currency, a.balance_minor, a.original_minor, a.min_payment_minor,
  a.due_date, a.product, a.segment, a.status,
  d.id AS debtor_id, d.debtor_ref, d.name AS debtor_name`;

/** Days from the due date to `now`'s calendar day in the debtor's zone; `now` is a parameter. */
function daysFromDue(nowParam: string): string {
  return `((${nowParam}::timestamptz AT TIME ZONE d.time_zone)::date - a.due_date)`;
}

function toAccountItem(row: AccountRow): AccountListItem {
  const daysPastDue = Math.max(0, row.days_from_due);
  return {
    id: row.id as AccountId,
    ref: row.account_ref,
    debtor: { id: row.debtor_id as DebtorId, ref: row.debtor_ref, name: row.debtor_name },
    currency: asCurrency(row.currency),
    balance: toMoney(row.balance_minor, row.currency),
    originalAmount: optionalMoney(row.original_minor, row.currency),
    minPayment: optionalMoney(row.min_payment_minor, row.currency),
    dueDate: row.due_date as LocalDate,
    daysPastDue,
    agingBucket: agingBucketFor(daysPastDue),
    product: row.product ?? undefined,
    segment: row.segment ?? undefined,
    status: row.status as AccountStatus,
  };
}

function toDebtorItem(row: DebtorRow, contacts: readonly ContactPointRecord[]): DebtorListItem {
  return {
    id: row.id as DebtorId,
    ref: row.debtor_ref,
    name: row.name,
    country: row.country ?? undefined,
    timeZone: row.time_zone,
    locale: row.locale,
    segment: row.segment ?? undefined,
    tags: row.tags,
    contactPoints: contacts,
    accountCount: row.account_count,
  };
}

/**
 * The WHERE clauses of the account list, as bound parameters. The aging bucket is checked
 * exactly in the debtor's zone, and also as a due-date range widened by a day each side (every
 * zone's calendar day is within one day of UTC's), which lets the due-date index do the work.
 */
function accountConditions(
  filter: AccountFilter,
  now: Date,
  p: Params,
  nowParam: () => string,
): string[] {
  const where: string[] = [];
  if (filter.status !== undefined) where.push(`a.status = ${p.add(filter.status)}`);
  if (filter.currency !== undefined) where.push(`a.currency = ${p.add(filter.currency)}`);
  if (filter.segment !== undefined) where.push(`a.segment = ${p.add(filter.segment)}`);
  if (filter.product !== undefined) where.push(`a.product = ${p.add(filter.product)}`);
  if (filter.country !== undefined) where.push(`d.country = ${p.add(filter.country)}`);
  if (filter.minBalance !== undefined) where.push(`a.balance_minor >= ${p.add(filter.minBalance)}`);
  if (filter.maxBalance !== undefined) where.push(`a.balance_minor <= ${p.add(filter.maxBalance)}`);
  if (filter.debtorRef !== undefined) {
    where.push(
      `a.debtor_id = (SELECT id FROM debtors WHERE debtor_ref = ${p.add(filter.debtorRef)})`,
    );
  }
  if (filter.agingBucket !== undefined) {
    const { min, max } = agingBucketRange(filter.agingBucket);
    const today = utcDate(now);
    const exact = daysFromDue(nowParam());
    if (filter.agingBucket === 'current') {
      where.push(`${exact} <= 0`, `a.due_date >= ${p.add(addDays(today, -1))}::date`);
    } else {
      where.push(`${exact} >= ${p.add(min)}::int`);
      where.push(`a.due_date <= ${p.add(addDays(today, 1 - min))}::date`);
      if (max !== undefined) {
        where.push(`${exact} <= ${p.add(max)}::int`);
        where.push(`a.due_date >= ${p.add(addDays(today, -1 - max))}::date`);
      }
    }
  }
  return where;
}

/** The sort key as an expression, its SQL type for the cursor, and its output column. */
function sortKey(
  sort: AccountSort,
  nowParam: () => string,
): { expression: string; cast: string; column: keyof AccountRow } {
  switch (sort) {
    case 'dueDate':
      return { expression: 'a.due_date', cast: 'date', column: 'due_date' };
    case 'balance':
      return { expression: 'a.balance_minor', cast: 'bigint', column: 'balance_minor' };
    case 'daysPastDue':
      return { expression: daysFromDue(nowParam()), cast: 'int', column: 'days_from_due' };
  }
}

function cursorKey(sort: AccountSort, row: AccountRow): string | number {
  switch (sort) {
    case 'dueDate':
      return row.due_date;
    case 'balance':
      return row.balance_minor;
    case 'daysPastDue':
      return row.days_from_due;
  }
}

const int4Max = 2_147_483_647;

function isKeyOfSort(sort: AccountSort, key: string | number | undefined): boolean {
  if (sort === 'dueDate') return typeof key === 'string' && isLocalDate(key);
  if (sort === 'daysPastDue') return typeof key === 'number' && Math.abs(key) <= int4Max;
  return typeof key === 'number';
}

/** Everything one page of the account list depends on. */
interface AccountPagePlan {
  readonly query: AccountListQuery;
  /** The instant accounts are aged on: the first page's `now` for the whole walk. */
  readonly asOf: Date;
  readonly cursor: Cursor | undefined;
  readonly search: Search | undefined;
}

/** Debtors matching a search: ref or name prefix, or a whole word of the name. */
function debtorMatch(q: string, p: Params): string {
  const prefix = p.add(likePrefix(q));
  return `(lower(d.debtor_ref) LIKE lower(${prefix}) OR lower(d.name) LIKE lower(${prefix})
    OR string_to_array(lower(d.name), ' ') @> ARRAY[lower(${p.add(q)})])`;
}

/**
 * Searches matching at most this many debtors are resolved to ids first: the planner cannot
 * estimate a name-word match (it guesses 0.5%), and on a guess that many match it walks the
 * sort index hoping to fill a page early, which for a search matching nobody reads every row.
 */
const debtorIdsCap = 1000;

/** A search, with the matching debtors' ids when there are few enough to list. */
interface Search {
  readonly q: string;
  readonly debtorIds: readonly string[] | undefined;
}

async function resolveSearch(db: Queryable, q: string | undefined): Promise<Search | undefined> {
  if (q === undefined) return undefined;
  const p = new Params();
  const { rows } = await db.query<{ id: string }>(
    `SELECT d.id FROM debtors d WHERE ${debtorMatch(q, p)} LIMIT ${p.add(debtorIdsCap + 1)}`,
    p.values,
  );
  return { q, debtorIds: rows.length > debtorIdsCap ? undefined : rows.map((r) => r.id) };
}

/** The search as a condition on debtors `d`: the resolved ids, or the match itself. */
function debtorSearchCondition(search: Search, p: Params): string {
  return search.debtorIds === undefined
    ? debtorMatch(search.q, p)
    : `d.id = ANY(${p.add(search.debtorIds)}::uuid[])`;
}

/**
 * Search splits into branches whose results are unioned, each able to use its own index: the
 * account ref prefix (accounts_ref_lower), and the debtor match. One OR across both tables
 * could only be answered by visiting every account.
 */
function searchBranches(search: Search | undefined, p: Params): string[] {
  if (search === undefined) return [];
  return [
    `lower(a.account_ref) LIKE lower(${p.add(likePrefix(search.q))})`,
    search.debtorIds === undefined
      ? debtorMatch(search.q, p)
      : `a.debtor_id = ANY(${p.add(search.debtorIds)}::uuid[])`,
  ];
}

/** Filters, the cursor's keyset condition and the search branches, bound into `p`. */
function pageConditions(
  plan: AccountPagePlan,
  p: Params,
): { nowParam: () => string; where: string[]; branches: string[] } {
  const { query, asOf, cursor } = plan;
  const nowParam = p.lazy(asOf);
  const where = accountConditions(query, asOf, p, nowParam);
  if (cursor !== undefined) {
    const key = sortKey(query.sort, nowParam);
    const isAscending = query.order === 'asc';
    where.push(
      `(${key.expression}, a.id) ${isAscending ? '>' : '<'} (${p.add(cursor.k)}::${key.cast}, ${p.add(cursor.id)}::uuid)`,
    );
    if (query.sort === 'daysPastDue' && typeof cursor.k === 'number') {
      // The same condition on the bare due date, so the index can start at the cursor. Every
      // zone's calendar day is within a day of UTC's: days from due = local day - due date.
      const bound = addDays(utcDate(asOf), isAscending ? 1 - cursor.k : -1 - cursor.k);
      // Only an optimisation: a forged key far outside the calendar just goes without it.
      if (isLocalDate(String(bound))) {
        where.push(`a.due_date ${isAscending ? '<=' : '>='} ${p.add(bound)}::date`);
      }
    }
  }
  return { nowParam, where, branches: searchBranches(plan.search, p) };
}

const accountsJoin = 'FROM accounts a JOIN debtors d ON d.id = a.debtor_id';

function whereClause(conditions: readonly string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join('\n AND ')}` : '';
}

/**
 * One SELECT per search branch, each ordered and limited so it can walk its own index, merged
 * by UNION (an account matching two branches appears once) and ordered again.
 */
function unionOfBranches(
  branches: readonly string[],
  select: (extra: string | undefined) => string,
  outerColumns: string,
  outerOrder: string,
  limit: string,
): string {
  const first = branches[0];
  if (first === undefined) return select(undefined);
  if (branches.length === 1) return select(first);
  const parts = branches.map((b) => `(${select(b)})`).join(' UNION ');
  return `SELECT ${outerColumns} FROM (${parts}) u ORDER BY ${outerOrder} LIMIT ${limit}`;
}

/**
 * For the days-past-due sort: the due date of the (limit+1)-th row in due date order (the
 * opposite way for ascending). Days from due is the debtor's local day minus the due date and
 * every local day is within a day of UTC's, so no row more than two days beyond that due date
 * can be among the next limit+1 rows: the page query reads that window through the due date
 * index instead of computing every account's days past due. Pathological only when most
 * accounts share a due date.
 */
function dueDateWindowSql(plan: AccountPagePlan): [string, unknown[]] {
  const p = new Params();
  const { where, branches } = pageConditions(plan, p);
  const direction = plan.query.order === 'desc' ? 'ASC' : 'DESC';
  const offset = p.add(plan.query.limit);
  const select = (extra: string | undefined, rowLimit: string, rowOffset?: string): string =>
    `SELECT a.id, a.due_date ${accountsJoin}
      ${whereClause(extra === undefined ? where : [...where, extra])}
      ORDER BY a.due_date ${direction}, a.id ${direction}
      LIMIT ${rowLimit}${rowOffset === undefined ? '' : ` OFFSET ${rowOffset}`}`;
  const first = branches[0];
  if (first === undefined || branches.length === 1) return [select(first, '1', offset), p.values];
  const limit = p.add(plan.query.limit + 1);
  const parts = branches.map((b) => `(${select(b, limit)})`).join(' UNION ');
  return [
    `SELECT u.id, u.due_date FROM (${parts}) u ORDER BY u.due_date ${direction}, u.id ${direction} LIMIT 1 OFFSET ${offset}`,
    p.values,
  ];
}

/** The page itself: limit+1 rows, the extra one telling whether another page follows. */
function accountPageSql(
  plan: AccountPagePlan,
  windowEdge: LocalDate | undefined,
): [string, unknown[]] {
  const { query } = plan;
  const p = new Params();
  const { nowParam, where, branches } = pageConditions(plan, p);
  if (windowEdge !== undefined) {
    where.push(
      query.order === 'desc'
        ? `a.due_date <= ${p.add(addDays(windowEdge, 2))}::date`
        : `a.due_date >= ${p.add(addDays(windowEdge, -2))}::date`,
    );
  }
  const key = sortKey(query.sort, nowParam);
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  const limit = p.add(query.limit + 1);
  const select = (extra: string | undefined): string =>
    `SELECT ${accountColumns}, ${daysFromDue(nowParam())} AS days_from_due ${accountsJoin}
      ${whereClause(extra === undefined ? where : [...where, extra])}
      ORDER BY ${key.expression} ${direction}, a.id ${direction}
      LIMIT ${limit}`;
  const sql = unionOfBranches(
    branches,
    select,
    'u.*',
    `u.${key.column} ${direction}, u.id ${direction}`,
    limit,
  );
  return [sql, p.values];
}

const readSnapshot = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/** Runs several reads on one connection and one snapshot, so a detail view is consistent. */
async function inSnapshot<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(readSnapshot);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * {@link PortfolioQueries} over PostgreSQL (and PGlite): parameterised SQL through the pool,
 * keyset pagination on (sort key, id) so a page costs the same at row 10 and row 1,000,000.
 */
export function createPgPortfolioQueries(pool: pg.Pool): PortfolioQueries {
  async function listAccounts(
    query: AccountListQuery,
    now: Date,
  ): Promise<PageResult<AccountListItem>> {
    const fingerprint = accountFingerprint(query, query.sort, query.order);
    let cursor: Cursor | undefined;
    if (query.cursor !== undefined) {
      cursor = decodeCursor(query.cursor, fingerprint);
      if (cursor === undefined || !isKeyOfSort(query.sort, cursor.k)) {
        return { ok: false, reason: 'invalid-cursor' };
      }
    }
    const asOf = cursor?.n === undefined ? now : new Date(cursor.n);
    const search = await resolveSearch(pool, query.q);
    const plan: AccountPagePlan = { query, asOf, cursor, search };
    const rows =
      query.sort === 'daysPastDue'
        ? await inSnapshot(pool, async (client) => {
            const window = await client.query<{ due_date: string }>(...dueDateWindowSql(plan));
            return (
              await client.query<AccountRow>(
                ...accountPageSql(plan, window.rows[0]?.due_date as LocalDate | undefined),
              )
            ).rows;
          })
        : (await pool.query<AccountRow>(...accountPageSql(plan, undefined))).rows;
    const pageRows = rows.slice(0, query.limit);
    const last = pageRows.at(-1);
    const nextCursor =
      rows.length > query.limit && last !== undefined
        ? encodeCursor({
            v: 1,
            f: fingerprint,
            id: last.id,
            k: cursorKey(query.sort, last),
            n: asOf.toISOString(),
          })
        : undefined;
    return { ok: true, page: { items: pageRows.map(toAccountItem), nextCursor } };
  }

  async function getAccount(refOrId: string, now: Date): Promise<AccountDetail | undefined> {
    return inSnapshot(pool, async (client) => {
      const { rows } = await client.query<AccountDetailRow>(
        `SELECT ${accountColumns}, ${daysFromDue('$1')} AS days_from_due,
                a.created_at, a.updated_at, d.country AS debtor_country, d.time_zone AS debtor_time_zone,
                d.locale AS debtor_locale, d.segment AS debtor_segment, d.tags AS debtor_tags
           FROM accounts a JOIN debtors d ON d.id = a.debtor_id
          WHERE a.account_ref = $2 OR a.id = $3::uuid
          ORDER BY (a.account_ref = $2) DESC
          LIMIT 1`,
        [now, refOrId, uuidShape.test(refOrId) ? refOrId : null],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      const [promises, plans, payments, conversations, audit] = [
        await loadPromises(client, row.id),
        await loadPlans(client, row.id),
        await loadPayments(client, row.id),
        await loadConversations(client, row.id, row.debtor_id),
        await loadAudit(client, row.id, row.account_ref),
      ];
      const item = toAccountItem(row);
      return {
        ...item,
        debtor: {
          ...item.debtor,
          country: row.debtor_country ?? undefined,
          timeZone: row.debtor_time_zone,
          locale: row.debtor_locale,
          segment: row.debtor_segment ?? undefined,
          tags: row.debtor_tags,
        },
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        promises,
        plans,
        payments,
        conversations,
        audit,
      };
    });
  }

  async function listDebtors(query: DebtorListQuery): Promise<PageResult<DebtorListItem>> {
    const fingerprint = debtorFingerprint(query);
    let cursor: Cursor | undefined;
    if (query.cursor !== undefined) {
      cursor = decodeCursor(query.cursor, fingerprint);
      if (cursor === undefined || typeof cursor.k !== 'string')
        return { ok: false, reason: 'invalid-cursor' };
    }
    const search = await resolveSearch(pool, query.q);
    const p = new Params();
    const where: string[] = [];
    if (query.country !== undefined) where.push(`d.country = ${p.add(query.country)}`);
    if (query.segment !== undefined) where.push(`d.segment = ${p.add(query.segment)}`);
    if (query.tag !== undefined) where.push(`d.tags @> ARRAY[${p.add(query.tag)}]::text[]`);
    if (search !== undefined) where.push(debtorSearchCondition(search, p));
    // debtor_ref is unique, so it alone is a total order and the whole keyset.
    if (cursor !== undefined) where.push(`d.debtor_ref > ${p.add(cursor.k)}`);
    const limit = p.add(query.limit + 1);
    const { rows } = await pool.query<DebtorRow>(
      `SELECT d.id, d.debtor_ref, d.name, d.country, d.time_zone, d.locale, d.segment, d.tags,
              (SELECT count(*) FROM accounts a WHERE a.debtor_id = d.id) AS account_count
         FROM debtors d
        ${where.length > 0 ? `WHERE ${where.join('\n AND ')}` : ''}
        ORDER BY d.debtor_ref
        LIMIT ${limit}`,
      p.values,
    );
    const pageRows = rows.slice(0, query.limit);
    const contacts = await loadContactPoints(
      pool,
      pageRows.map((r) => r.id),
    );
    const last = pageRows.at(-1);
    const nextCursor =
      rows.length > query.limit && last !== undefined
        ? encodeCursor({ v: 1, f: fingerprint, id: last.id, k: last.debtor_ref })
        : undefined;
    return {
      ok: true,
      page: { items: pageRows.map((r) => toDebtorItem(r, contacts.get(r.id) ?? [])), nextCursor },
    };
  }

  async function getDebtor(refOrId: string, now: Date): Promise<DebtorDetail | undefined> {
    const found = await inSnapshot(pool, async (client) => {
      const { rows } = await client.query<DebtorDetailRow>(
        `SELECT d.id, d.debtor_ref, d.name, d.country, d.time_zone, d.locale, d.segment, d.tags,
                d.document_id, d.created_at, d.updated_at,
                (SELECT count(*) FROM accounts a WHERE a.debtor_id = d.id) AS account_count
           FROM debtors d
          WHERE d.debtor_ref = $1 OR d.id = $2::uuid
          ORDER BY (d.debtor_ref = $1) DESC
          LIMIT 1`,
        [refOrId, uuidShape.test(refOrId) ? refOrId : null],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      const contacts = await loadContactPoints(client, [row.id]);
      const optOuts = await client.query<{ channel: string; opted_out_at: Date; source: string }>(
        `SELECT channel, opted_out_at, source FROM opt_outs WHERE debtor_id = $1 ORDER BY opted_out_at DESC, channel`,
        [row.id],
      );
      return { row, contacts: contacts.get(row.id) ?? [], optOuts: optOuts.rows };
    });
    if (found === undefined) return undefined;
    const accounts = await listAccounts(
      {
        debtorRef: found.row.debtor_ref,
        sort: 'dueDate',
        order: 'asc',
        limit: detailLimits.accounts,
      },
      now,
    );
    return {
      ...toDebtorItem(found.row, found.contacts),
      documentId: found.row.document_id ?? undefined,
      createdAt: found.row.created_at,
      updatedAt: found.row.updated_at,
      optOuts: found.optOuts.map((o): OptOutRecord => ({
        channel: o.channel as Channel | 'all',
        optedOutAt: o.opted_out_at,
        source: o.source,
      })),
      accounts: accounts.ok ? accounts.page.items : [],
    };
  }

  return { listAccounts, getAccount, listDebtors, getDebtor };
}

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

async function loadContactPoints(
  db: Queryable,
  debtorIds: readonly string[],
): Promise<Map<string, ContactPointRecord[]>> {
  const byDebtor = new Map<string, ContactPointRecord[]>();
  if (debtorIds.length === 0) return byDebtor;
  const { rows } = await db.query<{
    debtor_id: string;
    kind: string;
    value: string;
    has_consent: boolean;
    created_at: Date;
  }>(
    `SELECT debtor_id, kind, value, has_consent, created_at FROM contact_points
      WHERE debtor_id = ANY($1::uuid[]) ORDER BY debtor_id, id`,
    [debtorIds],
  );
  for (const row of rows) {
    const list = byDebtor.get(row.debtor_id) ?? [];
    list.push({
      kind: row.kind as ContactKind,
      value: row.value,
      hasConsent: row.has_consent,
      createdAt: row.created_at,
    });
    byDebtor.set(row.debtor_id, list);
  }
  return byDebtor;
}

async function loadPromises(db: Queryable, accountId: string): Promise<PromiseRecord[]> {
  const { rows } = await db.query<{
    id: string;
    conversation_id: string | null;
    amount_minor: number;
    currency: string;
    due_date: string;
    status: string;
    created_at: Date;
    resolved_at: Date | null;
  }>(
    `SELECT id, conversation_id, amount_minor, currency, due_date, status, created_at, resolved_at
       FROM promises WHERE account_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
    [accountId, detailLimits.promises],
  );
  return rows.map((r) => ({
    id: r.id,
    accountId: accountId as AccountId,
    conversationId: (r.conversation_id ?? undefined) as ConversationId | undefined,
    amount: toMoney(r.amount_minor, r.currency),
    dueDate: r.due_date as LocalDate,
    status: r.status as PromiseStatus,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at ?? undefined,
  }));
}

async function loadPlans(db: Queryable, accountId: string): Promise<Plan[]> {
  const plans = await db.query<{
    id: string;
    total_minor: number;
    currency: string;
    status: string;
    created_at: Date;
  }>(
    `SELECT id, total_minor, currency, status, created_at
       FROM plans WHERE account_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
    [accountId, detailLimits.plans],
  );
  if (plans.rows.length === 0) return [];
  const installments = await db.query<{
    plan_id: string;
    seq: number;
    amount_minor: number;
    due_date: string;
    paid_minor: number;
  }>(
    `SELECT plan_id, seq, amount_minor, due_date, paid_minor FROM installments
      WHERE plan_id = ANY($1::uuid[]) ORDER BY plan_id, seq`,
    [plans.rows.map((r) => r.id)],
  );
  return plans.rows.map((r) => ({
    id: r.id,
    accountId: accountId as AccountId,
    total: toMoney(r.total_minor, r.currency),
    status: r.status as PlanStatus,
    createdAt: r.created_at,
    installments: installments.rows
      .filter((i) => i.plan_id === r.id)
      .map((i) => ({
        seq: i.seq,
        amount: minor(i.amount_minor),
        dueDate: i.due_date as LocalDate,
        paid: minor(i.paid_minor),
      })),
  }));
}

async function loadPayments(db: Queryable, accountId: string): Promise<Payment[]> {
  const { rows } = await db.query<{
    id: string;
    amount_minor: number;
    currency: string;
    paid_at: Date;
    external_id: string | null;
    source: string;
  }>(
    `SELECT id, amount_minor, currency, paid_at, external_id, source
       FROM payments WHERE account_id = $1 ORDER BY paid_at DESC, id LIMIT $2`,
    [accountId, detailLimits.payments],
  );
  return rows.map((r) => ({
    id: r.id,
    accountId: accountId as AccountId,
    amount: toMoney(r.amount_minor, r.currency),
    paidAt: r.paid_at,
    externalId: r.external_id ?? undefined,
    source: r.source,
  }));
}

async function loadConversations(
  db: Queryable,
  accountId: string,
  debtorId: string,
): Promise<ConversationSummary[]> {
  const { rows } = await db.query<{
    id: string;
    channel: string;
    owner: string;
    status: string;
    updated_at: Date;
  }>(
    `SELECT id, channel, owner, status, updated_at FROM conversations
      WHERE account_id = $1 OR (debtor_id = $2 AND account_id IS NULL)
      ORDER BY updated_at DESC, id LIMIT $3`,
    [accountId, debtorId, detailLimits.conversations],
  );
  return rows.map((r) => ({
    id: r.id as ConversationId,
    channel: r.channel as Channel,
    owner: r.owner as 'bot' | 'agent',
    status: r.status as 'open' | 'closed',
    updatedAt: r.updated_at,
  }));
}

/** Audit entries name an account by id or by ref, depending on the writer. */
async function loadAudit(
  db: Queryable,
  accountId: string,
  accountRef: string,
): Promise<AuditEntry[]> {
  const { rows } = await db.query<{
    id: number;
    at: Date;
    actor: string;
    action: string;
    data: unknown;
  }>(
    `SELECT id, at, actor, action, data FROM audit_log
      WHERE entity_type = 'account' AND entity_id IN ($1, $2)
      ORDER BY at DESC, id DESC LIMIT $3`,
    [accountId, accountRef, detailLimits.audit],
  );
  return rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, data: r.data }));
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPgPortfolioQueries } from '../../../src/adapters/postgres/portfolio-queries.js';
import { agingBuckets, type AgingBucket } from '../../../src/domain/aging.js';
import { addDays, type LocalDate } from '../../../src/domain/dates.js';
import { minor } from '../../../src/domain/money.js';
import type {
  AccountListItem,
  AccountListQuery,
  AccountSort,
  PortfolioQueries,
  SortOrder,
} from '../../../src/ports/portfolio-queries.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

/** 10:00 in Bogota, already the next day (00:00) in Tokyo. */
const now = new Date('2026-03-15T15:00:00Z');
const bogotaToday = '2026-03-15' as LocalDate;
const daysAgo = (days: number): LocalDate => addDays(bogotaToday, -days);

let db: TestDatabase;
let queries: PortfolioQueries;
const debtorIds = new Map<string, string>();
const accountIds = new Map<string, string>();

async function insertDebtor(
  ref: string,
  name: string,
  fields: { tz?: string; country?: string; segment?: string; tags?: string[] } = {},
): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, time_zone, locale, country, segment, tags)
     VALUES ($1, $2, $3, 'es-CO', $4, $5, $6) RETURNING id`,
    [
      ref,
      name,
      fields.tz ?? 'America/Bogota',
      fields.country ?? 'CO',
      fields.segment ?? null,
      fields.tags ?? [],
    ],
  );
  debtorIds.set(ref, rows[0]!.id);
  return rows[0]!.id;
}

async function insertAccount(
  ref: string,
  debtorRef: string,
  fields: {
    due: LocalDate;
    balance?: number;
    currency?: string;
    status?: string;
    product?: string;
    segment?: string;
  },
): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, original_minor, due_date, status, product, segment)
     VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8) RETURNING id`,
    [
      ref,
      debtorIds.get(debtorRef),
      fields.currency ?? 'COP',
      fields.balance ?? 100_000,
      fields.due,
      fields.status ?? 'active',
      fields.product ?? null,
      fields.segment ?? null,
    ],
  );
  accountIds.set(ref, rows[0]!.id);
  return rows[0]!.id;
}

function query(overrides: Partial<AccountListQuery> = {}): AccountListQuery {
  return { sort: 'dueDate', order: 'asc', limit: 500, ...overrides };
}

async function refs(overrides: Partial<AccountListQuery>): Promise<string[]> {
  const result = await queries.listAccounts(query(overrides), now);
  if (!result.ok) throw new Error(result.reason);
  return result.page.items.map((a) => a.ref).sort();
}

/** Follows every cursor and returns the rows in the order served. */
async function walk(q: AccountListQuery): Promise<AccountListItem[]> {
  const seen: AccountListItem[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const result = await queries.listAccounts({ ...q, cursor }, now);
    if (!result.ok) throw new Error(result.reason);
    seen.push(...result.page.items);
    cursor = result.page.nextCursor;
    if (cursor === undefined) return seen;
  }
  throw new Error('pagination did not end');
}

beforeAll(async () => {
  db = await createTestDatabase();
  queries = createPgPortfolioQueries(db.pool);
  await insertDebtor('D-ANA', 'Ana María García', { segment: 'retail', tags: ['vip'] });
  await insertDebtor('D-LUIS', 'Luis Pérez', { country: 'MX', tags: ['legal', 'vip'] });
  await insertDebtor('D-TOKYO', 'Kenji Sato', { tz: 'Asia/Tokyo', country: 'JP' });
  await insertDebtor('D-100%_X', 'Literal Percent');
  // One account on each side of every bucket boundary, all for Ana in Bogota.
  const boundaries: [string, number][] = [
    ['A-FUTURE', -10],
    ['A-DUE-TODAY', 0],
    ['A-1', 1],
    ['A-30', 30],
    ['A-31', 31],
    ['A-60', 60],
    ['A-61', 61],
    ['A-90', 90],
    ['A-91', 91],
    ['A-180', 180],
    ['A-181', 181],
  ];
  for (const [ref, days] of boundaries)
    await insertAccount(ref, 'D-ANA', { due: daysAgo(days), balance: 1_000 * (days + 20) });
  await insertAccount('L-MXN', 'D-LUIS', {
    due: daysAgo(5),
    currency: 'MXN',
    balance: 250_050,
    product: 'card',
    segment: 'early',
  });
  await insertAccount('L-PAID', 'D-LUIS', {
    due: daysAgo(400),
    currency: 'MXN',
    balance: 0,
    status: 'paid',
    product: 'loan',
  });
  await insertAccount('T-TODAY', 'D-TOKYO', { due: bogotaToday, currency: 'USD', balance: 999 });
  await insertAccount('P-1', 'D-100%_X', { due: daysAgo(3) });
});

afterAll(async () => {
  await db.close();
});

describe(`portfolio queries on ${process.env.CUOTA_TEST_STORE ?? 'pglite'}`, () => {
  it('ages each bucket boundary in the debtor time zone', async () => {
    const expected: Record<AgingBucket, string[]> = {
      current: ['A-DUE-TODAY', 'A-FUTURE'],
      '1-30': ['A-1', 'A-30', 'L-MXN', 'P-1', 'T-TODAY'],
      '31-60': ['A-31', 'A-60'],
      '61-90': ['A-61', 'A-90'],
      '91-180': ['A-180', 'A-91'],
      '180+': ['A-181', 'L-PAID'],
    };
    for (const bucket of agingBuckets) {
      expect({ bucket, refs: await refs({ agingBucket: bucket }) }).toEqual({
        bucket,
        refs: expected[bucket],
      });
    }
  });

  it('reports days past due and bucket per row, never negative', async () => {
    const result = await queries.listAccounts(query({ debtorRef: 'D-ANA' }), now);
    if (!result.ok) throw new Error(result.reason);
    const byRef = new Map(result.page.items.map((a) => [a.ref, a]));
    expect(byRef.get('A-FUTURE')).toMatchObject({
      daysPastDue: 0,
      agingBucket: 'current',
      dueDate: daysAgo(-10),
    });
    expect(byRef.get('A-30')).toMatchObject({ daysPastDue: 30, agingBucket: '1-30' });
    expect(byRef.get('A-31')).toMatchObject({ daysPastDue: 31, agingBucket: '31-60' });
    expect(byRef.get('A-181')).toMatchObject({ daysPastDue: 181, agingBucket: '180+' });
    // Due the same calendar day as A-DUE-TODAY, but it is already tomorrow in Tokyo.
    const tokyo = await queries.listAccounts(query({ debtorRef: 'D-TOKYO' }), now);
    expect(tokyo.ok && tokyo.page.items[0]).toMatchObject({
      ref: 'T-TODAY',
      daysPastDue: 1,
      agingBucket: '1-30',
    });
  });

  it('filters by status, currency, product, segment, country, balance and debtor', async () => {
    expect(await refs({ status: 'paid' })).toEqual(['L-PAID']);
    expect(await refs({ currency: 'MXN' as never })).toEqual(['L-MXN', 'L-PAID']);
    expect(await refs({ product: 'card' })).toEqual(['L-MXN']);
    expect(await refs({ segment: 'early' })).toEqual(['L-MXN']);
    expect(await refs({ country: 'JP' })).toEqual(['T-TODAY']);
    expect(await refs({ minBalance: minor(200_000), maxBalance: minor(250_050) })).toEqual([
      'A-180',
      'A-181',
      'L-MXN',
    ]);
    expect(await refs({ debtorRef: 'D-LUIS', status: 'active' })).toEqual(['L-MXN']);
    expect(await refs({ debtorRef: 'nobody' })).toEqual([]);
  });

  it('searches refs and names case-insensitively, by prefix or whole name word, literally', async () => {
    expect(await refs({ q: 'l-mx' })).toEqual(['L-MXN']);
    expect(await refs({ q: 'd-lu' })).toEqual(['L-MXN', 'L-PAID']);
    expect(await refs({ q: 'luis' })).toEqual(['L-MXN', 'L-PAID']);
    expect(await refs({ q: 'PÉREZ' })).toEqual(['L-MXN', 'L-PAID']);
    expect(await refs({ q: 'kenji sa' })).toEqual(['T-TODAY']);
    expect(await refs({ q: 'sat' })).toEqual([]);
    expect(await refs({ q: 'd-100%' })).toEqual(['P-1']);
    expect(await refs({ q: '%' })).toEqual([]);
    expect(await refs({ q: '_' })).toEqual([]);
  });

  it('walks every row exactly once across pages, for every sort and order, with ties', async () => {
    // Ties on every sort key: same due date, same balance, same time zone; and Tokyo accounts a
    // day later than Bogota ones that are exactly as many days past due.
    await insertDebtor('D-TIES', 'Tie Breaker');
    for (let i = 0; i < 17; i++)
      await insertAccount(`TIE-${String(i).padStart(2, '0')}`, 'D-TIES', {
        due: daysAgo(7),
        balance: 5_000,
      });
    for (const days of [6, 7, 8])
      await insertAccount(`T-${days}`, 'D-TOKYO', { due: daysAgo(days), balance: 5_000 });
    const all = await walk(query({ limit: 500 }));
    expect(all).toHaveLength(35);
    const sorts: AccountSort[] = ['dueDate', 'balance', 'daysPastDue'];
    const orders: SortOrder[] = ['asc', 'desc'];
    for (const sort of sorts) {
      for (const order of orders) {
        // One page of everything: the exact order, to which every walk must agree row for row.
        const reference = (await walk(query({ sort, order, limit: 500 }))).map((r) => r.ref);
        const keys = (await walk(query({ sort, order, limit: 500 }))).map((r) =>
          sort === 'balance'
            ? r.balance.amount
            : sort === 'dueDate'
              ? Date.parse(r.dueDate)
              : r.daysPastDue,
        );
        expect(keys).toEqual([...keys].sort((a, b) => (order === 'asc' ? a - b : b - a)));
        for (const limit of [1, 3, 34]) {
          const refs = (await walk(query({ sort, order, limit }))).map((r) => r.ref);
          expect({ sort, order, limit, refs }).toEqual({ sort, order, limit, refs: reference });
        }
      }
    }
    const tokyoTie = (await walk(query({ sort: 'daysPastDue', order: 'desc', limit: 500 }))).filter(
      (r) => r.daysPastDue === 7,
    );
    expect(tokyoTie.map((r) => r.ref)).toContain('T-6');
    const filtered = await walk(query({ debtorRef: 'D-TIES', sort: 'balance', limit: 4 }));
    expect(filtered).toHaveLength(17);
    const searched = await walk(query({ q: 't', sort: 'daysPastDue', limit: 2 }));
    expect(searched.map((r) => r.ref)).toEqual(
      (await walk(query({ q: 't', sort: 'daysPastDue', limit: 500 }))).map((r) => r.ref),
    );
  });

  it('sorts by days past due in each debtor zone, most overdue first', async () => {
    const result = await queries.listAccounts(
      query({ sort: 'daysPastDue', order: 'desc', limit: 3 }),
      now,
    );
    expect(result.ok && result.page.items.map((a) => a.ref)).toEqual(['L-PAID', 'A-181', 'A-180']);
    const soonest = await queries.listAccounts(
      query({ sort: 'daysPastDue', order: 'asc', limit: 2, country: 'CO' }),
      now,
    );
    expect(soonest.ok && soonest.page.items.map((a) => a.ref)).toEqual(['A-FUTURE', 'A-DUE-TODAY']);
  });

  it('refuses a malformed cursor, or one issued for other filters or another sort', async () => {
    const first = await queries.listAccounts(query({ limit: 1 }), now);
    if (!first.ok || first.page.nextCursor === undefined) throw new Error('expected a next page');
    const cursor = first.page.nextCursor;
    expect(await queries.listAccounts(query({ limit: 1, cursor }), now)).toMatchObject({
      ok: true,
    });
    expect(await queries.listAccounts(query({ limit: 1, cursor, sort: 'balance' }), now)).toEqual({
      ok: false,
      reason: 'invalid-cursor',
    });
    expect(await queries.listAccounts(query({ limit: 1, cursor, status: 'paid' }), now)).toEqual({
      ok: false,
      reason: 'invalid-cursor',
    });
    expect(await queries.listAccounts(query({ cursor: 'not-a-cursor' }), now)).toEqual({
      ok: false,
      reason: 'invalid-cursor',
    });
    expect(await queries.listDebtors({ limit: 1, cursor })).toEqual({
      ok: false,
      reason: 'invalid-cursor',
    });

    // A cursor edited by hand keeps its fingerprint: its key is checked too, and never reaches SQL unfit.
    const forge = (c: string, k: unknown): string => {
      const decoded = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      return Buffer.from(JSON.stringify({ ...decoded, k }), 'utf8').toString('base64url');
    };
    expect(
      await queries.listAccounts(query({ limit: 1, cursor: forge(cursor, '2026-02-30') }), now),
    ).toEqual({ ok: false, reason: 'invalid-cursor' });
    expect(await queries.listAccounts(query({ limit: 1, cursor: forge(cursor, 5) }), now)).toEqual({
      ok: false,
      reason: 'invalid-cursor',
    });
    const byDays = await queries.listAccounts(query({ sort: 'daysPastDue', limit: 1 }), now);
    if (!byDays.ok || byDays.page.nextCursor === undefined) throw new Error('expected a next page');
    expect(
      await queries.listAccounts(
        query({ sort: 'daysPastDue', limit: 1, cursor: forge(byDays.page.nextCursor, 10 ** 12) }),
        now,
      ),
    ).toEqual({ ok: false, reason: 'invalid-cursor' });
    const far = await queries.listAccounts(
      query({ sort: 'daysPastDue', limit: 1, cursor: forge(byDays.page.nextCursor, 10 ** 6) }),
      now,
    );
    expect(far).toMatchObject({ ok: true });
  });

  it('ages every page of a walk on the instant of its first page', async () => {
    const first = await queries.listAccounts(
      query({ agingBucket: '1-30', order: 'desc', limit: 1, debtorRef: 'D-ANA' }),
      now,
    );
    if (!first.ok) throw new Error(first.reason);
    expect(first.page.items.map((a) => a.ref)).toEqual(['A-1']);
    // A day later A-30 would be 31 days past due; the walk still sees the first page's day.
    const second = await queries.listAccounts(
      query({
        agingBucket: '1-30',
        order: 'desc',
        limit: 1,
        debtorRef: 'D-ANA',
        cursor: first.page.nextCursor,
      }),
      new Date(now.getTime() + 86_400_000),
    );
    expect(second.ok && second.page.items.map((a) => [a.ref, a.daysPastDue])).toEqual([
      ['A-30', 30],
    ]);
  });

  it('returns an account with its debtor, promises, plans, payments, conversations and audit', async () => {
    const accountId = accountIds.get('L-MXN')!;
    const conversation = await db.pool.query<{ id: string }>(
      `INSERT INTO conversations (debtor_id, account_id, channel, owner) VALUES ($1, $2, 'whatsapp', 'agent') RETURNING id`,
      [debtorIds.get('D-LUIS'), accountId],
    );
    await db.pool.query(`INSERT INTO conversations (debtor_id, channel) VALUES ($1, 'sms')`, [
      debtorIds.get('D-LUIS'),
    ]);
    await db.pool.query(
      `INSERT INTO promises (account_id, conversation_id, amount_minor, currency, due_date) VALUES ($1, $2, 50000, 'MXN', '2026-03-20')`,
      [accountId, conversation.rows[0]!.id],
    );
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const plan = await client.query<{ id: string }>(
        `INSERT INTO plans (account_id, total_minor, currency, installment_count) VALUES ($1, 250050, 'MXN', 2) RETURNING id`,
        [accountId],
      );
      await client.query(
        `INSERT INTO installments (plan_id, seq, amount_minor, due_date, paid_minor) VALUES ($1, 2, 125025, '2026-05-01', 0), ($1, 1, 125025, '2026-04-01', 100)`,
        [plan.rows[0]!.id],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await db.pool.query(
      `INSERT INTO payments (account_id, amount_minor, currency, paid_at, source, external_id) VALUES ($1, 100, 'MXN', '2026-03-01T12:00:00Z', 'bank', 'TX-1')`,
      [accountId],
    );
    await db.pool.query(
      `INSERT INTO audit_log (actor, action, entity_type, entity_id, data) VALUES ('import', 'account.created', 'account', $1, '{"row": 2}'), ('agent:7', 'account.noted', 'account', 'L-MXN', '{}'), ('x', 'other', 'account', 'L-PAID', '{}')`,
      [accountId],
    );

    const byRef = await queries.getAccount('L-MXN', now);
    const byId = await queries.getAccount(accountId, now);
    expect(byId).toEqual(byRef);
    expect(byRef).toMatchObject({
      ref: 'L-MXN',
      balance: { amount: 250_050, currency: 'MXN' },
      daysPastDue: 5,
      agingBucket: '1-30',
      debtor: { ref: 'D-LUIS', country: 'MX', timeZone: 'America/Bogota', tags: ['legal', 'vip'] },
      promises: [
        {
          amount: { amount: 50_000, currency: 'MXN' },
          dueDate: '2026-03-20',
          status: 'pending',
          resolvedAt: undefined,
        },
      ],
      plans: [
        {
          total: { amount: 250_050, currency: 'MXN' },
          installments: [
            { seq: 1, amount: 125_025, paid: 100, dueDate: '2026-04-01' },
            { seq: 2, amount: 125_025, paid: 0, dueDate: '2026-05-01' },
          ],
        },
      ],
      payments: [{ amount: { amount: 100, currency: 'MXN' }, externalId: 'TX-1', source: 'bank' }],
    });
    expect(byRef!.conversations.map((c) => c.channel).sort()).toEqual(['sms', 'whatsapp']);
    expect(byRef!.audit.map((a) => a.action).sort()).toEqual(['account.created', 'account.noted']);
    expect(await queries.getAccount('NOPE', now)).toBeUndefined();
    expect(await queries.getAccount('00000000-0000-4000-8000-000000000000', now)).toBeUndefined();
  });

  it('lists debtors in ref order with filters, contact points and account counts', async () => {
    await db.pool.query(
      `INSERT INTO contact_points (debtor_id, kind, value) VALUES ($1, 'phone', '+573001234567'), ($1, 'email', 'ana@example.com')`,
      [debtorIds.get('D-ANA')],
    );
    const all = await queries.listDebtors({ limit: 50 });
    if (!all.ok) throw new Error(all.reason);
    // In debtor ref order under the database's collation, which the keyset walk below follows.
    const names = all.page.items.map((d) => d.ref);
    expect(names).toHaveLength(5);
    const ana = all.page.items.find((d) => d.ref === 'D-ANA');
    expect(ana).toMatchObject({
      accountCount: 11,
      segment: 'retail',
      contactPoints: [{ kind: 'phone', value: '+573001234567' }, { kind: 'email' }],
    });

    const list = async (filter: Parameters<PortfolioQueries['listDebtors']>[0]) => {
      const result = await queries.listDebtors(filter);
      return result.ok ? result.page.items.map((d) => d.ref) : result.reason;
    };
    expect(await list({ limit: 50, tag: 'vip' })).toEqual(['D-ANA', 'D-LUIS']);
    expect(await list({ limit: 50, tag: 'legal', country: 'MX' })).toEqual(['D-LUIS']);
    expect(await list({ limit: 50, segment: 'retail' })).toEqual(['D-ANA']);
    expect(await list({ limit: 50, q: 'garcía' })).toEqual(['D-ANA']);
    expect(await list({ limit: 50, q: 'D-T' })).toEqual(['D-TIES', 'D-TOKYO']);

    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await queries.listDebtors({ limit: 2, cursor });
      if (!page.ok) throw new Error(page.reason);
      walked.push(...page.page.items.map((d) => d.ref));
      cursor = page.page.nextCursor;
    } while (cursor !== undefined);
    expect(walked).toEqual(names);
  });

  it('returns a debtor with contact points, opt-outs and aged accounts', async () => {
    await db.pool.query(
      `INSERT INTO opt_outs (debtor_id, channel, source) VALUES ($1, 'sms', 'debtor')`,
      [debtorIds.get('D-ANA')],
    );
    const ana = await queries.getDebtor('D-ANA', now);
    expect(ana).toMatchObject({
      ref: 'D-ANA',
      contactPoints: [{ value: '+573001234567' }, { value: 'ana@example.com' }],
      optOuts: [{ channel: 'sms', source: 'debtor' }],
    });
    expect(ana!.accounts.map((a) => a.ref)).toEqual([
      'A-181',
      'A-180',
      'A-91',
      'A-90',
      'A-61',
      'A-60',
      'A-31',
      'A-30',
      'A-1',
      'A-DUE-TODAY',
      'A-FUTURE',
    ]);
    expect(await queries.getDebtor(debtorIds.get('D-ANA')!, now)).toEqual(ana);
    expect(await queries.getDebtor('D-NOBODY', now)).toBeUndefined();
  });
});

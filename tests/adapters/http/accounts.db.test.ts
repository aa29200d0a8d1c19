import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpApp } from '../../../src/adapters/http/app.js';
import { addDays, type LocalDate } from '../../../src/domain/dates.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { silentLogger } from '../../support/shared.js';

const apiKey = 'test-api-key-0123456789';
const now = new Date('2026-03-15T15:00:00Z');
const today = '2026-03-15' as LocalDate;
const daysAgo = (days: number): LocalDate => addDays(today, -days);

let db: TestDatabase;
let server: Server;
let baseUrl: string;

interface Json {
  [key: string]: unknown;
}

async function get(
  path: string,
  headers: Record<string, string> = { authorization: `Bearer ${apiKey}` },
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${baseUrl}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as Json };
}

async function items(path: string): Promise<Json[]> {
  const { status, body } = await get(path);
  expect({ path, status }).toEqual({ path, status: 200 });
  return body.items as Json[];
}

async function refsOf(path: string): Promise<string[]> {
  return (await items(path)).map((item) => item.ref as string).sort();
}

beforeAll(async () => {
  db = await createTestDatabase();
  const debtor = async (
    ref: string,
    name: string,
    country: string,
    tz = 'America/Bogota',
  ): Promise<string> =>
    (
      await db.pool.query<{ id: string }>(
        `INSERT INTO debtors (debtor_ref, name, time_zone, locale, country, tags) VALUES ($1, $2, $3, 'es', $4, '{vip}') RETURNING id`,
        [ref, name, tz, country],
      )
    ).rows[0]!.id;
  const account = async (
    ref: string,
    debtorId: string,
    due: LocalDate,
    balance: number,
    currency = 'COP',
  ): Promise<string> =>
    (
      await db.pool.query<{ id: string }>(
        `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, original_minor, min_payment_minor, due_date)
         VALUES ($1, $2, $3, $4, $4, 1000, $5) RETURNING id`,
        [ref, debtorId, currency, balance, due],
      )
    ).rows[0]!.id;
  const ana = await debtor('D-ANA', 'Ana García', 'CO');
  const pedro = await debtor('D-PEDRO', 'Pedro Soto', 'CL', 'America/Santiago');
  await db.pool.query(
    `INSERT INTO contact_points (debtor_id, kind, value) VALUES ($1, 'phone', '+573001234567')`,
    [ana],
  );
  await account('A-TODAY', ana, daysAgo(0), 125_000);
  await account('A-YESTERDAY', ana, daysAgo(1), 125_000);
  await account('A-30', ana, daysAgo(30), 125_000);
  await account('A-31', ana, daysAgo(31), 125_000);
  const clp = await account('C-CLP', pedro, daysAgo(200), 1_250_000, 'CLP');
  for (let i = 0; i < 9; i++) await account(`T-${i}`, pedro, daysAgo(3), 125_000);
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const plan = await client.query<{ id: string }>(
      `INSERT INTO plans (account_id, total_minor, currency, installment_count) VALUES ($1, 1250000, 'CLP', 3) RETURNING id`,
      [clp],
    );
    await client.query(
      `INSERT INTO installments (plan_id, seq, amount_minor, due_date) VALUES ($1, 1, 416667, '2026-04-01'), ($1, 2, 416667, '2026-05-01'), ($1, 3, 416666, '2026-06-01')`,
      [plan.rows[0]!.id],
    );
    await client.query(
      `INSERT INTO promises (account_id, amount_minor, currency, due_date) VALUES ($1, 416667, 'CLP', '2026-04-01')`,
      [clp],
    );
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  const app = createHttpApp({
    db,
    logger: silentLogger,
    clock: fixedClock(now),
    apiKey,
    maxUploadBytes: 1_000_000,
    defaults: { country: 'CO', timeZone: 'America/Bogota', locale: 'es-CO' },
    isShuttingDown: () => false,
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await db.close();
});

describe(`accounts and debtors API on ${process.env.CUOTA_TEST_STORE ?? 'pglite'}`, () => {
  it('refuses requests without the API key or with a wrong one', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer wrong' },
      { 'x-api-key': 'wrong' },
      { authorization: apiKey },
    ]) {
      for (const path of [
        '/api/v1/accounts',
        '/api/v1/accounts/A-30',
        '/api/v1/debtors',
        '/api/v1/debtors/D-ANA',
      ]) {
        const { status, body } = await get(path, headers);
        expect({ path, status, body }).toEqual({
          path,
          status: 401,
          body: { error: { code: 'unauthorized', message: 'missing or invalid API key' } },
        });
      }
    }
    expect((await get('/api/v1/accounts', { 'x-api-key': apiKey })).status).toBe(200);
  });

  it('serves the OpenAPI document without a key', async () => {
    const response = await fetch(`${baseUrl}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/accounts',
        '/api/v1/accounts/{ref}',
        '/api/v1/debtors',
        '/api/v1/debtors/{ref}',
      ]),
    );
  });

  it('lists accounts with money as integer minor units', async () => {
    const [clp] = await items('/api/v1/accounts?currency=clp');
    expect(clp).toEqual({
      id: expect.any(String),
      ref: 'C-CLP',
      debtor: { id: expect.any(String), ref: 'D-PEDRO', name: 'Pedro Soto' },
      currency: 'CLP',
      balance: { amount: 1_250_000, currency: 'CLP', formatted: '1250000' },
      originalAmount: { amount: 1_250_000, currency: 'CLP', formatted: '1250000' },
      minPayment: { amount: 1000, currency: 'CLP', formatted: '1000' },
      dueDate: daysAgo(200),
      daysPastDue: 200,
      agingBucket: '180+',
      product: null,
      segment: null,
      status: 'active',
    });
    const [cop] = await items('/api/v1/accounts?q=a-30');
    expect(cop!.balance).toEqual({ amount: 125_000, currency: 'COP', formatted: '1250.00' });
    expect(Number.isInteger((cop!.balance as { amount: unknown }).amount)).toBe(true);
  });

  it('filters by aging bucket at the boundaries', async () => {
    expect(await refsOf('/api/v1/accounts?agingBucket=current')).toEqual(['A-TODAY']);
    expect(await refsOf('/api/v1/accounts?agingBucket=1-30&debtorRef=D-ANA')).toEqual([
      'A-30',
      'A-YESTERDAY',
    ]);
    expect(await refsOf('/api/v1/accounts?agingBucket=31-60')).toEqual(['A-31']);
    expect(await refsOf('/api/v1/accounts?agingBucket=180%2B')).toEqual(['C-CLP']);
    expect(await refsOf('/api/v1/accounts?agingBucket=180+')).toEqual(['C-CLP']);
  });

  it('filters by balance, country and search', async () => {
    expect(await refsOf('/api/v1/accounts?minBalance=125001')).toEqual(['C-CLP']);
    expect(await refsOf('/api/v1/accounts?maxBalance=124999')).toEqual([]);
    expect(await refsOf('/api/v1/accounts?country=co&sort=balance&order=desc')).toEqual([
      'A-30',
      'A-31',
      'A-TODAY',
      'A-YESTERDAY',
    ]);
    expect(await refsOf('/api/v1/accounts?q=GARC%C3%8DA')).toEqual([
      'A-30',
      'A-31',
      'A-TODAY',
      'A-YESTERDAY',
    ]);
  });

  it('walks all rows exactly once across pages despite ties on the sort key', async () => {
    const all = await refsOf('/api/v1/accounts?limit=500');
    expect(all).toHaveLength(14);
    for (const sort of ['dueDate', 'balance', 'daysPastDue']) {
      for (const order of ['asc', 'desc']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const query: string = `sort=${sort}&order=${order}&limit=4${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
          const { status, body } = await get(`/api/v1/accounts?${query}`);
          expect(status).toBe(200);
          seen.push(...(body.items as Json[]).map((item) => item.ref as string));
          cursor = body.nextCursor as string | null;
          pages++;
        } while (cursor !== null);
        expect({ sort, order, refs: seen.sort() }).toEqual({ sort, order, refs: all });
        expect(pages).toBe(4);
      }
    }
  });

  it('answers 400 listing each bad parameter', async () => {
    const { status, body } = await get(
      '/api/v1/accounts?limit=0&status=late&agingBucket=old&sort=name&minBalance=-1&colour=red',
    );
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'bad_request', message: 'invalid query parameters' });
    const paths = ((body.error as Json).details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(['agingBucket', 'colour', 'limit', 'minBalance', 'sort', 'status']);
    for (const query of [
      'limit=501',
      'limit=1.5',
      'limit=abc',
      'currency=XXQ',
      'minBalance=10&maxBalance=5',
      'status=active&status=paid',
      'q=',
      'country=COL',
    ]) {
      expect({ query, status: (await get(`/api/v1/accounts?${query}`)).status }).toEqual({
        query,
        status: 400,
      });
    }
    expect((await get('/api/v1/debtors?tag=')).status).toBe(400);
  });

  it('answers 400 on a cursor that is foreign to the query', async () => {
    const first = await get('/api/v1/accounts?limit=1');
    const cursor = encodeURIComponent(first.body.nextCursor as string);
    const { status, body } = await get(`/api/v1/accounts?limit=1&sort=balance&cursor=${cursor}`);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'bad_request', details: [{ path: 'cursor' }] });
    expect((await get('/api/v1/accounts?cursor=garbage')).status).toBe(400);
  });

  it('returns one account by ref or id with plans, installments and promises', async () => {
    const { status, body } = await get('/api/v1/accounts/C-CLP');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ref: 'C-CLP',
      debtor: { ref: 'D-PEDRO', country: 'CL', timeZone: 'America/Santiago', tags: ['vip'] },
      plans: [
        {
          total: { amount: 1_250_000, currency: 'CLP', formatted: '1250000' },
          status: 'active',
          installments: [
            {
              seq: 1,
              amount: { amount: 416_667, currency: 'CLP' },
              paid: { amount: 0 },
              dueDate: '2026-04-01',
            },
            { seq: 2, amount: { amount: 416_667 } },
            { seq: 3, amount: { amount: 416_666 } },
          ],
        },
      ],
      promises: [
        {
          amount: { amount: 416_667, currency: 'CLP', formatted: '416667' },
          status: 'pending',
          resolvedAt: null,
        },
      ],
      payments: [],
      conversations: [],
      audit: [],
    });
    expect((body.plans as Json[])[0]!.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    const byId = await get(`/api/v1/accounts/${body.id as string}`);
    expect(byId.body).toEqual(body);
  });

  it('answers 404 with the error body for an unknown account or debtor', async () => {
    expect(await get('/api/v1/accounts/NOPE')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'no such account' } },
    });
    expect(await get('/api/v1/debtors/NOPE')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'no such debtor' } },
    });
  });

  it('masks phones in the debtor list and shows them in full on the debtor', async () => {
    const list = await items('/api/v1/debtors?q=ana');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      ref: 'D-ANA',
      accountCount: 4,
      contactPoints: [{ kind: 'phone', value: '+57******4567', hasConsent: true }],
    });
    const { body } = await get('/api/v1/debtors/D-ANA');
    expect(body).toMatchObject({
      ref: 'D-ANA',
      contactPoints: [{ kind: 'phone', value: '+573001234567' }],
      optOuts: [],
    });
    expect((body.accounts as Json[]).map((a) => a.ref)).toEqual([
      'A-31',
      'A-30',
      'A-YESTERDAY',
      'A-TODAY',
    ]);
  });

  it('pages through debtors', async () => {
    const first = await get('/api/v1/debtors?limit=1');
    expect((first.body.items as Json[]).map((d) => d.ref)).toHaveLength(1);
    const second = await get(
      `/api/v1/debtors?limit=1&cursor=${encodeURIComponent(first.body.nextCursor as string)}`,
    );
    expect(second.body.nextCursor).toBeNull();
    expect(
      [...(first.body.items as Json[]), ...(second.body.items as Json[])].map((d) => d.ref).sort(),
    ).toEqual(['D-ANA', 'D-PEDRO']);
    expect(await refsOf('/api/v1/debtors?country=CL&tag=vip')).toEqual(['D-PEDRO']);
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpApp } from '../../../src/adapters/http/app.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { paymentFootprint, seedAccount, seedPlan, seedPromise } from '../../support/payments.js';
import { silentLogger } from '../../support/shared.js';

const apiKey = 'test-api-key-0123456789';
const now = new Date('2026-03-12T15:00:00Z');

let db: TestDatabase;
let server: Server;
let baseUrl: string;
let planId: string;
let promiseId: string;

interface Json {
  [key: string]: unknown;
}

async function post(
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${apiKey}` },
): Promise<{ status: number; body: Json; replayed: string | null }> {
  const response = await fetch(`${baseUrl}/api/v1/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Json,
    replayed: response.headers.get('idempotent-replayed'),
  };
}

async function get(path: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { 'x-api-key': apiKey } });
  return { status: response.status, body: (await response.json()) as Json };
}

beforeAll(async () => {
  db = await createTestDatabase();
  const { accountId } = await seedAccount(db.pool, { ref: 'A-1001', balance: 300_000_00 });
  planId = await seedPlan(db.pool, accountId, [150_000_00, 150_000_00]);
  promiseId = await seedPromise(
    db.pool,
    accountId,
    150_000_00,
    '2026-03-12',
    '2026-03-02T15:00:00Z',
  );
  await seedAccount(db.pool, {
    ref: 'A-CLP',
    balance: 1_250_000,
    currency: 'CLP',
    timeZone: 'America/Santiago',
  });
  const app = createHttpApp({
    db,
    logger: silentLogger,
    clock: fixedClock(now),
    apiKey,
    maxUploadBytes: 1_000_000,
    defaults: { country: 'CO', timeZone: 'America/Bogota', locale: 'es-CO' },
    promiseGraceDays: 1,
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

const money = (amount: number, currency: string, formatted: string): Json => ({
  amount,
  currency,
  formatted,
});

describe(`payments API on ${process.env.TEST_DATABASE_URL ? 'postgresql' : 'pglite'}`, () => {
  it('applies a payment once: 201 with what it did, then 200 with the same result', async () => {
    const body = {
      external_id: 'PSE-1',
      account_ref: 'A-1001',
      amount: '180000.00',
      currency: 'cop',
      paid_at: '2026-03-12T08:00:00-05:00',
      method: 'pse',
      reference: 'CUS 1',
    };
    const first = await post(body);
    expect(first.status).toBe(201);
    expect(first.replayed).toBeNull();
    expect(first.body).toEqual({
      id: expect.any(String),
      externalId: 'PSE-1',
      accountRef: 'A-1001',
      amount: money(180_000_00, 'COP', '180000.00'),
      paidAt: '2026-03-12T13:00:00.000Z',
      source: 'api',
      method: 'pse',
      reference: 'CUS 1',
      applied: money(180_000_00, 'COP', '180000.00'),
      surplus: money(0, 'COP', '0.00'),
      balance: money(120_000_00, 'COP', '120000.00'),
      allocations: [
        { planId, seq: 1, amount: money(150_000_00, 'COP', '150000.00') },
        { planId, seq: 2, amount: money(30_000_00, 'COP', '30000.00') },
      ],
      completedPlanId: null,
      keptPromiseIds: [promiseId],
      confirmedClaimIds: [],
      createdAt: now.toISOString(),
    });

    const before = await paymentFootprint(db.pool);
    // amount_minor instead of amount, same money: the same payment.
    const again = await post({
      ...body,
      amount: undefined,
      amount_minor: 180_000_00,
      currency: 'COP',
    });
    expect(again).toEqual({ status: 200, body: first.body, replayed: 'true' });
    expect(await paymentFootprint(db.pool)).toEqual(before);

    expect(await get('/api/v1/payments/PSE-1')).toEqual({ status: 200, body: first.body });
    const account = await get('/api/v1/accounts/A-1001');
    expect(account.body).toMatchObject({
      balance: money(120_000_00, 'COP', '120000.00'),
      payments: [{ id: first.body.id, externalId: 'PSE-1', source: 'api' }],
    });
  });

  it('keeps the surplus of an overpayment in a zero-decimal currency', async () => {
    const result = await post({
      external_id: 'CL-1',
      account_ref: 'A-CLP',
      amount_minor: 1_300_000,
      currency: 'CLP',
      paid_at: '2026-03-12',
    });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({
      paidAt: '2026-03-12T15:00:00.000Z', // midday in Santiago (UTC-3 in March)
      applied: money(1_250_000, 'CLP', '1250000'),
      surplus: money(50_000, 'CLP', '50000'),
      balance: money(0, 'CLP', '0'),
    });
    expect((await get('/api/v1/accounts/A-CLP')).body).toMatchObject({ status: 'paid' });
  });

  it('answers 409 for an external id reused with other content, 404 for an unknown account', async () => {
    const before = await paymentFootprint(db.pool);
    const conflict = await post({
      external_id: 'PSE-1',
      account_ref: 'A-1001',
      amount_minor: 1,
      currency: 'COP',
      paid_at: '2026-03-12T13:00:00Z',
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({
      error: {
        code: 'conflict',
        message: 'external id PSE-1 is already a payment with another amount',
        details: [
          { path: 'amount', message: 'differs from the payment stored under this external_id' },
        ],
      },
    });
    const unknown = await post({
      external_id: 'PSE-404',
      account_ref: 'A-NONE',
      amount_minor: 1,
      currency: 'COP',
      paid_at: '2026-03-12',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'not_found' } });
    expect(await get('/api/v1/payments/PSE-404')).toMatchObject({ status: 404 });
    expect(await paymentFootprint(db.pool)).toEqual(before);
  });

  it('answers 400 naming every bad field, and changes nothing', async () => {
    const before = await paymentFootprint(db.pool);
    const bad = await post({
      external_id: '',
      account_ref: 'A-1001',
      amount: '10.005',
      currency: 'COP',
      paid_at: '2026-03-12T10:00:00',
      colour: 'blue',
    });
    expect(bad.status).toBe(400);
    const paths = (bad.body.error as { details: { path: string }[] }).details.map((d) => d.path);
    expect(paths.sort()).toEqual(['', 'external_id']);

    const semantic = await post({
      external_id: 'X-1',
      account_ref: 'A-1001',
      amount: '10.005',
      amount_minor: 5,
      currency: 'XYZ',
      paid_at: '2026-03-12T10:00:00',
    });
    expect(semantic.status).toBe(400);
    expect(
      (semantic.body.error as { details: { path: string }[] }).details.map((d) => d.path).sort(),
    ).toEqual(['amount_minor', 'currency', 'paid_at']);
    const decimals = await post({
      external_id: 'X-1',
      account_ref: 'A-1001',
      amount: '10.005',
      currency: 'COP',
      paid_at: '2026-03-12',
    });
    expect(decimals).toMatchObject({
      status: 400,
      body: { error: { details: [{ path: 'amount', message: 'more decimals than COP has' }] } },
    });
    const mismatch = await post({
      external_id: 'X-1',
      account_ref: 'A-1001',
      amount_minor: 100,
      currency: 'USD',
      paid_at: '2026-03-12',
    });
    expect(mismatch).toMatchObject({
      status: 400,
      body: { error: { details: [{ path: 'currency', message: 'the account is in COP' }] } },
    });
    const future = await post({
      external_id: 'X-1',
      account_ref: 'A-1001',
      amount_minor: 100,
      currency: 'COP',
      paid_at: '2026-03-13',
    });
    expect(future).toMatchObject({
      status: 400,
      body: { error: { details: [{ path: 'paid_at' }] } },
    });
    expect((await post('{"external_id":')).status).toBe(400);
    expect(await paymentFootprint(db.pool)).toEqual(before);
  });

  it('needs the API key', async () => {
    const result = await post({}, {});
    expect(result.status).toBe(401);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await fetch(`${baseUrl}/api/v1/openapi.json`).then(
      (r) => r.json() as Promise<Json>,
    );
    const paths = doc.paths as Record<
      string,
      Record<string, { responses: Record<string, unknown> }>
    >;
    expect(Object.keys(paths['/api/v1/payments']?.post?.responses ?? {}).sort()).toEqual([
      '200',
      '201',
      '400',
      '401',
      '404',
      '409',
    ]);
    expect(paths['/api/v1/payments/{externalId}']?.get).toBeDefined();
  });
});

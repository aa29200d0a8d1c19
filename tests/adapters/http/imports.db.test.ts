import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpApp } from '../../../src/adapters/http/app.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { silentLogger } from '../../support/shared.js';

const apiKey = 'test-api-key-0123456789';
const fixtures = new URL('../../fixtures/imports/', import.meta.url);
let db: TestDatabase;
let server: Server;
let base: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const app = createHttpApp({
    db,
    logger: silentLogger,
    clock: fixedClock(new Date('2025-06-30T15:00:00Z')),
    apiKey,
    maxUploadBytes: 64 * 1024,
    defaults: { country: 'CO', timeZone: 'America/Bogota', locale: 'es-419' },
    isShuttingDown: () => false,
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await db.close();
});

async function form(fixture: string, field = 'file'): Promise<FormData> {
  const body = new FormData();
  body.append('note', 'from the test');
  body.append(
    field,
    new Blob([await readFile(new URL(fixture, fixtures))], { type: 'text/csv' }),
    fixture,
  );
  return body;
}

const auth = { authorization: `Bearer ${apiKey}` };

describe(`POST /api/v1/imports on ${process.env.CUOTA_TEST_STORE ?? 'pglite'}`, () => {
  it('answers 401 without the API key', async () => {
    const res = await fetch(`${base}/imports`, { method: 'POST', body: await form('ugly.csv') });
    expect(res.status).toBe(401);
  });

  it('answers 400 without a file', async () => {
    const body = new FormData();
    body.append('note', 'no file here');
    const res = await fetch(`${base}/imports`, { method: 'POST', headers: auth, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'bad_request' } });
    expect((await fetch(`${base}/imports`, { method: 'POST', headers: auth })).status).toBe(400);
  });

  it('answers 415 for a body that is not multipart', async () => {
    const res = await fetch(`${base}/imports`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: 'a,b\n',
    });
    expect(res.status).toBe(415);
  });

  it('answers 200 with the report: counts, format and the rejects', async () => {
    const res = await fetch(`${base}/imports`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey },
      body: await form('ugly.csv'),
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as Record<string, unknown>;
    expect(report).toMatchObject({
      status: 'finished',
      counts: { read: 14, inserted: 3, updated: 0, unchanged: 0, rejected: 11 },
      format: { encoding: 'utf-8', delimiter: ',', decimalStyle: 'point' },
      ignoredColumns: [],
      rejectsTotal: 11,
    });
    expect(report.rejects).toHaveLength(11);
    expect((report.rejects as unknown[])[0]).toEqual({
      row: 5,
      column: 'due_date',
      value: '2025-02-30',
      reason: 'not a valid date (use YYYY-MM-DD or DD/MM/YYYY)',
    });
    const { rows } = await db.pool.query(
      `SELECT source, status, rows_read FROM imports WHERE id = $1`,
      [report.id],
    );
    expect(rows[0]).toEqual({ source: 'api:ugly.csv', status: 'finished', rows_read: 14 });
  });

  it('answers 400 naming the missing columns of a file that cannot be imported', async () => {
    const res = await fetch(`${base}/imports`, {
      method: 'POST',
      headers: auth,
      body: await form('missing-phone-header.csv'),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: 'bad_request',
        message: expect.stringContaining('missing required column: phone') as unknown,
        details: [{ path: 'phone', message: 'required column missing' }],
      },
    });
  });

  it('answers 413 past the upload limit', async () => {
    const body = new FormData();
    body.append(
      'file',
      new Blob(['account_ref,debtor_ref,name,phone,currency,balance,due_date\n'.repeat(4000)], {
        type: 'text/csv',
      }),
      'big.csv',
    );
    const res = await fetch(`${base}/imports`, { method: 'POST', headers: auth, body });
    expect(res.status).toBe(413);
  });

  it('is documented in the OpenAPI document', async () => {
    const res = await fetch(`${base}/openapi.json`);
    const document = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(document.paths['/api/v1/imports']?.post).toBeDefined();
  });
});

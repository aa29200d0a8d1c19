/**
 * Issue 5 (campaigns) over HTTP: segments and campaigns behind the API key, bodies validated
 * (400 listing each problem), unknown ids (404), transitions the state does not allow (409),
 * the dry run and the progress of a run, and the paths in the OpenAPI document.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpApp } from '../../../src/adapters/http/app.js';
import { buildOpenApiDocument } from '../../../src/adapters/http/openapi.js';
import { runCampaigns, type CampaignDeps } from '../../../src/app/campaigns.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { testCampaignDeps } from '../../support/campaign-deps.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { silentLogger } from '../../support/shared.js';

const apiKey = 'test-api-key-0123456789';
// A Tuesday, 10:00 in Bogotá.
const now = new Date('2026-11-24T15:00:00Z');

let db: TestDatabase;
let server: Server;
let baseUrl: string;
let deps: CampaignDeps;

type Json = Record<string, unknown>;

async function call(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  key: string = apiKey,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

beforeAll(async () => {
  db = await createTestDatabase();
  for (let i = 1; i <= 3; i += 1) {
    const debtor = await db.pool.query<{ id: string }>(
      `INSERT INTO debtors (debtor_ref, name, country, time_zone, locale)
       VALUES ($1, 'Ana Gómez', 'CO', 'America/Bogota', 'es-CO') RETURNING id`,
      [`D-HTTP-${i}`],
    );
    const debtorId = debtor.rows[0]!.id;
    await db.pool.query(
      `INSERT INTO contact_points (debtor_id, kind, value) VALUES ($1, 'phone', $2)`,
      [debtorId, `+57310000000${i}`],
    );
    await db.pool.query(
      `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date, product)
       VALUES ($1, $2, 'COP', $3, '2026-10-10', 'card')`,
      [`A-HTTP-${i}`, debtorId, i * 100_000_00],
    );
  }
  deps = await testCampaignDeps(db.pool, fixedClock(now));
  const app = createHttpApp({
    db,
    logger: silentLogger,
    clock: fixedClock(now),
    apiKey,
    maxUploadBytes: 1_000_000,
    defaults: { country: 'CO', timeZone: 'America/Bogota', locale: 'es-CO' },
    isShuttingDown: () => false,
    campaigns: deps,
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

describe('segments API', () => {
  it('needs the API key', async () => {
    expect((await call('GET', '/api/v1/segments', undefined, 'wrong')).status).toBe(401);
  });

  it('saves, lists and previews a segment; rejects bad filters and duplicate names', async () => {
    const created = await call('POST', '/api/v1/segments', {
      name: 'big balances',
      filter: { balance: { currency: 'COP', min: 200_000_00 }, aging: ['31-60'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'big balances', id: expect.any(String) });
    const listed = await call('GET', '/api/v1/segments');
    expect(listed.body.items).toEqual([created.body]);
    const preview = await call('GET', `/api/v1/segments/${String(created.body.id)}/preview`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      count: 2,
      sample: [
        {
          accountRef: 'A-HTTP-2',
          balance: { amount: 200_000_00, currency: 'COP', formatted: '200000.00' },
          daysPastDue: 45,
          product: 'card',
          country: 'CO',
        },
        { accountRef: 'A-HTTP-3' },
      ],
    });

    const bad = await call('POST', '/api/v1/segments', {
      name: 'bad',
      filter: { aging: ['2-30'], balance: { currency: 'COP', min: 1.5 } },
    });
    expect(bad.status).toBe(400);
    expect((bad.body.error as { details: { path: string }[] }).details.map((d) => d.path)).toEqual(
      expect.arrayContaining(['filter.aging.0', 'filter.balance.min']),
    );
    const twice = await call('POST', '/api/v1/segments', { name: 'big balances', filter: {} });
    expect(twice.status).toBe(409);
    expect((await call('GET', '/api/v1/segments/not-a-uuid/preview')).status).toBe(404);
    expect(
      (await call('GET', '/api/v1/segments/00000000-0000-4000-8000-000000000000/preview')).status,
    ).toBe(404);
  });
});

describe('campaigns API', () => {
  let segmentId = '';
  beforeAll(async () => {
    const segment = await call('POST', '/api/v1/segments', {
      name: 'all cards',
      filter: { products: ['card'] },
    });
    segmentId = String(segment.body.id);
  });

  const body = (name: string) => ({
    name,
    segmentId,
    flow: 'default',
    channels: ['whatsapp', 'sms'],
    variants: [
      { id: 'a', template: 'account_reminder', weight: 1 },
      { id: 'b', template: 'overdue_notice', weight: 1 },
    ],
    startsAt: '2026-11-24T14:00:00Z',
  });

  it('creates, dry runs, starts, shows progress, pauses, resumes and stops', async () => {
    // Two messages a minute: the first pass queues two of the three.
    const created = await call('POST', '/api/v1/campaigns', { ...body('november'), throttle: 2 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      window: null,
      throttle: 2,
      startedAt: null,
      channels: ['whatsapp', 'sms'],
    });
    const id = String(created.body.id);

    const dry = await call('POST', `/api/v1/campaigns/${id}/dry-run`);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      at: now.toISOString(),
      accounts: 3,
      now: 3,
      later: { count: 0, earliest: null },
      never: { count: 0 },
    });
    const draftDry = await call('POST', '/api/v1/campaigns/dry-run', {
      segmentId,
      flow: 'default',
      channels: ['telegram'],
      variants: [{ id: 'a', template: 'account_reminder', weight: 1 }],
    });
    expect(draftDry.body).toMatchObject({ now: 0, never: { count: 3, byRule: { no_channel: 3 } } });

    expect((await call('POST', `/api/v1/campaigns/${id}/pause`)).status).toBe(409);
    const started = await call('POST', `/api/v1/campaigns/${id}/start`);
    expect(started.body).toMatchObject({ status: 'running', startedAt: now.toISOString() });
    await runCampaigns(deps);
    const shown = await call('GET', `/api/v1/campaigns/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      status: 'running',
      progress: { targets: 2, queued: 2, sent: 0, amountPromised: [] },
    });
    const variants = (shown.body.progress as { variants: { targets: number }[] }).variants;
    expect(variants.reduce((n, v) => n + v.targets, 0)).toBe(2);

    expect((await call('POST', `/api/v1/campaigns/${id}/pause`)).body.status).toBe('paused');
    expect((await call('POST', `/api/v1/campaigns/${id}/resume`)).body.status).toBe('running');
    expect((await call('POST', `/api/v1/campaigns/${id}/stop`)).body.status).toBe('stopped');
    const again = await call('POST', `/api/v1/campaigns/${id}/resume`);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      error: { code: 'conflict', message: 'cannot resume a campaign that is stopped' },
    });
    const listed = await call('GET', '/api/v1/campaigns');
    expect((listed.body.items as { id: string }[]).map((c) => c.id)).toContain(id);
  });

  it('answers 400 for bad bodies and unknown references, 404 for unknown campaigns', async () => {
    const bad = await call('POST', '/api/v1/campaigns', {
      ...body('bad'),
      channels: [],
      variants: [{ id: 'a', template: 'account_reminder', weight: 0 }],
      throttle: -1,
    });
    expect(bad.status).toBe(400);
    expect((bad.body.error as { details: { path: string }[] }).details.map((d) => d.path)).toEqual(
      expect.arrayContaining(['channels', 'variants.0.weight', 'throttle']),
    );
    const unknownTemplate = await call('POST', '/api/v1/campaigns', {
      ...body('unknown template'),
      variants: [{ id: 'a', template: 'nope', weight: 1 }],
    });
    expect(unknownTemplate.status).toBe(400);
    const unknownSegment = await call('POST', '/api/v1/campaigns', {
      ...body('unknown segment'),
      segmentId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknownSegment.status).toBe(400);
    expect((await call('POST', '/api/v1/campaigns', body('november'))).status).toBe(409);
    expect(
      (await call('GET', '/api/v1/campaigns/00000000-0000-4000-8000-000000000000')).status,
    ).toBe(404);
    expect((await call('POST', '/api/v1/campaigns/xyz/start')).status).toBe(404);
  });

  it('documents every path in the OpenAPI document', () => {
    const paths = Object.keys(buildOpenApiDocument().paths ?? {});
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/segments',
        '/api/v1/segments/{id}/preview',
        '/api/v1/campaigns',
        '/api/v1/campaigns/{id}',
        '/api/v1/campaigns/{id}/dry-run',
        '/api/v1/campaigns/dry-run',
        '/api/v1/campaigns/{id}/start',
        '/api/v1/campaigns/{id}/pause',
        '/api/v1/campaigns/{id}/resume',
        '/api/v1/campaigns/{id}/stop',
      ]),
    );
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpApp } from '../../../src/adapters/http/app.js';
import { tokenSigner } from '../../../src/adapters/http/tokens.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { silentLogger } from '../../support/shared.js';
import { testConversationDeps } from '../../support/conversation-deps.js';

const apiKey = 'test-api-key-0123456789';
const clock = fixedClock(new Date('2026-11-24T15:00:00Z'));
const links = tokenSigner('a-session-secret-that-is-long-enough-123', 'debtor-link');
let db: TestDatabase;
let server: Server;
let base: string;

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  db = await createTestDatabase();
  for (const ref of ['DEMO-0001', 'ACC-1']) {
    const debtor = await db.pool.query<{ id: string }>(
      `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale) VALUES ($1, 'Ana', '10201234', 'CO', 'America/Bogota', 'es-CO') RETURNING id`,
      [`D-${ref}`],
    );
    await db.pool.query(
      `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date, product) VALUES ($1, $2, 'COP', 125000000, '2026-10-01', 'tarjeta')`,
      [ref, debtor.rows[0]!.id],
    );
  }
  const conversations = await testConversationDeps(db.pool, clock);
  const app = createHttpApp({
    db,
    logger: silentLogger,
    clock,
    apiKey,
    maxUploadBytes: 1024 * 1024,
    defaults: { country: 'CO', timeZone: 'America/Bogota', locale: 'es-419' },
    isShuttingDown: () => false,
    chat: {
      conversations,
      clock,
      apiKey,
      sessions: tokenSigner('a-session-secret-that-is-long-enough-123', 'chat-session'),
      links,
      isDemo: true,
      demoAccountRef: 'DEMO-0001',
    },
  });
  server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await db.close();
});

describe('web chat API', () => {
  it('opens a session on a real account only with the API key', async () => {
    expect((await post('/api/v1/chat/sessions', { accountRef: 'ACC-1' })).status).toBe(401);
    expect(
      (
        await post(
          '/api/v1/chat/sessions',
          { accountRef: 'ACC-1' },
          { authorization: 'Bearer wrong-key-0123456789' },
        )
      ).status,
    ).toBe(401);
    const opened = await post(
      '/api/v1/chat/sessions',
      { accountRef: 'ACC-1' },
      { authorization: `Bearer ${apiKey}` },
    );
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ sessionId: expect.any(String), token: expect.any(String) });
  });

  it('opens demo sessions without a key in demo mode, and sessions from signed debtor links', async () => {
    expect((await post('/api/v1/chat/sessions', { accountRef: 'DEMO-0001' })).status).toBe(201);
    const token = links.sign({ accountRef: 'ACC-1' }, 3600, clock.now().getTime());
    expect((await post('/api/v1/chat/sessions', { token })).status).toBe(201);
    expect((await post('/api/v1/chat/sessions', { token: `${token.slice(0, -2)}xx` })).status).toBe(
      401,
    );
    const expired = links.sign({ accountRef: 'ACC-1' }, -10, clock.now().getTime());
    expect((await post('/api/v1/chat/sessions', { token: expired })).status).toBe(401);
  });

  it('answers 404 for an unknown account and 400 for a malformed body', async () => {
    expect(
      (await post('/api/v1/chat/sessions', { accountRef: 'NOPE' }, { 'x-api-key': apiKey })).status,
    ).toBe(404);
    expect(
      (
        await post(
          '/api/v1/chat/sessions',
          { accountRef: 'ACC-1', extra: 1 },
          { 'x-api-key': apiKey },
        )
      ).status,
    ).toBe(400);
    expect((await post('/api/v1/chat/sessions', '{not json', { 'x-api-key': apiKey })).status).toBe(
      400,
    );
  });

  it('exchanges messages with the session token, verifies identity before disclosing, and ignores retries', async () => {
    const opened = await post('/api/v1/chat/sessions', { accountRef: 'DEMO-0001' });
    const { sessionId, token } = opened.body as { sessionId: string; token: string };
    const path = `/api/v1/chat/sessions/${sessionId}/messages`;
    const auth = { authorization: `Bearer ${token}` };

    expect((await post(path, { text: 'hola' })).status).toBe(401);
    const other = (await post('/api/v1/chat/sessions', { accountRef: 'DEMO-0001' })).body as {
      token: string;
    };
    expect(
      (await post(path, { text: 'hola' }, { authorization: `Bearer ${other.token}` })).status,
    ).toBe(401);
    expect((await post(path, { text: '   ' }, auth)).status).toBe(400);

    const hello = await post(path, { text: 'hola', clientMessageId: 'm1' }, auth);
    expect(hello.status).toBe(200);
    const helloText = JSON.stringify(hello.body.replies);
    expect(helloText).not.toMatch(/1\.250\.000/);
    const retry = await post(path, { text: 'hola', clientMessageId: 'm1' }, auth);
    expect(retry.body).toMatchObject({ duplicate: true, replies: [] });

    const verified = await post(path, { text: '1234', clientMessageId: 'm2' }, auth);
    expect(JSON.stringify(verified.body.replies)).toMatch(/1\.250\.000/);

    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND direction = 'in'`,
      [sessionId],
    );
    expect(rows[0]!.n).toBe(2);
  });

  it('serves the chat page', async () => {
    const res = await fetch(`${base}/chat`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/api/v1/chat/sessions');
    expect(html).toContain('"isDemo":true');
  });
});

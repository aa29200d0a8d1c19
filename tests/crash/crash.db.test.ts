/**
 * Crash test (issue 4): `cuota serve` with WhatsApp Cloud is killed with SIGKILL at random points
 * while signed webhooks arrive and replies are being sent to a stand-in Graph API, then
 * restarted, as often as it takes. Meta's behaviour is imitated: a webhook that got no 200 is
 * delivered again (and some that did are replayed), and every message the Graph API accepted is
 * reported back by a signed status webhook carrying our outbox id. At the end every inbound
 * message must have produced exactly one turn, and every outbox row must have reached the
 * provider exactly once.
 *
 * PostgreSQL only: the embedded store belongs to one process and a SIGKILL is not a shutdown
 * PGlite promises to survive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  startMetaGraph,
  whatsAppSentStatusWebhook,
  whatsAppTextWebhook,
  type MetaGraphStandIn,
} from '../support/stand-ins/meta-graph.js';
import { templateName, withDatabase } from '../support/shared.js';

const adminUrl = process.env.TEST_DATABASE_URL;
const root = fileURLToPath(new URL('../../', import.meta.url));
const token = 'EAAcrashTestSystemUserToken0123456789';
const appSecret = 'crash-app-secret-0123456789';
const phoneNumberId = '109876543210';
const apiVersion = 'v26.0';
const debtors = 12;
const messages = 120;

let database: string;
let pool: pg.Pool;
let graph: MetaGraphStandIn;
let child: ChildProcess | undefined;
let base = '';

const describeOnPostgres = adminUrl ? describe : describe.skip;

function phoneOf(n: number): string {
  return `57300555${String(1000 + n).slice(-4)}`;
}

function sign(raw: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

function inboundWebhook(n: number): string {
  const texts = ['hola', '1234', 'cuánto debo?', 'puedo pagar en 3 cuotas', 'sí', 'gracias'];
  return JSON.stringify(
    whatsAppTextWebhook({
      phoneNumberId,
      from: phoneOf(n % debtors),
      id: `wamid.IN.${n}`,
      text: texts[Math.floor(n / debtors) % texts.length]!,
    }),
  );
}

function statusWebhook(wamid: string, outboxId: string, recipient: string): string {
  return JSON.stringify(whatsAppSentStatusWebhook({ phoneNumberId, wamid, recipient, outboxId }));
}

async function post(raw: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) },
      body: raw,
      signal: AbortSignal.timeout(3000),
    });
    return res.status === 200;
  } catch {
    return false;
  }
}

async function startServe(): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: withDatabase(adminUrl!, database),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    CUOTA_DEMO: 'false',
    CUOTA_DATA_DIR: path.join('/tmp', `cuota-crash-${database}`),
    WHATSAPP_CLOUD_TOKEN: token,
    WHATSAPP_CLOUD_PHONE_NUMBER_ID: phoneNumberId,
    WHATSAPP_CLOUD_APP_SECRET: appSecret,
    WHATSAPP_CLOUD_VERIFY_TOKEN: 'crash-verify-token',
    WHATSAPP_CLOUD_GRAPH_URL: graph.url,
    WHATSAPP_CLOUD_API_VERSION: apiVersion,
    CUOTA_SEND_RATES: 'whatsapp-cloud=1000/0',
    CUOTA_OUTBOX_STALE_MS: '2000',
    // Longer than a restart of serve on a loaded machine, so a send whose report is on its way
    // (Meta reports within seconds) is never taken for unconfirmed; production waits 10 minutes.
    CUOTA_OUTBOX_RESEND_UNCONFIRMED_MS: '10000',
  };
  child = spawn(process.execPath, [path.join(root, 'bin/cuota.js'), 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /cuota is running on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child!.stdout?.on('data', onData);
    child!.stderr?.on('data', onData);
    child!.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
}

async function kill(): Promise<void> {
  const running = child;
  child = undefined;
  if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  running.kill('SIGKILL');
  await exited;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Meta's side: report every accepted send once, again after a failed delivery. */
const reported = new Set<number>();
let isReporting = false;
/** The background reporter runs until the test's checks, or afterAll, stop it. */
let isReporterRunning = false;
async function reportStatuses(): Promise<void> {
  // One pass at a time: the background reporter and the test's own calls never overlap.
  while (isReporting) await sleep(20);
  isReporting = true;
  try {
    await reportPending();
  } finally {
    isReporting = false;
  }
}

async function reportPending(): Promise<void> {
  for (const [index, request] of graph.requests.entries()) {
    if (reported.has(index)) continue;
    const body = request.body as { to?: string; biz_opaque_callback_data?: string };
    const wamid = `wamid.OUT.${index}`;
    if (body.biz_opaque_callback_data === undefined || body.to === undefined) continue;
    if (await post(statusWebhook(wamid, body.biz_opaque_callback_data, body.to)))
      reported.add(index);
  }
}

beforeAll(async () => {
  if (!adminUrl) return;
  database = `${templateName()}_f${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database} TEMPLATE ${templateName()}`);
  await admin.end();
  pool = new pg.Pool({ connectionString: withDatabase(adminUrl, database), max: 2 });
  for (let i = 0; i < debtors; i += 1) {
    const debtor = await pool.query<{ id: string }>(
      `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale) VALUES ($1, 'Deudor', '10201234', 'CO', 'America/Bogota', 'es-CO') RETURNING id`,
      [`CRASH-D${i}`],
    );
    await pool.query(
      `INSERT INTO contact_points (debtor_id, kind, value) VALUES ($1, 'phone', $2)`,
      [debtor.rows[0]!.id, `+${phoneOf(i)}`],
    );
    await pool.query(
      `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date) VALUES ($1, $2, 'COP', 90000000, '2026-10-01')`,
      [`CRASH-A${i}`, debtor.rows[0]!.id],
    );
  }
  graph = await startMetaGraph({ token, phoneNumberId, apiVersion, maxDelayMs: 40 });
}, 60_000);

afterAll(async () => {
  isReporterRunning = false;
  if (!adminUrl) return;
  if (child) await kill();
  await graph.close();
  await pool.end();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
});

describeOnPostgres('SIGKILL while webhooks arrive and replies are sent', () => {
  it('processes every inbound message exactly once and sends every outbox row exactly once', async () => {
    const acked = new Set<number>();
    let next = 0;
    // Meta reports a send's status within moments of accepting it, whatever else is going on.
    isReporterRunning = true;
    const reporter = (async () => {
      while (isReporterRunning) {
        await reportStatuses();
        await sleep(250);
      }
    })();
    for (let round = 0; round < 4; round += 1) {
      await startServe();
      const killAt = Date.now() + 600 + Math.floor(Math.random() * 1200);
      // Meta redelivers what got no 200, then keeps sending new messages.
      const pending = [...Array(next).keys()].filter((n) => !acked.has(n));
      for (const n of pending) if (await post(inboundWebhook(n))) acked.add(n);
      while (Date.now() < killAt && next < messages) {
        const n = next++;
        if (await post(inboundWebhook(n))) acked.add(n);
        if (n % 10 === 0) await reportStatuses();
      }
      await kill();
    }
    await startServe();
    for (let n = 0; n < messages; n += 1)
      if (!acked.has(n) && (await post(inboundWebhook(n)))) acked.add(n);
    // Replays, as Meta sends at-least-once.
    for (let n = 0; n < messages; n += 7) expect(await post(inboundWebhook(n))).toBe(true);
    const deadline = Date.now() + 90_000;
    for (;;) {
      await reportStatuses();
      const { rows } = await pool.query<{ open: number; events: number }>(
        `SELECT (SELECT count(*)::int FROM outbox WHERE status IN ('pending', 'sending', 'unknown')) AS open,
                (SELECT count(*)::int FROM inbound_events WHERE status <> 'processed') AS events`,
      );
      if (
        (rows[0]!.open === 0 && rows[0]!.events === 0 && reported.size === graph.requests.length) ||
        Date.now() > deadline
      )
        break;
      await sleep(300);
    }

    isReporterRunning = false;
    await reporter;
    expect(acked.size).toBe(messages);
    const turns = await pool.query<{ id: string; n: number }>(
      `SELECT provider_message_id AS id, count(*)::int AS n FROM messages WHERE direction = 'in' GROUP BY provider_message_id`,
    );
    expect(turns.rows).toHaveLength(messages);
    expect(turns.rows.every((r) => r.n === 1)).toBe(true);

    const outbox = await pool.query<{ id: string; status: string }>(
      `SELECT id::text, status FROM outbox ORDER BY id`,
    );
    expect(outbox.rows.length).toBeGreaterThan(messages);
    expect(outbox.rows.filter((r) => !['sent', 'delivered', 'read'].includes(r.status))).toEqual(
      [],
    );
    const sendsPerRow = new Map<string, number>();
    for (const request of graph.requests) {
      const id = (request.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data;
      if (id !== undefined) sendsPerRow.set(id, (sendsPerRow.get(id) ?? 0) + 1);
    }
    const duplicates = [...sendsPerRow].filter(([, n]) => n > 1);
    expect(duplicates).toEqual([]);
    expect(outbox.rows.every((r) => sendsPerRow.get(r.id) === 1)).toBe(true);
  }, 300_000);
});

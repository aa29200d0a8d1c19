/**
 * bench:webhooks — signed WhatsApp Cloud webhooks over HTTP from this process to a separate
 * `cuota serve` on real PostgreSQL, at a fixed offered rate (open loop: requests go out on
 * schedule whether or not earlier ones were answered). Measures the acknowledgement latency and
 * the end-to-end time from a webhook to the first reply reaching a stand-in Graph API.
 *
 *   npm run bench:webhooks                       # 200, then 500 webhooks/s, 20 s each
 *   BENCH_RATES=300,800 BENCH_SECONDS=30 npm run bench:webhooks
 *   BENCH_WARMUP_SECONDS=0 npm run bench:webhooks # measure from a cold start (default 5 s warm-up)
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:webhooks  # profile cuota
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Agent, fetch } from 'undici';
import { startMetaGraph, whatsAppTextWebhook } from '../tests/support/stand-ins/meta-graph.js';
import { recordBenchmark } from './support/report.js';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const rates = (process.env.BENCH_RATES ?? '200,500').split(',').map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
/** Extra node flags for cuota's processes (a profiler, say). */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const debtors = Number(process.env.BENCH_DEBTORS ?? 4000);
/** Run the channel worker as its own process (CUOTA_WORKER=off on serve), as in production. */
const isSplit = process.env.BENCH_SPLIT !== '0';
const root = fileURLToPath(new URL('../', import.meta.url));
const token = 'EAAbenchSystemUserToken0123456789';
const appSecret = 'bench-app-secret-0123456789';
const phoneNumberId = '109876543210';
const apiVersion = 'v26.0';
/** A scratch database, dropped and made anew each run; name another to run two benches at once. */
const name = process.env.BENCH_DATABASE_NAME ?? 'cuota_bench_webhooks';
const script = ['hola', '1234', 'cuánto debo?', 'puedo pagar en 3 cuotas', 'sí', 'gracias'];

const dispatcher = new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });

const phoneOf = (n: number): string => `57310${String(n).padStart(7, '0')}`;

function webhook(n: number, from: string, text: string): string {
  return JSON.stringify(whatsAppTextWebhook({ phoneNumberId, from, id: `wamid.BENCH.${n}`, text }));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(
    (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN).toFixed(1),
  );
}

async function run(rate: number): Promise<Record<string, number | string>> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();

  // The stand-in notes when the first reply to each inbound message arrives.
  const graph = await startMetaGraph({ token, phoneNumberId, apiVersion });
  const waiting = new Map<string, number[]>();
  /** [when the webhook went out, how long until a reply reached the stand-in] */
  const endToEnd: [number, number][] = [];
  // Only the requests that arrived since the last look: rescanning them all would make the
  // load generator, which shares the cores with cuota, slower the longer the run.
  let seen = 0;
  const poll = setInterval(() => {
    for (; seen < graph.requests.length; seen += 1) {
      const i = seen;
      const to = (graph.requests[i]!.body as { to?: string }).to ?? '';
      const sentAt = waiting.get(to)?.shift();
      if (sentAt !== undefined) endToEnd.push([sentAt, performance.now() - sentAt]);
    }
  }, 5);

  const env = {
    ...process.env,
    NODE_ENV: 'production',
    CUOTA_API_KEY: 'bench-api-key-0123456789',
    CUOTA_SESSION_SECRET: 'bench-session-secret-0123456789-0123456789',
    DATABASE_URL: databaseUrl,
    CUOTA_DB_POOL_SIZE: '16',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    CUOTA_DEMO: 'false',
    WHATSAPP_CLOUD_TOKEN: token,
    WHATSAPP_CLOUD_PHONE_NUMBER_ID: phoneNumberId,
    WHATSAPP_CLOUD_APP_SECRET: appSecret,
    WHATSAPP_CLOUD_VERIFY_TOKEN: 'bench-verify-token',
    WHATSAPP_CLOUD_GRAPH_URL: graph.url,
    // WhatsApp's higher throughput tier (1,000 msg/s); the default tier is 80.
    CUOTA_SEND_RATES: 'whatsapp-cloud=1000/0',
    // The production topology: web processes acknowledge, a worker process turns and sends.
    CUOTA_WORKER: isSplit ? 'off' : 'inline',
  };
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'bin/cuota.js'), 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker = isSplit
    ? spawn(process.execPath, [...nodeArgs, path.join(root, 'bin/cuota.js'), 'worker'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : undefined;
  worker?.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  let output = '';
  const base = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /cuota is running on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
  // Load starts once the worker is up too: its boot would otherwise compete with the first acks.
  if (worker !== undefined) {
    await new Promise<void>((resolve, reject) => {
      let said = '';
      worker.stdout.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        if (said.includes('cuota worker is running')) resolve();
      });
      worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
  }

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // Dropping the database at the end ends any connection still closing: nothing to report.
  pool.on('error', () => undefined);
  await pool.query(
    `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale)
     SELECT 'WB-' || g, 'Deudor ' || g, '10' || lpad(g::text, 6, '0') || '1234', 'CO', 'America/Bogota', 'es-CO' FROM generate_series(0, $1 - 1) g`,
    [debtors],
  );
  await pool.query(
    `INSERT INTO contact_points (debtor_id, kind, value) SELECT id, 'phone', '+57310' || lpad(substr(debtor_ref, 4), 7, '0') FROM debtors`,
  );
  await pool.query(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date) SELECT 'WBA-' || substr(debtor_ref, 4), id, 'COP', 90000000, DATE '2026-10-01' FROM debtors`,
  );

  // A warm-up at the same rate first (JIT, connection pools, backend caches), then the measured
  // run; open loop throughout, so the warm-up's backlog is the measured run's to carry.
  const ack: number[] = [];
  const warmAck: number[] = [];
  let failures = 0;
  const warm = rate * warmupSeconds;
  const total = warm + rate * seconds;
  const started = performance.now();
  let measuredAt = started;
  let turnsAtStart: Promise<number> = Promise.resolve(0);
  const countTurns = async (): Promise<number> =>
    (
      await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`,
      )
    ).rows[0]!.n;
  const inflight: Promise<void>[] = [];
  for (let n = 0; n < total; n += 1) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (n === warm) {
      measuredAt = performance.now();
      turnsAtStart = countTurns();
    }
    const isMeasured = n >= warm;
    const debtor = n % debtors;
    const from = phoneOf(debtor);
    const raw = webhook(n, from, script[Math.floor(n / debtors) % script.length]!);
    const signature = `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
    const sentAt = performance.now();
    waiting.set(from, [...(waiting.get(from) ?? []), sentAt]);
    inflight.push(
      fetch(`${base}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body: raw,
        dispatcher,
      }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) failures += 1;
          else (isMeasured ? ack : warmAck).push(performance.now() - sentAt);
        },
        () => {
          failures += 1;
        },
      ),
    );
  }
  await Promise.all(inflight);
  const sendSeconds = (performance.now() - measuredAt) / 1000;
  // Wait for the worker to finish every turn and send every reply.
  for (;;) {
    const { rows } = await pool.query<{ left: number }>(
      `SELECT (SELECT count(*)::int FROM inbound_events WHERE status <> 'processed') + (SELECT count(*)::int FROM outbox WHERE status IN ('pending', 'sending')) AS left`,
    );
    if (rows[0]!.left === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const drainedSeconds = (performance.now() - measuredAt) / 1000;
  const turns = await countTurns();
  const measuredTurns = turns - (await turnsAtStart);
  const measuredEndToEnd = endToEnd.filter(([sentAt]) => sentAt >= measuredAt).map(([, ms]) => ms);
  await new Promise((resolve) => setTimeout(resolve, 200));
  clearInterval(poll);
  child.kill('SIGTERM');
  worker?.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  if (worker !== undefined && worker.exitCode === null)
    await new Promise((resolve) => worker.once('exit', resolve));
  await pool.end();
  await graph.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();

  const result = {
    topology: isSplit ? 'serve + worker processes' : 'serve with inline worker',
    'offered webhooks/s': rate,
    seconds,
    debtors,
    'warm-up s': warmupSeconds,
    'warm-up ack p99 ms': percentile(warmAck, 99),
    'acked webhooks/s': Math.round(ack.length / sendSeconds),
    'ack p50 ms': percentile(ack, 50),
    'ack p99 ms': percentile(ack, 99),
    'non-200': failures,
    turns,
    'end-to-end turns/s': Math.round(measuredTurns / drainedSeconds),
    'e2e p50 ms': percentile(measuredEndToEnd, 50),
    'e2e p99 ms': percentile(measuredEndToEnd, 99),
    'replies sent': graph.requests.length,
  };
  console.log(result);
  return result;
}

async function main(): Promise<void> {
  const rows: Record<string, number | string>[] = [];
  for (const rate of rates) rows.push(await run(rate));
  await recordBenchmark('webhooks', {
    title: 'WhatsApp webhooks: acknowledgement and end to end (`npm run bench:webhooks`)',
    description: `Signed WhatsApp Cloud webhooks from the benchmark process to a separate \`cuota serve\` (NODE_ENV=production, pool of 16) on PostgreSQL, with the channel worker in its own \`cuota worker\` process unless the row says inline, offered open-loop at a fixed rate: first a warm-up of \`warm-up s\` at that rate (the processes are started, and the load begins, only once both say they are running; warm-up acks are reported apart as \`warm-up ack p99 ms\`), then the measured \`seconds\`. Each webhook is one debtor message (${debtors} debtors cycling through: ${script.map((s) => `"${s}"`).join(', ')}). "Ack" is the webhook's HTTP round trip (verify the signature, store the raw event, answer 200). "End to end" is from sending a webhook to the first reply reaching the stand-in Graph API (the worker turns it, writes the outbox, the dispatcher sends); end-to-end turns/s counts the turns completed from the start of the measured run until the last reply went out (the warm-up's backlog included), over that time; \`turns\` counts all, warm-up included. E2E latency pairs each reply with the oldest unanswered webhook from its debtor, so a turn's second reply counts against the debtor's next message: read it as indicative. The stand-in and the load generator share the machine's 2 cores with cuota and PostgreSQL. Sends are paced at WhatsApp's 1,000 msg/s tier (CUOTA_SEND_RATES).`,
    rows,
  });
}

await main();

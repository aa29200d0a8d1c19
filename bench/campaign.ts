/**
 * The campaign benchmark: 100,000 debtors (one account and one phone each, four countries, a
 * few opted out or without a phone) generated with bulk SQL in a scratch PostgreSQL database,
 * then one campaign over all of them (A/B split, WhatsApp then SMS) run to completion the way
 * the scheduler runs it: batches of 1,000, each deciding every message under the contact policy
 * with the debtor's history and writing the outbox rows, conversations, transcript lines and
 * campaign targets. Times the dry run and the run, checks the counts, and writes the campaign
 * section of docs/benchmarks.md. Then the outbox dispatcher sends for `BENCH_DISPATCH_SECONDS`
 * (30) through the real WhatsApp Cloud sender to the Graph API stand-in, which refuses (130429)
 * any message beyond 80 in a second, as Meta does: the paced rate and the refusals are recorded.
 *
 *   npm run bench:campaign
 *   BENCH_DATABASE_URL=postgres://... BENCH_DEBTORS=100000 npm run bench:campaign
 */
import os from 'node:os';
import pg from 'pg';
import pino from 'pino';
import { openDatabase } from '../src/adapters/postgres/database.js';
import { migrate } from '../src/adapters/postgres/migrate.js';
import {
  changeCampaignStatus,
  createCampaign,
  createSegment,
  dryRunCampaign,
  runCampaigns,
} from '../src/app/campaigns.js';
import { whatsAppCloudSender } from '../src/adapters/channels/whatsapp-cloud/sender.js';
import { PostgresOutbox } from '../src/adapters/postgres/outbox.js';
import { policyGate } from '../src/app/contact-gate.js';
import { OutboxDispatcher } from '../src/app/dispatch-outbox.js';
import { testCampaignDeps } from '../tests/support/campaign-deps.js';
import { startMetaGraph } from '../tests/support/stand-ins/meta-graph.js';
import { recordBenchmark } from './support/report.js';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const debtors = Number(process.env.BENCH_DEBTORS ?? 100_000);
const dispatchSeconds = Number(process.env.BENCH_DISPATCH_SECONDS ?? 30);
/** WhatsApp Cloud's default throughput for a business number. */
const whatsAppPerSecond = 80;
const scratch = 'cuota_bench_campaign';
// A Tuesday: 10:00 in Bogotá and Lima, 09:00 in Mexico City, 12:00 in Santiago.
const now = new Date('2026-11-24T15:00:00Z');
const logger = pino({ level: 'warn' });
const number = new Intl.NumberFormat('en-US');

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function resetScratch(): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${scratch}`);
    // JIT compiles a plan when its estimated cost is high; the tables this run fills start empty,
    // so until autovacuum catches up the estimates are, and JIT spends ~2 s per 1,000-debtor
    // contact-history query that runs in ~50 ms without it. OLTP work like this wants it off.
    await admin.query(`ALTER DATABASE ${scratch} SET jit = off`);
  } finally {
    await admin.end();
  }
}

/** 100k debtors in bulk: 1% opted out of everything (never in a segment), 2% without a phone. */
async function seed(pool: pg.Pool): Promise<void> {
  await pool.query(
    `INSERT INTO debtors (debtor_ref, name, country, time_zone, locale, tags)
     SELECT 'BD-' || g,
            (ARRAY['María José', 'Luis', 'Ana', 'Jorge', 'Camila'])[1 + g % 5] || ' Pérez ' || g,
            c.country, c.time_zone, c.locale,
            CASE WHEN g % 10 = 0 THEN ARRAY['vip'] ELSE '{}' END
       FROM generate_series(1, $1::int) AS g
       JOIN (VALUES (0, 'CO', 'America/Bogota', 'es-CO'), (1, 'MX', 'America/Mexico_City', 'es-MX'),
                    (2, 'CL', 'America/Santiago', 'es-CL'), (3, 'PE', 'America/Lima', 'es-PE'))
            AS c(k, country, time_zone, locale) ON c.k = g % 4`,
    [debtors],
  );
  await pool.query(
    `INSERT INTO contact_points (debtor_id, kind, value)
     SELECT id, 'phone', '+5731' || lpad(substr(debtor_ref, 4), 8, '0')
       FROM debtors WHERE substr(debtor_ref, 4)::int % 50 <> 7`,
  );
  await pool.query(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date, product)
     SELECT 'BA-' || substr(d.debtor_ref, 4), d.id,
            CASE d.country WHEN 'CO' THEN 'COP' WHEN 'MX' THEN 'MXN' WHEN 'CL' THEN 'CLP' ELSE 'PEN' END,
            10000 + (substr(d.debtor_ref, 4)::int * 7919) % 5000000,
            DATE '2026-11-24' - (substr(d.debtor_ref, 4)::int % 200),
            'card'
       FROM debtors d`,
  );
  await pool.query(
    `INSERT INTO opt_outs (debtor_id, channel, source)
     SELECT id, 'all', 'bench' FROM debtors WHERE substr(debtor_ref, 4)::int % 100 = 3`,
  );
  await pool.query('ANALYZE');
}

async function main(): Promise<void> {
  await resetScratch();
  const db = await openDatabase(
    { kind: 'postgres', url: withDatabase(adminUrl, scratch), poolSize: 5 },
    logger,
  );
  try {
    await migrate(db.pool, logger);
    const seedStart = performance.now();
    await seed(db.pool);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    process.stdout.write(
      `seeded ${number.format(debtors)} debtors in ${seedSeconds.toFixed(1)} s\n`,
    );

    const clock = { now: () => new Date(now.getTime()) };
    const deps = await testCampaignDeps(
      db.pool,
      clock,
      { whatsapp: 'whatsapp-cloud', sms: 'twilio-sms' },
      1_000,
    );
    const segment = await createSegment(deps, 'everyone', {});
    const campaign = await createCampaign(deps, {
      name: 'bench',
      segmentId: segment.id,
      flow: 'default',
      channels: ['whatsapp', 'sms'],
      variants: [
        { id: 'a', template: 'account_reminder', weight: 1 },
        { id: 'b', template: 'overdue_notice', weight: 1 },
      ],
      startsAt: now.toISOString(),
    });

    const dryStart = performance.now();
    const dry = await dryRunCampaign(deps, campaign.id);
    const drySeconds = (performance.now() - dryStart) / 1000;
    process.stdout.write(
      `dry run: ${number.format(dry.accounts)} accounts, now ${dry.now}, later ${dry.later.count}, never ${dry.never.count} in ${drySeconds.toFixed(1)} s\n`,
    );

    await changeCampaignStatus(deps, campaign.id, 'start');
    // The machine may be shared: the load when the run starts says how much of it we had.
    const load = os.loadavg()[0] ?? 0;
    const runStart = performance.now();
    const runs = await runCampaigns(deps);
    const runSeconds = (performance.now() - runStart) / 1000;
    const run = runs.find((r) => r.campaignId === campaign.id);
    if (run === undefined || !run.isFinished) throw new Error('the campaign did not finish');

    const { rows } = await db.pool.query<{ targets: string; outbox: string; messages: string }>(
      `SELECT (SELECT count(*) FROM campaign_targets WHERE campaign_id = $1) AS targets,
              (SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'campaign:' || $1 || ':%') AS outbox,
              (SELECT count(*) FROM messages) AS messages`,
      [campaign.id],
    );
    const counts = rows[0];
    if (counts === undefined || Number(counts.targets) !== dry.accounts)
      throw new Error(`targets ${counts?.targets} <> segment ${dry.accounts}`);
    if (Number(counts.outbox) !== dry.accounts - dry.skipped)
      throw new Error(`outbox rows ${counts.outbox} <> ${dry.accounts - dry.skipped}`);
    process.stdout.write(
      `run: ${number.format(run.targeted)} targets in ${run.batches} batches, queued ${run.tally.queued}, deferred ${run.tally.deferred}, denied ${run.tally.denied} in ${runSeconds.toFixed(1)} s\n`,
    );

    const sending = await dispatch(db.pool, deps.store, deps.decide);
    process.stdout.write(
      `dispatch: ${number.format(sending.sent)} sent in ${sending.seconds.toFixed(1)} s (${sending.perSecond.toFixed(1)}/s), busiest second ${sending.busiestSecond}, refused for throughput ${sending.refused}, retried ${sending.retried}\n`,
    );

    await recordBenchmark('campaign', {
      title: 'Campaign run (`npm run bench:campaign`)',
      description:
        `Generated by \`bench/campaign.ts\`. ${number.format(debtors)} debtors with one account each ` +
        '(Colombia, Mexico, Chile, Peru; 1% opted out of everything, 2% without a phone) loaded with ' +
        'bulk SQL into a scratch PostgreSQL database; one campaign over all of them (A/B split, ' +
        'WhatsApp then SMS) at 15:00 UTC on a Tuesday. `dry run` decides every account without ' +
        'writing; `run` is `runCampaigns` to completion in batches of 1,000: segment query, contact ' +
        'policy with each debtor’s history, outbox rows, conversations, hash-chained transcript ' +
        'lines and campaign targets, two batches written at a time. The database runs with ' +
        '`jit = off` (see the note). Target: the run in at most 30 s on 2 cores.',
      rows: [
        {
          phase: 'dry run',
          accounts: number.format(dry.accounts),
          now: number.format(dry.now),
          later: number.format(dry.later.count),
          never: number.format(dry.never.count),
          seconds: drySeconds.toFixed(1),
          'accounts/s': number.format(Math.round(dry.accounts / drySeconds)),
        },
        {
          phase: 'run',
          accounts: number.format(run.targeted),
          now: number.format(run.tally.queued),
          later: number.format(run.tally.deferred),
          never: number.format(run.tally.denied),
          seconds: runSeconds.toFixed(1),
          'accounts/s': number.format(Math.round(run.targeted / runSeconds)),
        },
        {
          phase: `dispatch (WhatsApp, ${whatsAppPerSecond}/s)`,
          accounts: number.format(sending.sent),
          now: '',
          later: '',
          never: '',
          seconds: sending.seconds.toFixed(1),
          'accounts/s': sending.perSecond.toFixed(1),
        },
      ],
      notes:
        `Outbox rows written: ${number.format(Number(counts.outbox))}; transcript lines: ${number.format(Number(counts.messages))}. ` +
        'With PostgreSQL’s default `jit = on`, the same run took about 80 s here: the outbox, ' +
        'conversations and targets grow from empty during the run, their statistics lag, the ' +
        'inflated cost estimates trigger JIT compilation of the contact-history query (about 2 s ' +
        'per batch instead of 50 ms). Run cuota’s database with `jit = off`. ' +
        `Load average when the run started: ${load.toFixed(1)}. ` +
        `Dispatch: the outbox dispatcher (contact policy re-checked per message, pacing at ` +
        `${whatsAppPerSecond}/s, the real WhatsApp Cloud sender) ran for ${dispatchSeconds} s against the Graph API ` +
        `stand-in, which refuses with 130429 any message beyond ${whatsAppPerSecond} in a one-second window: ` +
        `busiest second ${sending.busiestSecond} messages, ${sending.refused} refused, ${sending.retried} retried.`,
    });
  } finally {
    await db.close();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.end();
  }
}

/**
 * Sends the queued campaign for `dispatchSeconds` on a clock that runs from the campaign's
 * instant, through the real sender to the stand-in, paced at WhatsApp's default throughput.
 */
async function dispatch(
  pool: pg.Pool,
  store: Parameters<typeof policyGate>[0]['store'],
  decide: Parameters<typeof policyGate>[0]['decide'],
): Promise<{
  sent: number;
  seconds: number;
  perSecond: number;
  busiestSecond: number;
  refused: number;
  retried: number;
}> {
  const token = 'EAAG-bench-token-0123456789';
  const phoneNumberId = '106540352242922';
  const apiVersion = 'v26.0';
  const graph = await startMetaGraph({
    token,
    phoneNumberId,
    apiVersion,
    messagesPerSecond: whatsAppPerSecond,
  });
  const started = performance.now();
  const clock = { now: () => new Date(now.getTime() + (performance.now() - started)) };
  const outbox = new PostgresOutbox(pool);
  const dispatcher = new OutboxDispatcher({
    outbox,
    senders: new Map([
      [
        'whatsapp-cloud',
        whatsAppCloudSender({
          config: {
            token,
            phoneNumberId,
            apiVersion,
            graphBaseUrl: graph.url,
            sendTimeoutMs: 5000,
          },
          logger,
          clock,
        }),
      ],
    ]),
    limits: { 'whatsapp-cloud': { perSecond: whatsAppPerSecond, perRecipientIntervalMs: 6000 } },
    clock,
    random: Math.random,
    gate: policyGate({ store, decide }),
  });
  let sent = 0;
  let retried = 0;
  try {
    while (performance.now() - started < dispatchSeconds * 1000) {
      const run = await dispatcher.dispatchDue(100);
      sent += run.sent;
      retried += run.retried;
      if (run.sent === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await graph.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const { rows } = await pool.query<{ second: string; n: string }>(
    `SELECT date_trunc('second', sent_at) AS second, count(*) AS n FROM outbox
      WHERE status = 'sent' GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
  );
  return {
    sent,
    seconds,
    perSecond: sent / seconds,
    busiestSecond: Number(rows[0]?.n ?? 0),
    refused: graph.rateLimited(),
    retried,
  };
}

await main();

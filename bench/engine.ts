/**
 * bench:engine — rules-only conversation turns through the full path (lock and load state,
 * understand, decide, persist the turn, its transcript and its records) on real PostgreSQL,
 * then on embedded PGlite. Debtors talk concurrently; each turn is timed end to end.
 *
 *   npm run bench:engine                       # PostgreSQL at BENCH_DATABASE_URL (default local) + PGlite
 *   BENCH_ACCOUNTS=20000 BENCH_SECONDS=20 npm run bench:engine
 */
import os from 'node:os';
import pg from 'pg';
import pino from 'pino';
import { loadFlowBundle } from '../src/adapters/flows/load-flows.js';
import { PostgresConversationStore } from '../src/adapters/postgres/conversation-store.js';
import { openDatabase, type Database } from '../src/adapters/postgres/database.js';
import { migrate } from '../src/adapters/postgres/migrate.js';
import {
  handleDebtorMessage,
  openConversation,
  type ConversationDeps,
} from '../src/app/conversations.js';
import type { ConversationId } from '../src/domain/model.js';
import { RulesUnderstander } from '../src/domain/understanding/rules-understander.js';
import { packageRoot } from '../src/main.js';
import { fixedClock } from '../src/ports/clock.js';
import { recordBenchmark } from './support/report.js';

const logger = pino({ level: 'silent' });
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const accounts = Number(process.env.BENCH_ACCOUNTS ?? 4000);
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const now = new Date('2026-11-24T15:00:00Z');

/** What each simulated debtor says, in order; the script restarts on a new conversation. */
const script = ['hola', '1234', 'cuánto debo?', 'puedo pagar en 3 cuotas', 'sí', 'gracias'];

async function seed(db: Database, count: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale)
     SELECT 'BD-' || g, 'Deudor ' || g, '10' || lpad(g::text, 6, '0') || '1234', 'CO', 'America/Bogota', 'es-CO'
       FROM generate_series(1, $1) g`,
    [count],
  );
  await db.pool.query(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, original_minor, due_date, product, segment)
     SELECT 'BA-' || substr(d.debtor_ref, 4), d.id, 'COP', 50000000 + (hashtext(d.debtor_ref) & 65535) * 1000, 60000000,
            DATE '2026-09-01' + (hashtext(d.debtor_ref) & 63), 'tarjeta de crédito', 'standard'
       FROM debtors d`,
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function run(label: string, db: Database): Promise<Record<string, number | string>> {
  await migrate(db.pool, logger);
  const seedStart = performance.now();
  await seed(db, accounts);
  const seedMs = performance.now() - seedStart;
  const deps: ConversationDeps = {
    store: new PostgresConversationStore(db.pool),
    understander: new RulesUnderstander(),
    bundle: await loadFlowBundle(packageRoot),
    clock: fixedClock(now),
    creditor: { name: 'Bench', paymentDetails: 'https://pagos.example.com' },
    defaultFlowId: 'default',
  };
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const ref = `BA-${(next++ % accounts) + 1}`;
      const conversationId: ConversationId = await openConversation(deps, {
        accountRef: ref,
        channel: 'web',
      });
      for (const text of script) {
        if (performance.now() >= deadline) return;
        const start = performance.now();
        await handleDebtorMessage(deps, { conversationId, text });
        latencies.push(performance.now() - start);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const result = {
    store: label,
    accounts,
    concurrency,
    turns: latencies.length,
    'turns/s': Math.round(latencies.length / elapsed),
    'p50 ms': Number(percentile(latencies, 50).toFixed(1)),
    'p99 ms': Number(percentile(latencies, 99).toFixed(1)),
    'seed s': Number((seedMs / 1000).toFixed(1)),
  };
  console.log(result);
  return result;
}

async function main(): Promise<void> {
  const results: Record<string, number | string>[] = [];
  const name = 'cuota_bench_engine';
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const db = await openDatabase(
      { kind: 'postgres', url: url.toString(), poolSize: concurrency },
      logger,
    );
    try {
      results.push(await run('postgresql', db));
    } finally {
      await db.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  const embedded = await openDatabase({ kind: 'pglite-memory' }, logger);
  try {
    results.push(await run('pglite (embedded)', embedded));
  } finally {
    await embedded.close();
  }
  await recordBenchmark('engine', {
    title: 'Conversation engine: rules-only turns, full path',
    description: `Each turn: lock the conversation row, load debtor and account, understand (rules), run the flow step, append the inbound message and the replies to the hash-chained transcript, write the action records (promise, plan, audit) and save the state, in one transaction. ${concurrency} debtors talk at once for ${seconds} s, each repeating: ${script.map((s) => `"${s}"`).join(', ')}.`,
    rows: results,
  });
  console.log(`cores: ${os.cpus().length}`);
}

await main();

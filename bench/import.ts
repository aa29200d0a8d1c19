/**
 * The import benchmark: generates a portfolio (cached under bench/out/), imports it into a
 * scratch PostgreSQL database (COPY + set-based merge) and into embedded PGlite, each three
 * times: first load (inserts), a revision with about half the balances changed (updates and
 * audit rows), and the same revision again (unchanged). Prints rows/s and peak RSS and writes
 * the import section of docs/benchmarks.md.
 *
 *   npm run bench:import
 *   BENCH_DATABASE_URL=postgres://... BENCH_ROWS=1000000 BENCH_PGLITE_ROWS=100000 npm run bench:import
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import { writeDemoPortfolioCsv } from '../src/adapters/cli/demo-data.js';
import { readPortfolioCsv } from '../src/adapters/csv/read-portfolio-csv.js';
import {
  openDatabase,
  type Database,
  type DatabaseTarget,
} from '../src/adapters/postgres/database.js';
import { migrate } from '../src/adapters/postgres/migrate.js';
import { createPortfolioStore } from '../src/adapters/postgres/portfolio-store.js';
import { systemClock } from '../src/adapters/system-clock.js';
import { importPortfolio } from '../src/app/import-portfolio.js';
import type { LocalDate } from '../src/domain/dates.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = path.join(root, 'bench/out');
const docsFile = path.join(root, 'docs/benchmarks.md');
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgRows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const pgliteRows = Number(process.env.BENCH_PGLITE_ROWS ?? 100_000);
const scratch = 'cuota_bench_import';
const seed = 42;
const asOf = '2025-06-30' as LocalDate;
const defaults = { country: 'CO', timeZone: 'America/Bogota', locale: 'es-419' };
const logger = pino({ level: 'warn' });

interface Phase {
  readonly store: string;
  readonly phase: string;
  readonly rows: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMb: number;
  /** Seconds spent rebuilding indexes a bulk load dropped (part of `seconds`), when it did. */
  readonly indexRebuildSeconds: number | undefined;
}

const number = new Intl.NumberFormat('en-US');

/** The generated file for `rows` accounts, made once and kept under bench/out/. */
async function portfolioFile(rows: number, revision: number): Promise<string> {
  const file = path.join(
    outDir,
    `portfolio-${rows}-seed${seed}-${asOf}${revision > 0 ? `-r${revision}` : ''}.csv`,
  );
  if (existsSync(file)) return file;
  await mkdir(outDir, { recursive: true });
  const started = performance.now();
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  await writeDemoPortfolioCsv({ accounts: rows, seed, asOf, refPrefix: 'BENCH', revision }, out);
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  await rename(partial, file);
  console.log(
    `generated ${path.relative(root, file)} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return file;
}

async function runImport(db: Database, store: string, phase: string, file: string): Promise<Phase> {
  global.gc?.();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  try {
    const input = await readPortfolioCsv(
      createReadStream(file, { highWaterMark: 1 << 18 }),
      path.basename(file),
    );
    const outcome = await importPortfolio(
      { store: createPortfolioStore(db), clock: systemClock, defaults },
      input,
    );
    if (!outcome.ok) throw new Error(`import failed: ${outcome.message}`);
    const seconds = (performance.now() - started) / 1000;
    const { read, inserted, updated, unchanged, rejected } = outcome.counts;
    if (rejected > 0) throw new Error(`${rejected} rows rejected`);
    const { rows: runs } = await db.pool.query<{ rebuild: string | null }>(
      "SELECT summary->>'indexRebuildSeconds' AS rebuild FROM imports WHERE id = $1",
      [outcome.importId],
    );
    const rebuild = runs[0]?.rebuild;
    const result: Phase = {
      store,
      phase,
      rows: read,
      inserted,
      updated,
      unchanged,
      seconds,
      rowsPerSecond: Math.round(read / seconds),
      peakRssMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024),
      indexRebuildSeconds: rebuild === null || rebuild === undefined ? undefined : Number(rebuild),
    };
    console.log(
      `${store.padEnd(10)} ${phase.padEnd(10)} ${number.format(read).padStart(9)} rows  ${seconds.toFixed(1).padStart(6)} s  ` +
        `${number.format(result.rowsPerSecond).padStart(7)} rows/s  inserted ${number.format(inserted)}  updated ${number.format(updated)}  ` +
        `unchanged ${number.format(unchanged)}  peak RSS ${result.peakRssMb} MB` +
        (result.indexRebuildSeconds === undefined
          ? ''
          : `  index rebuild ${result.indexRebuildSeconds} s`),
    );
    return result;
  } finally {
    clearInterval(sampler);
  }
}

async function runPhases(target: DatabaseTarget, store: string, rows: number): Promise<Phase[]> {
  const first = await portfolioFile(rows, 0);
  const revised = await portfolioFile(rows, 1);
  const db = await openDatabase(target, logger);
  try {
    await migrate(db.pool, logger);
    return [
      await runImport(db, store, 'insert', first),
      await runImport(db, store, 'update', revised),
      await runImport(db, store, 'unchanged', revised),
    ];
  } finally {
    await db.close();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function machine(): Promise<Record<string, string>> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  let nproc = String(os.availableParallelism());
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // nproc missing: keep Node's count.
  }
  const postgres = await admin(
    async (client) =>
      (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]
        ?.v ?? 'unknown',
  );
  const sharedBuffers = await admin(
    async (client) =>
      (await client.query<{ v: string }>("SELECT current_setting('shared_buffers') AS v")).rows[0]
        ?.v ?? '?',
  );
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpu: `${model} (nproc ${nproc})`,
    ram: `${Math.round(os.totalmem() / 1024 ** 3)} GiB`,
    node: process.version,
    postgres: `${postgres} (shared_buffers ${sharedBuffers}, default configuration)`,
    'load average at start': os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

function section(info: Record<string, string>, phases: readonly Phase[]): string {
  const lines = [
    '<!-- import-benchmark:start -->',
    '## Portfolio import (`npm run bench:import`)',
    '',
    `Generated by \`bench/import.ts\` on ${info.date}. The file is \`cuota demo-data\` output (seed ${seed}, as of ${asOf}): ` +
      '17 columns, mixed phone formats, six countries, about 1.15 accounts per debtor. Phases: `insert` loads it into an ' +
      'empty store; `update` imports a revision with about half the balances lowered (each change audited); `unchanged` ' +
      'imports that revision again. Times are wall clock for the whole pipeline (read, decode, parse, validate, phone ' +
      'normalisation, store); peak RSS is the benchmark process (for PGlite it includes the embedded database).',
    '',
    '| machine | |',
    '| --- | --- |',
    ...Object.entries(info).map(([key, value]) => `| ${key} | ${value} |`),
    '',
    '| store | phase | rows | seconds | rows/s | inserted | updated | unchanged | peak RSS | index rebuild |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...phases.map(
      (p) =>
        `| ${p.store} | ${p.phase} | ${number.format(p.rows)} | ${p.seconds.toFixed(1)} | ${number.format(p.rowsPerSecond)} | ` +
        `${number.format(p.inserted)} | ${number.format(p.updated)} | ${number.format(p.unchanged)} | ${p.peakRssMb} MB | ` +
        `${p.indexRebuildSeconds === undefined ? '' : `${p.indexRebuildSeconds.toFixed(1)} s`} |`,
    ),
    '',
    'How the import works and where the time goes (notes from profiling on this machine):',
    '',
    '- The pipeline streams: bytes are decoded as they arrive, a small RFC 4180 parser (which also knows ' +
      'the line each record starts on) yields records, rows are checked and sent in batches of 5,000; ' +
      'reading pauses while the store is busy. What grows with the file is only the set of account refs ' +
      'seen (to reject duplicates), about 100 bytes per row of live heap; the rest of the RSS is V8 ' +
      'collecting lazily (and, for PGlite, the embedded database).',
    '- Reading, decoding, parsing and checking rows (libphonenumber included, about a quarter of it) runs ' +
      'at about 65,000 rows/s on one core here when measured without a store; checking a row is synchronous ' +
      '(an async call per row cost a promise and a microtask each). The same thread builds the COPY text.',
    '- PostgreSQL: each batch is COPYed into a temporary table and merged set-based in one transaction whose ' +
      "statements travel as one query: debtors updated where changed and inserted where new (a debtor's lines " +
      'are merged by the importer, not by a GROUP BY), contact points added (deduplicated by the importer), ' +
      'accounts updated where changed and inserted, balance changes audited with INSERT ... SELECT. The old ' +
      "balance is read through a second reference to the row inside the UPDATE: joining the statement's CTEs " +
      'to each other had been a nested loop, quadratic per batch, which made the update phase slow. Two ' +
      'batches merge at once on two connections, rows partitioned by debtor so they never touch the same ' +
      'rows. New rows get time-ordered (v7) UUIDs so key indexes grow at their right edge.',
    '- Bulk loads: once a run has written 50,000 rows, and a quarter as many as the portfolio held when it ' +
      'began, the seven console search and sort indexes of migration 0002 are dropped (each definition ' +
      'recorded in `dropped_indexes` in the same transaction) and rebuilt when the run ends, two at a time ' +
      "with `maintenance_work_mem` 256MB (the index rebuild column; part of the run's seconds). Unique keys, " +
      'foreign keys and the indexes the bot uses while an import runs stay. A run that dies half-way leaves ' +
      'its record, and the next start-up (migrate) or import rebuilds the indexes.',
    '- Where the time still goes (perf on the two backends during the 1,000,000-row insert; CPU time from ' +
      '/proc): the backends used about 55 CPU-seconds and the importer about 25 for the million rows. ' +
      "Foreign-key checks are about 13% of the backends' time, text comparisons in the unique ref indexes " +
      '(under the database collation) about 9%, COPY about 4%, the rest index lookups and inserts and WAL. ' +
      'At about 80 CPU-seconds per million rows, 50,000 rows/s (20 s on two cores, 40 CPU-seconds) is out of ' +
      'reach on this 2-vCPU machine, which also runs the importer and, while this ran, other work (see the ' +
      'load averages); it needs the database on cores of its own.',
    '- PGlite cannot carry COPY over its socket, so a batch is staged with one `INSERT ... SELECT FROM ' +
      'unnest(...)` per part (debtors, contact points, accounts, each with its own columns); it has one ' +
      'connection, so batches merge one at a time.',
    '',
    '<!-- import-benchmark:end -->',
  ];
  return lines.join('\n');
}

async function writeSection(text: string): Promise<void> {
  let doc = existsSync(docsFile)
    ? await readFile(docsFile, 'utf8')
    : '# Benchmarks\n\nMeasured numbers, written by the benchmark scripts; each section is replaced when its script runs again.\n';
  const start = doc.indexOf('<!-- import-benchmark:start -->');
  const end = doc.indexOf('<!-- import-benchmark:end -->');
  if (start >= 0 && end > start) {
    doc = doc.slice(0, start) + text + doc.slice(end + '<!-- import-benchmark:end -->'.length);
  } else {
    doc = `${doc.trimEnd()}\n\n${text}\n`;
  }
  await mkdir(path.dirname(docsFile), { recursive: true });
  await writeFile(docsFile, doc);
}

const info = await machine();
console.log(
  Object.entries(info)
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n'),
);
const phases: Phase[] = [];

await admin((client) => client.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`));
await admin((client) => client.query(`CREATE DATABASE ${scratch}`));
try {
  phases.push(
    ...(await runPhases(
      { kind: 'postgres', url: withDatabase(adminUrl, scratch), poolSize: 4 },
      'PostgreSQL',
      pgRows,
    )),
  );
} finally {
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`));
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cuota-bench-pglite-'));
try {
  phases.push(...(await runPhases({ kind: 'pglite', dataDir }, 'PGlite', pgliteRows)));
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

info['load average at end'] = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
await writeSection(section(info, phases));
console.log(`wrote ${path.relative(root, docsFile)}`);

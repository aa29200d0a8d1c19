import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeDemoPortfolioCsv } from '../../../src/adapters/cli/demo-data.js';
import { readPortfolioCsv } from '../../../src/adapters/csv/read-portfolio-csv.js';
import {
  bulkLoadDroppableIndexes,
  dropIndexesForBulkLoad,
} from '../../../src/adapters/postgres/dropped-indexes.js';
import { migrate } from '../../../src/adapters/postgres/migrate.js';
import {
  createPortfolioStore,
  type PortfolioStoreOptions,
} from '../../../src/adapters/postgres/portfolio-store.js';
import { importPortfolio } from '../../../src/app/import-portfolio.js';
import type { LocalDate } from '../../../src/domain/dates.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { silentLogger } from '../../support/shared.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

const defaults = { country: 'CO', timeZone: 'America/Bogota', locale: 'es-419' };
let bulk: TestDatabase;
let rowByRow: TestDatabase;

beforeAll(async () => {
  bulk = await createTestDatabase();
  rowByRow = await createTestDatabase();
});

afterAll(async () => {
  await bulk.close();
  await rowByRow.close();
});

async function demoCsv(revision: number): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeDemoPortfolioCsv(
    { accounts: 240, seed: 7, asOf: '2025-06-30' as LocalDate, refPrefix: 'T', revision },
    out,
  );
  out.end();
  return Buffer.concat(chunks);
}

async function load(db: TestDatabase, csv: Buffer, options: PortfolioStoreOptions) {
  const outcome = await importPortfolio(
    {
      store: createPortfolioStore(db, options),
      clock: fixedClock(new Date('2025-06-30T15:00:00Z')),
      defaults,
    },
    await readPortfolioCsv(Readable.from([csv]), 'demo.csv'),
    { batchSize: 25 },
  );
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome;
}

/** Everything an import decides, without generated ids and clocks. */
async function portfolio(db: TestDatabase): Promise<unknown> {
  const { rows: accounts } = await db.pool.query(
    `SELECT a.account_ref, a.currency, a.balance_minor, a.original_minor, a.min_payment_minor, a.due_date::text,
            a.product, a.segment, d.debtor_ref, d.name, d.document_id, d.country, d.time_zone, d.locale,
            d.segment AS debtor_segment, d.tags,
            (SELECT array_agg(kind || ':' || value ORDER BY kind, value) FROM contact_points c WHERE c.debtor_id = d.id) AS contacts
     FROM accounts a JOIN debtors d ON d.id = a.debtor_id ORDER BY a.account_ref`,
  );
  const { rows: audits } = await db.pool.query(
    `SELECT a.account_ref, l.data - 'importId' AS data
     FROM audit_log l JOIN accounts a ON a.id::text = l.entity_id
     WHERE l.action = 'balance_changed' ORDER BY a.account_ref`,
  );
  return { accounts, audits };
}

async function indexNames(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>(
    `SELECT indexname AS name FROM pg_indexes WHERE indexname = ANY($1::text[]) ORDER BY 1`,
    [bulkLoadDroppableIndexes],
  );
  return rows.map((row) => row.name);
}

async function droppedRecords(db: TestDatabase): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM dropped_indexes',
  );
  return rows[0]?.n ?? -1;
}

describe(`portfolio store bulk loads on ${process.env.CUOTA_TEST_STORE ?? 'pglite'}`, () => {
  it('gives the same portfolio, counts and audit as a row-by-row load, and rebuilds its indexes', async () => {
    const first = await demoCsv(0);
    const revised = await demoCsv(1);
    const allIndexes = [...bulkLoadDroppableIndexes].sort();
    expect(await indexNames(bulk)).toEqual(allIndexes);

    const bulkRuns = [
      await load(bulk, first, { bulkLoadMinRows: 1 }),
      await load(bulk, revised, { bulkLoadMinRows: 1 }),
      await load(bulk, revised, { bulkLoadMinRows: 1 }),
    ];
    const plainRuns = [
      await load(rowByRow, first, { bulkLoadMinRows: Number.MAX_SAFE_INTEGER }),
      await load(rowByRow, revised, { bulkLoadMinRows: Number.MAX_SAFE_INTEGER }),
      await load(rowByRow, revised, { bulkLoadMinRows: Number.MAX_SAFE_INTEGER }),
    ];
    expect(bulkRuns.map((run) => run.counts)).toEqual(plainRuns.map((run) => run.counts));
    expect(bulkRuns[0]?.counts).toMatchObject({ read: 240, inserted: 240, rejected: 0 });
    expect(bulkRuns[1]?.counts.updated).toBeGreaterThan(0);
    expect(bulkRuns[2]?.counts).toMatchObject({ unchanged: 240 });
    expect(await portfolio(bulk)).toEqual(await portfolio(rowByRow));

    expect(await indexNames(bulk)).toEqual(allIndexes);
    expect(await droppedRecords(bulk)).toBe(0);
    // The first run wrote enough to turn into a bulk load; the unchanged one never did.
    const { rows: summaries } = await bulk.pool.query<{ summary: Record<string, unknown> }>(
      `SELECT summary FROM imports WHERE status = 'finished' ORDER BY started_at, rows_read`,
    );
    expect(summaries[0]?.summary.indexesRebuilt).toEqual(expect.arrayContaining(allIndexes));
    expect(summaries[2]?.summary.indexesRebuilt).toBeUndefined();
  });

  it('rebuilds the indexes of a bulk load that died half-way on the next start-up', async () => {
    const dropped = await dropIndexesForBulkLoad(bulk.pool, 'import:crashed');
    expect(dropped.sort()).toEqual([...bulkLoadDroppableIndexes].sort());
    expect(await indexNames(bulk)).toEqual([]);
    expect(await droppedRecords(bulk)).toBe(dropped.length);

    await migrate(bulk.pool, silentLogger);

    expect(await indexNames(bulk)).toEqual([...bulkLoadDroppableIndexes].sort());
    expect(await droppedRecords(bulk)).toBe(0);
  });

  it('rebuilds them when the next import starts, too', async () => {
    await dropIndexesForBulkLoad(bulk.pool, 'import:crashed');
    const store = createPortfolioStore(bulk);
    const importId = await store.startImport('next');
    expect(await indexNames(bulk)).toEqual([...bulkLoadDroppableIndexes].sort());
    await store.finishImport(importId, {
      status: 'failed',
      counts: { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 },
      summary: {},
    });
  });
});

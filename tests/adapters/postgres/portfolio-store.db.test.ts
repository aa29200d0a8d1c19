import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeDemoPortfolioCsv } from '../../../src/adapters/cli/demo-data.js';
import { readPortfolioCsv } from '../../../src/adapters/csv/read-portfolio-csv.js';
import {
  bulkLoadDroppableIndexes,
  dropIndexesForBulkLoad,
} from '../../../src/adapters/postgres/dropped-indexes.js';
import {
  bulkLoadLiftableForeignKeys,
  liftForeignKeysForBulkLoad,
  restoreLiftedForeignKeys,
} from '../../../src/adapters/postgres/lifted-foreign-keys.js';
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

async function importCsv(db: TestDatabase, csv: string) {
  const outcome = await importPortfolio(
    {
      store: createPortfolioStore(db),
      clock: fixedClock(new Date('2025-06-30T15:00:00Z')),
      defaults,
    },
    await readPortfolioCsv(Readable.from([Buffer.from(csv)]), 'inline.csv'),
  );
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome;
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

/** The liftable foreign keys in place, each with whether every row has been proven. */
async function foreignKeys(db: TestDatabase): Promise<Record<string, boolean>> {
  const { rows } = await db.pool.query<{ name: string; is_valid: boolean }>(
    `SELECT conname AS name, convalidated AS is_valid FROM pg_constraint
     WHERE conname = ANY($1::text[]) AND contype = 'f' ORDER BY 1`,
    [bulkLoadLiftableForeignKeys],
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.is_valid]));
}

const allForeignKeysValid = Object.fromEntries(
  [...bulkLoadLiftableForeignKeys].sort().map((name) => [name, true]),
);

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
    expect(summaries[0]?.summary.foreignKeysValidated).toEqual(
      expect.arrayContaining([...bulkLoadLiftableForeignKeys]),
    );
    expect(await foreignKeys(bulk)).toEqual(allForeignKeysValid);
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

  it('restores and validates the foreign keys of a bulk load that died half-way on the next start-up', async () => {
    expect(await liftForeignKeysForBulkLoad(bulk.pool, 'import:crashed')).toEqual([
      ...bulkLoadLiftableForeignKeys,
    ]);
    expect(await foreignKeys(bulk)).toEqual({});

    await migrate(bulk.pool, silentLogger);

    expect(await foreignKeys(bulk)).toEqual(allForeignKeysValid);
    const { rows } = await bulk.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM lifted_foreign_keys',
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('refuses to forget a lifted foreign key that a row breaks, and keeps it in force for new rows', async () => {
    await liftForeignKeysForBulkLoad(bulk.pool, 'import:crashed');
    const orphanDebtor = '00000000-0000-4000-8000-000000000001';
    await bulk.pool.query(
      `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date)
       VALUES ('ORPHAN-1', $1, 'COP', 100, '2025-01-01')`,
      [orphanDebtor],
    );

    await expect(restoreLiftedForeignKeys(bulk.pool)).rejects.toThrow(/accounts_debtor_id_fkey/);

    expect(await foreignKeys(bulk)).toMatchObject({ accounts_debtor_id_fkey: false });
    await expect(
      bulk.pool.query(
        `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date)
         VALUES ('ORPHAN-2', $1, 'COP', 100, '2025-01-01')`,
        [orphanDebtor],
      ),
    ).rejects.toMatchObject({ code: '23503' });
    const { rows } = await bulk.pool.query<{ name: string }>(
      'SELECT name FROM lifted_foreign_keys ORDER BY name',
    );
    expect(rows.map((row) => row.name)).toContain('accounts_debtor_id_fkey');

    await bulk.pool.query(`DELETE FROM accounts WHERE account_ref = 'ORPHAN-1'`);
    await restoreLiftedForeignKeys(bulk.pool);
    expect(await foreignKeys(bulk)).toEqual(allForeignKeysValid);
  });

  (process.env.TEST_DATABASE_URL ? it : it.skip)(
    'keeps the foreign keys when the tables stay locked, rather than stall the bot',
    async () => {
      const holder = await bulk.pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE accounts IN ACCESS SHARE MODE');
        expect(await liftForeignKeysForBulkLoad(bulk.pool, 'import:blocked')).toEqual([]);
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
      expect(await foreignKeys(bulk)).toEqual(allForeignKeysValid);
    },
  );

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

  it('writes new rows as they are and merges known ones, in one batch', async () => {
    const header =
      'account_ref,debtor_ref,name,phone,email,currency,balance,due_date,tags,segment\n';
    const before = await importCsv(
      bulk,
      header +
        'MX-1,MXD-1,Ana Ruiz,+573001112233,,COP,1000,2025-05-01,a|b,retail\n' +
        'MX-2,MXD-2,Luis Paz,+573001112244,,COP,2000,2025-05-02,,\n',
    );
    expect(before.counts).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    // One batch: a known account changes, a known debtor gains an account and an e-mail, a
    // known account moves to a new debtor, and a new debtor brings a new account.
    const after = await importCsv(
      bulk,
      header +
        'MX-1,MXD-1,Ana Ruiz,+573001112233,ana@example.com,COP,900,2025-05-01,,\n' +
        'MX-3,MXD-1,Ana Ruiz,+573001112233,,COP,300,2025-06-01,,\n' +
        'MX-2,MXD-3,Eva Paz,+573001112255,,COP,2000,2025-05-02,"x ""y"",{z}",\n' +
        'MX-4,MXD-4,Leo Sol,+573001112266,,COP,400,2025-06-04,,\n',
    );
    expect(after.counts).toMatchObject({ inserted: 2, updated: 2, unchanged: 0 });
    const { rows } = await bulk.pool.query(
      `SELECT a.account_ref, a.balance_minor, d.debtor_ref, d.name, d.tags, d.segment,
              (SELECT array_agg(kind || ':' || value ORDER BY kind, value) FROM contact_points c WHERE c.debtor_id = d.id) AS contacts
       FROM accounts a JOIN debtors d ON d.id = a.debtor_id WHERE a.account_ref LIKE 'MX-%' ORDER BY a.account_ref`,
    );
    const ana = ['email:ana@example.com', 'phone:+573001112233'];
    expect(rows).toEqual([
      {
        account_ref: 'MX-1',
        balance_minor: 90000,
        debtor_ref: 'MXD-1',
        name: 'Ana Ruiz',
        tags: ['a', 'b'],
        segment: 'retail',
        contacts: ana,
      },
      {
        account_ref: 'MX-2',
        balance_minor: 200000,
        debtor_ref: 'MXD-3',
        name: 'Eva Paz',
        tags: ['x "y"', '{z}'],
        segment: null,
        contacts: ['phone:+573001112255'],
      },
      {
        account_ref: 'MX-3',
        balance_minor: 30000,
        debtor_ref: 'MXD-1',
        name: 'Ana Ruiz',
        tags: ['a', 'b'],
        segment: 'retail',
        contacts: ana,
      },
      {
        account_ref: 'MX-4',
        balance_minor: 40000,
        debtor_ref: 'MXD-4',
        name: 'Leo Sol',
        tags: [],
        segment: null,
        contacts: ['phone:+573001112266'],
      },
    ]);
  });

  (process.env.TEST_DATABASE_URL ? it : it.skip)(
    'merges a batch whose new debtor another writer added first (issue 2)',
    async () => {
      const rival = await bulk.pool.connect();
      try {
        await rival.query('BEGIN');
        await rival.query(
          `INSERT INTO debtors (debtor_ref, name, time_zone, locale) VALUES ('RACE-D1', 'Old Name', 'America/Bogota', 'es-419')`,
        );
        const importing = importCsv(
          bulk,
          'account_ref,debtor_ref,name,phone,currency,balance,due_date\n' +
            'RACE-1,RACE-D1,Nueva Persona,+573001119999,COP,5000,2025-05-01\n',
        );
        // The import saw no RACE-D1, so its insert now waits on the rival's uncommitted row.
        let isWaiting = false;
        for (let i = 0; i < 200 && !isWaiting; i += 1) {
          const { rows } = await bulk.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'COPY debtors%'`,
          );
          isWaiting = (rows[0]?.n ?? 0) > 0;
          if (!isWaiting) await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(isWaiting).toBe(true);
        await rival.query('COMMIT');
        const outcome = await importing;
        expect(outcome.counts).toMatchObject({ inserted: 1, rejected: 0 });
      } finally {
        rival.release();
      }
      const { rows } = await bulk.pool.query(
        `SELECT d.name, a.balance_minor, (SELECT count(*)::int FROM debtors WHERE debtor_ref = 'RACE-D1') AS debtors
         FROM accounts a JOIN debtors d ON d.id = a.debtor_id WHERE a.account_ref = 'RACE-1'`,
      );
      expect(rows).toEqual([{ name: 'Nueva Persona', balance_minor: 500000, debtors: 1 }]);
    },
  );
});

import { randomFillSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { PortfolioRow } from '../../domain/portfolio/row.js';
import type { BatchOutcome, ImportCounts, PortfolioStore } from '../../ports/portfolio-store.js';
import { withTransaction, type Database } from './database.js';

/**
 * Per-connection staging tables, emptied at every commit. `tags` is the row's tags joined with
 * '|' (a tag never contains one); `resolved_*` is what a new debtor gets when the file said
 * nothing, the bare column what the file said.
 */
const createStaging = /* sql */ `
CREATE TEMP TABLE IF NOT EXISTS cuota_import_staging (
  line integer NOT NULL,
  account_ref text NOT NULL,
  debtor_ref text NOT NULL,
  name text NOT NULL,
  phone text NOT NULL,
  currency text NOT NULL,
  balance_minor bigint NOT NULL,
  due_date date NOT NULL,
  email text,
  document_id text,
  country text,
  resolved_country text,
  time_zone text,
  resolved_time_zone text NOT NULL,
  locale text,
  resolved_locale text NOT NULL,
  product text,
  original_minor bigint,
  min_payment_minor bigint,
  segment text,
  telegram_id text,
  tags text,
  new_debtor_id uuid NOT NULL,
  new_account_id uuid NOT NULL
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS cuota_import_changed (debtor_id uuid NOT NULL) ON COMMIT DELETE ROWS;`;

const stagingColumns = [
  ['line', 'int'],
  ['account_ref', 'text'],
  ['debtor_ref', 'text'],
  ['name', 'text'],
  ['phone', 'text'],
  ['currency', 'text'],
  ['balance_minor', 'bigint'],
  ['due_date', 'date'],
  ['email', 'text'],
  ['document_id', 'text'],
  ['country', 'text'],
  ['resolved_country', 'text'],
  ['time_zone', 'text'],
  ['resolved_time_zone', 'text'],
  ['locale', 'text'],
  ['resolved_locale', 'text'],
  ['product', 'text'],
  ['original_minor', 'bigint'],
  ['min_payment_minor', 'bigint'],
  ['segment', 'text'],
  ['telegram_id', 'text'],
  ['tags', 'text'],
  ['new_debtor_id', 'uuid'],
  ['new_account_id', 'uuid'],
] as const;

type StagingValue = string | number | null;

/** A row as staging columns, in {@link stagingColumns} order. */
function stagingValues(
  row: PortfolioRow,
  newDebtorId: string,
  newAccountId: string,
): StagingValue[] {
  return [
    row.line,
    row.accountRef,
    row.debtorRef,
    row.name,
    row.phone,
    row.currency,
    row.balance,
    row.dueDate,
    row.email ?? null,
    row.documentId ?? null,
    row.explicitCountry ?? null,
    row.resolvedCountry ?? null,
    row.explicitTimeZone ?? null,
    row.resolvedTimeZone,
    row.explicitLocale ?? null,
    row.resolvedLocale,
    row.product ?? null,
    row.originalAmount ?? null,
    row.minPayment ?? null,
    row.segment ?? null,
    row.telegramId ?? null,
    row.tags === undefined ? null : row.tags.join('|'),
    newDebtorId,
    newAccountId,
  ];
}

const copySpecial = /[\\\t\n\r]/;
const copySpecialAll = /[\\\t\n\r]/g;
const copyEscapes: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

/** One value in COPY's text format. */
function copyValue(value: StagingValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return copySpecial.test(value)
    ? value.replace(copySpecialAll, (c) => copyEscapes[c] ?? c)
    : value;
}

const copyStaging = `COPY cuota_import_staging (${stagingColumns.map(([name]) => name).join(', ')}) FROM STDIN`;
const insertStaging =
  `INSERT INTO cuota_import_staging (${stagingColumns.map(([name]) => name).join(', ')}) ` +
  `SELECT * FROM unnest(${stagingColumns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})`;

/**
 * The batch's debtors, one row each: per column the value of the last line that has one (a
 * blank cell keeps what an earlier line, or the store, says).
 */
const batchDebtors = /* sql */ `
SELECT debtor_ref,
       (array_agg(name ORDER BY line DESC))[1] AS name,
       (array_agg(document_id ORDER BY line DESC) FILTER (WHERE document_id IS NOT NULL))[1] AS document_id,
       (array_agg(country ORDER BY line DESC) FILTER (WHERE country IS NOT NULL))[1] AS country,
       (array_agg(resolved_country ORDER BY line DESC) FILTER (WHERE resolved_country IS NOT NULL))[1] AS resolved_country,
       (array_agg(time_zone ORDER BY line DESC) FILTER (WHERE time_zone IS NOT NULL))[1] AS time_zone,
       (array_agg(resolved_time_zone ORDER BY line DESC))[1] AS resolved_time_zone,
       (array_agg(locale ORDER BY line DESC) FILTER (WHERE locale IS NOT NULL))[1] AS locale,
       (array_agg(resolved_locale ORDER BY line DESC))[1] AS resolved_locale,
       (array_agg(segment ORDER BY line DESC) FILTER (WHERE segment IS NOT NULL))[1] AS segment,
       string_to_array((array_agg(tags ORDER BY line DESC) FILTER (WHERE tags IS NOT NULL))[1], '|') AS tags,
       (array_agg(new_debtor_id ORDER BY line DESC))[1] AS new_debtor_id
FROM cuota_import_staging GROUP BY debtor_ref`;

/** Updates debtors whose values changed; blanks keep what is stored. */
const updateDebtors = /* sql */ `
WITH b AS (${batchDebtors}), changed AS (
  UPDATE debtors d SET
    name = b.name,
    document_id = COALESCE(b.document_id, d.document_id),
    country = COALESCE(b.country, d.country, b.resolved_country),
    time_zone = COALESCE(b.time_zone, d.time_zone),
    locale = COALESCE(b.locale, d.locale),
    segment = COALESCE(b.segment, d.segment),
    tags = COALESCE(b.tags, d.tags),
    updated_at = now()
  FROM b
  WHERE d.debtor_ref = b.debtor_ref
    AND (d.name, d.document_id, d.country, d.time_zone, d.locale, d.segment, d.tags) IS DISTINCT FROM
        (b.name, COALESCE(b.document_id, d.document_id), COALESCE(b.country, d.country, b.resolved_country),
         COALESCE(b.time_zone, d.time_zone), COALESCE(b.locale, d.locale), COALESCE(b.segment, d.segment), COALESCE(b.tags, d.tags))
  RETURNING d.id
)
INSERT INTO cuota_import_changed (debtor_id) SELECT id FROM changed`;

/** Inserts new debtors with the resolved zone, locale and country. */
const insertDebtors = /* sql */ `
WITH b AS (${batchDebtors})
INSERT INTO debtors (id, debtor_ref, name, document_id, country, time_zone, locale, segment, tags)
SELECT new_debtor_id, debtor_ref, name, document_id, COALESCE(country, resolved_country), COALESCE(time_zone, resolved_time_zone),
       COALESCE(locale, resolved_locale), segment, COALESCE(tags, '{}')
FROM b
WHERE NOT EXISTS (SELECT 1 FROM debtors d WHERE d.debtor_ref = b.debtor_ref)
ORDER BY debtor_ref
ON CONFLICT (debtor_ref) DO NOTHING`;

/** Adds contact points a debtor does not have yet; existing ones (and their consent) stay. */
const insertContactPoints = /* sql */ `
WITH added AS (
  INSERT INTO contact_points (debtor_id, kind, value)
  SELECT DISTINCT d.id, c.kind, c.value
  FROM cuota_import_staging s
  JOIN debtors d ON d.debtor_ref = s.debtor_ref
  CROSS JOIN LATERAL (VALUES ('phone', s.phone), ('email', s.email), ('telegram', s.telegram_id)) AS c (kind, value)
  WHERE c.value IS NOT NULL
  ON CONFLICT (debtor_id, kind, value) DO NOTHING
  RETURNING debtor_id
)
INSERT INTO cuota_import_changed (debtor_id) SELECT DISTINCT debtor_id FROM added`;

/**
 * Merges accounts: updates those that changed (an UPDATE with the change test in its WHERE
 * leaves unchanged rows untouched, where ON CONFLICT DO UPDATE would lock each one), inserts
 * new ones, audits balance changes against the pre-statement snapshot (every CTE sees the same
 * one), and counts the batch's rows. Blank optional values keep what is stored.
 */
const mergeAccounts = /* sql */ `
WITH s AS (
  SELECT s.*, d.id AS debtor_id FROM cuota_import_staging s JOIN debtors d ON d.debtor_ref = s.debtor_ref
), old AS (
  SELECT a.id, a.balance_minor, a.currency FROM accounts a JOIN s ON s.account_ref = a.account_ref
), updated AS (
  UPDATE accounts a SET
    debtor_id = s.debtor_id,
    currency = s.currency,
    balance_minor = s.balance_minor,
    original_minor = COALESCE(s.original_minor, a.original_minor),
    min_payment_minor = COALESCE(s.min_payment_minor, a.min_payment_minor),
    due_date = s.due_date,
    product = COALESCE(s.product, a.product),
    segment = COALESCE(s.segment, a.segment),
    updated_at = now()
  FROM s
  WHERE a.account_ref = s.account_ref
    AND (a.debtor_id, a.currency, a.balance_minor, a.original_minor, a.min_payment_minor, a.due_date, a.product, a.segment) IS DISTINCT FROM
        (s.debtor_id, s.currency, s.balance_minor, COALESCE(s.original_minor, a.original_minor), COALESCE(s.min_payment_minor, a.min_payment_minor),
         s.due_date, COALESCE(s.product, a.product), COALESCE(s.segment, a.segment))
  RETURNING a.id, a.account_ref, a.balance_minor, a.currency
), inserted AS (
  INSERT INTO accounts (id, account_ref, debtor_id, currency, balance_minor, original_minor, min_payment_minor, due_date, product, segment)
  SELECT s.new_account_id, s.account_ref, s.debtor_id, s.currency, s.balance_minor, s.original_minor, s.min_payment_minor, s.due_date, s.product, s.segment
  FROM s
  WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.account_ref = s.account_ref)
  ON CONFLICT (account_ref) DO NOTHING
  RETURNING account_ref
), audited AS (
  INSERT INTO audit_log (actor, action, entity_type, entity_id, data)
  SELECT 'import', 'balance_changed', 'account', u.id::text,
         jsonb_build_object('from', old.balance_minor, 'to', u.balance_minor, 'currency', u.currency, 'importId', $1::text)
           || CASE WHEN old.currency <> u.currency THEN jsonb_build_object('fromCurrency', old.currency) ELSE '{}'::jsonb END
  FROM updated u JOIN old ON old.id = u.id
  WHERE old.balance_minor <> u.balance_minor OR old.currency <> u.currency
)
SELECT (SELECT count(*) FROM inserted)::int AS inserted,
       (SELECT count(*) FROM s
         WHERE s.account_ref IN (SELECT account_ref FROM updated)
            OR (s.debtor_id IN (SELECT debtor_id FROM cuota_import_changed)
                AND s.account_ref NOT IN (SELECT account_ref FROM inserted)))::int AS updated`;

const hexByte = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * `count` UUIDs laid out as version 7 (RFC 9562): 48 bits of Unix milliseconds, then random
 * bits. Rows an import creates get ids in creation order, so primary- and foreign-key index
 * inserts land on the rightmost pages instead of a random page per row. Made here rather than
 * in SQL because the database is the import's bottleneck; still a plain uuid to everyone else.
 */
export function timeOrderedIds(count: number, nowMs: number): string[] {
  const bytes = randomFillSync(Buffer.allocUnsafe(16 * count));
  const ids = new Array<string>(count);
  const high = Math.floor(nowMs / 2 ** 16);
  const low = nowMs % 2 ** 16;
  for (let i = 0; i < count; i += 1) {
    const o = i * 16;
    bytes.writeUInt32BE(high >>> 0, o);
    bytes.writeUInt16BE(low, o + 4);
    bytes[o + 6] = 0x70 | ((bytes[o + 6] as number) & 0x0f);
    bytes[o + 8] = 0x80 | ((bytes[o + 8] as number) & 0x3f);
    let id = '';
    for (let k = 0; k < 16; k += 1) {
      if (k === 4 || k === 6 || k === 8 || k === 10) id += '-';
      id += hexByte[bytes[o + k] as number] as string;
    }
    ids[i] = id;
  }
  return ids;
}

async function loadStaging(
  db: Database,
  client: pg.PoolClient,
  rows: readonly PortfolioRow[],
): Promise<void> {
  const ids = timeOrderedIds(rows.length * 2, Date.now());
  const valuesOf = (i: number): StagingValue[] =>
    stagingValues(rows[i] as PortfolioRow, ids[2 * i] as string, ids[2 * i + 1] as string);
  if (db.supportsCopy) {
    const lines: string[] = new Array<string>(rows.length);
    for (let i = 0; i < rows.length; i += 1) lines[i] = valuesOf(i).map(copyValue).join('\t');
    await pipeline(Readable.from([`${lines.join('\n')}\n`]), client.query(copyFrom(copyStaging)));
    return;
  }
  // pglite-socket cannot carry COPY FROM STDIN: one array per column, zipped by unnest.
  const columns: StagingValue[][] = stagingColumns.map(() => new Array<StagingValue>(rows.length));
  for (let i = 0; i < rows.length; i += 1) {
    const values = valuesOf(i);
    for (let c = 0; c < values.length; c += 1)
      (columns[c] as StagingValue[])[i] = values[c] as StagingValue;
  }
  await client.query(insertStaging, columns);
}

/**
 * The portfolio store on PostgreSQL or PGlite. A batch is staged (COPY on PostgreSQL, unnest
 * arrays on PGlite) into a temporary table and merged set-based in one transaction. Commits
 * use `synchronous_commit = off`: a crash can lose the last batches of a run, never corrupt
 * them, and re-running an import is idempotent.
 */
export function createPortfolioStore(db: Database): PortfolioStore {
  return {
    // Merging is CPU-bound in the database: two backends on PostgreSQL, PGlite has one connection.
    parallelism: db.kind === 'postgres' ? Math.max(1, Math.min(2, db.pool.options.max ?? 1)) : 1,

    async startImport(source) {
      const { rows } = await db.pool.query<{ id: string }>(
        'INSERT INTO imports (source) VALUES ($1) RETURNING id',
        [source],
      );
      return (rows[0] as { id: string }).id;
    },

    async writeBatch(importId, rows): Promise<BatchOutcome> {
      if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
      return withTransaction(db.pool, async (client) => {
        // A batch is small and every table it meets is indexed on the join key: index lookups
        // always win, but with a staging table the planner has no statistics for (and stale
        // ones for tables an import is growing) it may pick a hash join over a full scan.
        await client.query(
          'SET LOCAL synchronous_commit = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off',
        );
        await client.query(createStaging);
        await loadStaging(db, client, rows);
        await client.query(updateDebtors);
        await client.query(insertDebtors);
        await client.query(insertContactPoints);
        const { rows: result } = await client.query<{
          inserted: number;
          updated: number;
          total: number;
        }>(mergeAccounts, [importId]);
        const { inserted, updated } = result[0] as { inserted: number; updated: number };
        return { inserted, updated, unchanged: rows.length - inserted - updated };
      });
    },

    async finishImport(
      importId,
      {
        status,
        counts,
        summary,
      }: {
        status: 'finished' | 'failed';
        counts: ImportCounts;
        summary: Readonly<Record<string, unknown>>;
      },
    ) {
      await db.pool.query(
        `UPDATE imports SET status = $2, finished_at = now(), rows_read = $3, inserted = $4, updated = $5, unchanged = $6, rejected = $7, summary = $8::jsonb
         WHERE id = $1`,
        [
          importId,
          status,
          counts.read,
          counts.inserted,
          counts.updated,
          counts.unchanged,
          counts.rejected,
          JSON.stringify(summary),
        ],
      );
    },

    async countAccounts() {
      const { rows } = await db.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM accounts',
      );
      return rows[0]?.n ?? 0;
    },
  };
}

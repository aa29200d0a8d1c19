import type pg from 'pg';
import { workThroughRecords } from './work-through-records.js';

/**
 * The foreign keys a bulk load may lift: from the rows an import writes to their debtor. Only
 * the import writes these columns, and it takes every debtor id from a debtor row it read or
 * wrote in the same transaction; nothing deletes debtors. Checking each row costs a locking
 * probe of `debtors` (about 6 microseconds here, a third of a first load's database time);
 * validating the whole table once at the end costs a second per million rows. Foreign keys
 * that point at accounts and debtors from conversations, payments, promises and the rest stay.
 */
export const bulkLoadLiftableForeignKeys: readonly string[] = [
  'accounts_debtor_id_fkey',
  'contact_points_debtor_id_fkey',
];

/** How long lifting waits for a table lock before the load goes on with its checks instead. */
const liftLockTimeout = '2s';

/**
 * Lifts the liftable foreign keys that are in force, recording each definition in
 * `lifted_foreign_keys` in the same transaction, so a crash can never lose one. Returns the
 * names lifted: none when another transaction holds the tables for longer than
 * {@link liftLockTimeout} (a bulk load is an optimisation, not worth stalling the bot for).
 */
export async function liftForeignKeysForBulkLoad(
  pool: pg.Pool,
  liftedBy: string,
): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query(`BEGIN; SET LOCAL lock_timeout = '${liftLockTimeout}'`);
    const { rows } = await client.query<{ name: string; table_name: string }>(
      `INSERT INTO lifted_foreign_keys (name, table_name, definition, lifted_by)
       SELECT c.conname, t.relname, pg_get_constraintdef(c.oid), $2
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       WHERE c.conname = ANY($1::text[]) AND c.contype = 'f' AND c.convalidated
         AND t.relnamespace = to_regnamespace(current_schema())
       ORDER BY t.relname, c.conname
       ON CONFLICT (name) DO NOTHING
       RETURNING name, table_name`,
      [bulkLoadLiftableForeignKeys, liftedBy],
    );
    for (const row of rows) {
      await client.query(
        `ALTER TABLE ${client.escapeIdentifier(row.table_name)} DROP CONSTRAINT ${client.escapeIdentifier(row.name)}`,
      );
    }
    await client.query('COMMIT');
    return rows.map((row) => row.name);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (isLockTimeout(err)) return [];
    throw err;
  } finally {
    client.release();
  }
}

const isLockTimeout = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && 'code' in err && err.code === '55P03';

/** An arbitrary constant: the advisory lock under which lifted keys are put back. */
const RESTORE_LOCK = 4_242_018;

/** Whether the recorded constraint `l.name` exists (in any state) on its table. */
const isPresent = /* sql */ `EXISTS (
  SELECT 1 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
  WHERE c.conname = l.name AND t.relname = l.table_name
    AND t.relnamespace = to_regnamespace(current_schema()))`;

/**
 * Restores every foreign key recorded in `lifted_foreign_keys`. First each is added back NOT
 * VALID, in force for every new row from then on (one short transaction, under an advisory lock
 * so two restorers never add one twice); then, on up to `connections` connections at once, each
 * is VALIDATEd, which proves every stored row without blocking writes, in the same transaction
 * as its record's deletion. A row without its debtor fails the validation loudly and keeps the
 * record, so the next start-up tries again rather than forget. Idempotent and safe from several
 * processes at once. Returns the names restored.
 */
export async function restoreLiftedForeignKeys(pool: pg.Pool, connections = 1): Promise<string[]> {
  const adder = await pool.connect();
  try {
    await adder.query('BEGIN');
    await adder.query('SELECT pg_advisory_xact_lock($1)', [RESTORE_LOCK]);
    const { rows } = await adder.query<{ name: string; table_name: string; definition: string }>(
      `SELECT l.name, l.table_name, l.definition FROM lifted_foreign_keys l
       WHERE NOT ${isPresent} ORDER BY l.name`,
    );
    for (const record of rows) {
      await adder.query(
        `ALTER TABLE ${adder.escapeIdentifier(record.table_name)} ADD CONSTRAINT ` +
          `${adder.escapeIdentifier(record.name)} ${record.definition} NOT VALID`,
      );
    }
    await adder.query('COMMIT');
  } catch (err) {
    await adder.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    adder.release();
  }

  return workThroughRecords<{ name: string; table_name: string }>(
    pool,
    connections,
    `SELECT l.name, l.table_name FROM lifted_foreign_keys l WHERE ${isPresent}
     ORDER BY l.name LIMIT 1 FOR UPDATE SKIP LOCKED`,
    async (client, record) => {
      await client.query(
        `ALTER TABLE ${client.escapeIdentifier(record.table_name)} VALIDATE CONSTRAINT ` +
          client.escapeIdentifier(record.name),
      );
      await client.query('DELETE FROM lifted_foreign_keys WHERE name = $1', [record.name]);
    },
  );
}

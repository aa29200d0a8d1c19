import type pg from 'pg';
import { workThroughRecords } from './work-through-records.js';

/**
 * The indexes a bulk load may drop: those behind the REST API's list sorts and searches
 * (migration 0002). Uniqueness, primary keys, foreign keys and the indexes the bot needs while
 * an import runs (a debtor's accounts, a contact point's owner) always stay, so a bulk load
 * changes how fast the console lists are, never what any query returns.
 */
export const bulkLoadDroppableIndexes: readonly string[] = [
  'debtors_name_words',
  'debtors_tags',
  'debtors_name_lower',
  'debtors_ref_lower',
  'accounts_ref_lower',
  'accounts_balance_id',
  'accounts_due_date_id',
];

/** Memory for one index build; the server's default (64 MB) spills a million-row sort to disk. */
const buildMemory = '256MB';

/**
 * Drops the droppable indexes that exist, recording each definition in `dropped_indexes` in
 * the same transaction, so a crash can never lose one. Returns the names dropped. Takes an
 * ACCESS EXCLUSIVE lock on each table for the moment of the drop only.
 */
export async function dropIndexesForBulkLoad(pool: pg.Pool, droppedBy: string): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ name: string }>(
      `INSERT INTO dropped_indexes (name, table_name, definition, dropped_by)
       SELECT i.relname, t.relname, pg_get_indexdef(i.oid), $2
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       WHERE i.relname = ANY($1::text[]) AND i.relnamespace = to_regnamespace(current_schema())
         AND x.indisvalid AND NOT x.indisunique
       ORDER BY t.relname, i.relname
       ON CONFLICT (name) DO NOTHING
       RETURNING name`,
      [bulkLoadDroppableIndexes, droppedBy],
    );
    if (rows.length > 0)
      await client.query(
        `DROP INDEX ${rows.map((row) => client.escapeIdentifier(row.name)).join(', ')}`,
      );
    await client.query('COMMIT');
    return rows.map((row) => row.name);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Rebuilds every index recorded in `dropped_indexes`, on up to `connections` connections at
 * once, each build in its own transaction with its record's deletion. Idempotent and safe to
 * run from several processes at once (a record being rebuilt is skipped by the others, and the
 * definition runs as CREATE INDEX IF NOT EXISTS). Runs after a bulk import, at the start of
 * every import and on start-up (migrate), so an import that died half-way heals itself.
 * Returns the names rebuilt.
 */
export async function rebuildDroppedIndexes(pool: pg.Pool, connections = 1): Promise<string[]> {
  return workThroughRecords<{ name: string; definition: string }>(
    pool,
    connections,
    // GIN builds take longest: start them first so the connections finish together.
    `SELECT name, definition FROM dropped_indexes
     ORDER BY definition LIKE '% USING gin %' DESC, name
     LIMIT 1 FOR UPDATE SKIP LOCKED`,
    async (client, record) => {
      await client.query(`SET LOCAL maintenance_work_mem = '${buildMemory}'`);
      await client.query(
        record.definition.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS '),
      );
      await client.query('DELETE FROM dropped_indexes WHERE name = $1', [record.name]);
    },
  );
}

import type pg from 'pg';
import type { Logger } from 'pino';
import { rebuildDroppedIndexes } from './dropped-indexes.js';
import { restoreLiftedForeignKeys } from './lifted-foreign-keys.js';
import { migrations } from './migrations/index.js';

/** An arbitrary constant: the advisory lock that serialises concurrent migrators. */
const MIGRATION_LOCK = 4_242_017;

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so
 * two processes starting together do not race. Returns the ids applied.
 */
export async function migrate(pool: pg.Pool, logger: Logger): Promise<number[]> {
  const applied: number[] = [];
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set(
      (await client.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map(
        (r) => r.id,
      ),
    );
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [
          migration.id,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      applied.push(migration.id);
      logger.info({ migration: migration.id, migrationName: migration.name }, 'db.migrated');
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  // Foreign keys and indexes a bulk import set aside and did not live to restore (see
  // lifted-foreign-keys.ts and dropped-indexes.ts).
  const restored = await restoreLiftedForeignKeys(pool);
  if (restored.length > 0) logger.warn({ foreignKeys: restored }, 'db.foreign_keys_restored');
  const rebuilt = await rebuildDroppedIndexes(pool);
  if (rebuilt.length > 0) logger.warn({ indexes: rebuilt }, 'db.indexes_rebuilt');
  return applied;
}

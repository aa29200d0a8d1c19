import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/adapters/postgres/database.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { silentLogger, templateName, withDatabase } from './shared.js';

export interface TestDatabase extends Database {
  /** Which store this suite runs against: PostgreSQL when TEST_DATABASE_URL is set. */
  readonly label: string;
}

/**
 * A fresh, migrated store for one test file. With TEST_DATABASE_URL, a database cloned from the
 * run's template on that PostgreSQL server; without, an in-memory PGlite behind pglite-socket:
 * the same code path production uses in embedded mode.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const db = await openDatabase({ kind: 'pglite-memory' }, silentLogger);
    await migrate(db.pool, silentLogger);
    return { ...db, label: 'pglite' };
  }
  const name = `${templateName()}_f${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateName()}`);
  } finally {
    await admin.end();
  }
  const db = await openDatabase(
    { kind: 'postgres', url: withDatabase(url, name), poolSize: 5 },
    silentLogger,
  );
  return {
    ...db,
    label: 'postgresql',
    close: async () => {
      await db.close();
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

// Against PostgreSQL, migrate one template database per run; every test file then gets its own
// database cloned from it (CREATE DATABASE ... TEMPLATE), Immich's pattern. Against PGlite each
// file opens its own in-memory store, so there is nothing to prepare.
// Plain JS because jest loads global setup outside its transform; tsx loads the TypeScript.
import pg from 'pg';
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const { migrate } = await tsImport('../../src/adapters/postgres/migrate.ts', import.meta.url);
  const { silentLogger, templateName, withDatabase } = await tsImport(
    './shared.ts',
    import.meta.url,
  );
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const template = templateName();
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${template}`);
    const pool = new pg.Pool({ connectionString: withDatabase(url, template), max: 1 });
    try {
      await migrate(pool, silentLogger);
    } finally {
      await pool.end();
    }
  } finally {
    await admin.end();
  }
}

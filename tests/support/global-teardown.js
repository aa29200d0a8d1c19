// Drops the run's template database and any per-file database a crashed file left behind.
import pg from 'pg';
import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const { templateName } = await tsImport('./shared.ts', import.meta.url);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${templateName()}_f%`,
    ]);
    for (const row of rows)
      await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${templateName()} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { templateName, withDatabase } from '../../support/shared.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = path.join(root, 'tests/fixtures/imports');
let dir: string;
let env: NodeJS.ProcessEnv;
let database: string | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cuota-cli-import-'));
  env = {
    ...process.env,
    CUOTA_DATA_DIR: path.join(dir, 'data'),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
  };
  delete env.DATABASE_URL;
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    // A database of its own, cloned from the run's migrated template (dropped by global teardown if left).
    database = `${templateName()}_f${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database} TEMPLATE ${templateName()}`);
    await admin.end();
    env.DATABASE_URL = withDatabase(url, database);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  const url = process.env.TEST_DATABASE_URL;
  if (url && database) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
});

function cuota(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(root, 'bin/cuota.js'), ...args],
      { env, cwd: dir },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

async function fixture(name: string): Promise<string> {
  const file = path.join(dir, name);
  await copyFile(path.join(fixtures, name), file);
  return file;
}

describe(`cuota import on ${process.env.CUOTA_TEST_STORE ?? 'pglite'}`, () => {
  it('imports the good rows, writes the rejects beside the input, and exits 0', async () => {
    const file = await fixture('ugly.csv');
    const first = await cuota('import', file);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('read 14  inserted 3  updated 0  unchanged 0  rejected 11');
    expect(first.stdout).toMatch(/rows\/s/);
    const rejects = (await readFile(`${file}.rejects.csv`, 'utf8')).trim().split('\n');
    expect(rejects[0]).toBe('row,column,value,reason');
    expect(rejects).toHaveLength(12);
    expect(rejects).toContain(
      '5,due_date,2025-02-30,not a valid date (use YYYY-MM-DD or DD/MM/YYYY)',
    );
    expect(rejects).toContain('10,account_ref,U-001,duplicate account_ref: first seen on row 2');
    expect(rejects).toContain('19,,,unterminated quoted field');

    const again = await cuota('import', '--no-progress', file);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('read 14  inserted 0  updated 0  unchanged 3  rejected 11');
  }, 60_000);

  it('exits 1 when nothing can be read', async () => {
    const missing = await cuota('import', path.join(dir, 'no-such-file.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');

    const header = await cuota('import', await fixture('missing-phone-header.csv'));
    expect(header.code).toBe(1);
    expect(header.stderr).toContain('missing required column: phone');

    const empty = await cuota('import', await fixture('header-only.csv'));
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('no rows');
  }, 60_000);
});

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from '@jest/globals';
import pg from 'pg';
import { templateName, withDatabase } from './shared.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliEnvironment {
  /** A temporary working folder, removed after the file's tests. */
  readonly dir: string;
  /** Runs `cuota <args>` as a child process, with `input` on its standard input. */
  run(args: readonly string[], input?: string): Promise<CliRun>;
}

/**
 * Registers hooks that give a test file a `cuota` command of its own: a temporary folder (its
 * embedded store under `data/`), or, with TEST_DATABASE_URL, a database cloned from the run's
 * migrated template (dropped afterwards).
 */
export function useCliEnvironment(prefix: string): CliEnvironment {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let database: string | undefined;
  const url = process.env.TEST_DATABASE_URL;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), prefix));
    env = {
      ...process.env,
      CUOTA_DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
    };
    delete env.DATABASE_URL;
    if (url) {
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
    if (url && database) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  });

  return {
    get dir() {
      return dir;
    },
    run(args, input) {
      return new Promise((resolve) => {
        const child = execFile(
          process.execPath,
          [path.join(repoRoot, 'bin/cuota.js'), ...args],
          { env, cwd: dir },
          (error, stdout, stderr) => {
            resolve({
              code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
              stdout,
              stderr,
            });
          },
        );
        child.stdin?.end(input ?? '');
      });
    },
  };
}

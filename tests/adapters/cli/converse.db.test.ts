import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { templateName, withDatabase } from '../../support/shared.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;
let env: NodeJS.ProcessEnv;
let database: string | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cuota-cli-converse-'));
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

function converse(
  args: string[],
  input: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [path.join(root, 'bin/cuota.js'), 'converse', ...args],
      { env, cwd: dir },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        });
      },
    );
    child.stdin?.end(input);
  });
}

describe('cuota converse', () => {
  beforeAll(async () => {
    expect(
      (await cuota('demo-data', '--accounts', '3', '--out', path.join(dir, 'demo.csv'))).code,
    ).toBe(0);
    expect((await cuota('import', path.join(dir, 'demo.csv'))).code).toBe(0);
  });

  it('prints one JSON line per debtor line, with intent, step and actions, on a fixed clock', async () => {
    const run = await converse(
      ['--account', 'DEMO-0001', '--now', '2026-11-24T15:00:00Z'],
      'hola\n1234\n\npuedo pagar en 3 cuotas\nsí\n',
    );
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.in)).toEqual(['hola', '1234', 'puedo pagar en 3 cuotas', 'sí']);
    for (const line of lines)
      expect(Object.keys(line).sort()).toEqual(
        ['actions', 'confidence', 'entities', 'in', 'intent', 'replies', 'step'].sort(),
      );
    expect(lines[0]!.replies).not.toEqual([]);
    expect(JSON.stringify(lines[0])).not.toContain('1.250.000');
    expect((lines[1]!.actions as { type: string }[]).map((a) => a.type)).toEqual([
      'identity_verified',
      'balance_disclosed',
    ]);
    expect(lines[2]).toMatchObject({ intent: 'propose_plan', entities: { installmentCount: 3 } });
    const created = (
      lines[3]!.actions as {
        type: string;
        installments: { amount: number; dueDate: string }[];
        total: number;
        currency: string;
      }[]
    ).find((a) => a.type === 'plan_created')!;
    expect(created).toMatchObject({ total: 125000000, currency: 'COP' });
    expect(created.installments).toHaveLength(3);
    expect(created.installments.reduce((sum, i) => sum + i.amount, 0)).toBe(125000000);
    expect(created.installments[0]!.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('holds the conversation in the requested locale', async () => {
    const run = await converse(
      ['--account', 'DEMO-0001', '--now', '2026-11-24T15:00:00Z', '--locale', 'en'],
      'hello\n',
    );
    expect(run.code).toBe(0);
    expect(JSON.stringify(JSON.parse(run.stdout.trim()))).toMatch(/last 4 digits/i);
  });

  it('refuses bad arguments with a clear message', async () => {
    const badNow = await converse(['--account', 'DEMO-0001', '--now', 'tomorrow'], '');
    expect(badNow.code).not.toBe(0);
    expect(badNow.stderr).toMatch(/--now must be an ISO 8601 instant/);
    const unknown = await converse(['--account', 'NOPE-1'], 'hola\n');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no account with ref NOPE-1/);
  });
});

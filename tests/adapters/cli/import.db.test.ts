import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { repoRoot, useCliEnvironment, type CliRun } from '../../support/cli.js';

const fixtures = path.join(repoRoot, 'tests/fixtures/imports');
const cli = useCliEnvironment('cuota-cli-import-');

function cuota(...args: string[]): Promise<CliRun> {
  return cli.run(args);
}

async function fixture(name: string): Promise<string> {
  const file = path.join(cli.dir, name);
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
    const missing = await cuota('import', path.join(cli.dir, 'no-such-file.csv'));
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

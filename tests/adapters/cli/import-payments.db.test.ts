import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { repoRoot, useCliEnvironment } from '../../support/cli.js';

const cli = useCliEnvironment('cuota-cli-import-payments-');

describe(`cuota import-payments on ${process.env.CUOTA_TEST_STORE ?? 'pglite'}`, () => {
  it('applies the good rows, writes the rejects beside the input, and is a no-op the second time', async () => {
    const portfolio = path.join(cli.dir, 'portfolio.csv');
    await writeFile(
      portfolio,
      'account_ref,debtor_ref,name,phone,currency,balance,due_date\nC-300,D-300,Ana Gómez,+573001112233,USD,2000.00,2026-01-15\n',
    );
    expect(await cli.run(['import', '--no-progress', portfolio])).toMatchObject({ code: 0 });

    const file = path.join(cli.dir, 'payments.csv');
    await copyFile(path.join(repoRoot, 'tests/fixtures/payments/simple.csv'), file);
    const first = await cli.run(['import-payments', file]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('read 2  applied 1  already applied 0  rejected 1');
    expect((await readFile(`${file}.rejects.csv`, 'utf8')).trim().split('\n')).toEqual([
      'row,column,value,reason',
      '3,amount,20.005,more decimals than the currency has',
    ]);

    const again = await cli.run(['import-payments', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('read 2  applied 0  already applied 1  rejected 1');
  }, 60_000);

  it('exits 1 when nothing can be read', async () => {
    const missing = await cli.run(['import-payments', path.join(cli.dir, 'nope.csv')]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain('cannot read');
    const header = path.join(cli.dir, 'missing-column.csv');
    await copyFile(path.join(repoRoot, 'tests/fixtures/payments/missing-column.csv'), header);
    const result = await cli.run(['import-payments', header]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing required column: paid_at');
  }, 60_000);
});

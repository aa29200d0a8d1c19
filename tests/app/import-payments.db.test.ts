import { createReadStream } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readPortfolioCsv } from '../../src/adapters/csv/read-portfolio-csv.js';
import { createPaymentStore } from '../../src/adapters/postgres/payment-store.js';
import type { ApplyPaymentDeps } from '../../src/app/apply-payment.js';
import { importPayments, type PaymentImportOutcome } from '../../src/app/import-payments.js';
import type { RowReject } from '../../src/domain/portfolio/row.js';
import { fixedClock } from '../../src/ports/clock.js';
import { repoRoot } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { paymentFootprint, seedAccount } from '../support/payments.js';

const fixtures = path.join(repoRoot, 'tests/fixtures/payments');
const now = new Date('2026-03-12T15:00:00Z');
let db: TestDatabase;
let deps: ApplyPaymentDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  deps = { store: createPaymentStore(db), clock: fixedClock(now), graceDays: 1 };
  await seedAccount(db.pool, { ref: 'C-100', balance: 1_000_000_00 });
  await seedAccount(db.pool, { ref: 'C-200', balance: 500_000_00 });
});

afterAll(async () => {
  await db.close();
});

async function run(file: string): Promise<{ outcome: PaymentImportOutcome; rejects: RowReject[] }> {
  const rejects: RowReject[] = [];
  const input = await readPortfolioCsv(createReadStream(path.join(fixtures, file)), file);
  const outcome = await importPayments(deps, input, { onReject: (r) => void rejects.push(r) });
  return { outcome, rejects };
}

describe(`importPayments on ${process.env.TEST_DATABASE_URL ? 'postgresql' : 'pglite'}`, () => {
  it('applies the good rows of an ugly Windows-1252 file and reports every bad one by row and column', async () => {
    const { outcome, rejects } = await run('ugly-es.csv');
    expect(outcome).toEqual({
      ok: true,
      counts: { read: 13, applied: 3, replayed: 1, rejected: 9 },
      decimalStyle: 'comma',
      details: { encoding: 'windows-1252' },
      ignoredColumns: ['Observación'],
    });
    expect(rejects.map((r) => [r.row, r.column, r.value])).toEqual([
      [5, 'Monto', 'abc'],
      [6, 'Cuenta', 'C-999'],
      [7, 'Moneda', 'USD'],
      [9, 'ID Externo', 'PSE-0002'],
      [10, 'ID Externo', ''],
      [10, 'Fecha de Pago', '31/02/2026'],
      [11, 'Fecha de Pago', '2026-03-25'],
      [12, 'Monto', '-5.000,00'],
      [13, 'Fecha de Pago', '2026-03-10T10:00:00'],
      [16, '', ''],
    ]);
    expect(rejects.find((r) => r.row === 9)?.reason).toBe(
      'external id PSE-0002 is already a payment with another amount',
    );
    expect(rejects.find((r) => r.row === 16)?.reason).toBe('unterminated quoted field');

    const balances = await db.pool.query(
      `SELECT account_ref, balance_minor FROM accounts ORDER BY account_ref`,
    );
    expect(balances.rows).toEqual([
      { account_ref: 'C-100', balance_minor: 1_000_000_00 - 250_000_50 - 1_000_00 },
      { account_ref: 'C-200', balance_minor: 500_000_00 - 75_000_00 },
    ]);
    const payments = await db.pool.query(
      `SELECT external_id, amount_minor, paid_at, source, method, reference FROM payments ORDER BY external_id`,
    );
    expect(payments.rows).toEqual([
      {
        external_id: 'PSE-0001',
        amount_minor: 250_000_50,
        paid_at: new Date('2026-03-10T17:00:00Z'),
        source: 'csv-import',
        method: 'PSE',
        reference: 'CUS 1',
      },
      {
        external_id: 'PSE-0002',
        amount_minor: 1_000_00,
        paid_at: new Date('2026-03-11T14:30:00Z'),
        source: 'csv-import',
        method: 'Efecty',
        reference: null,
      },
      {
        external_id: 'PSE-0009',
        amount_minor: 75_000_00,
        paid_at: new Date('2026-03-11T17:00:00Z'),
        source: 'csv-import',
        method: 'Nequi',
        reference: 'ref "9"',
      },
    ]);
    const audit = await db.pool.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE actor = 'csv-import' AND action = 'payment_applied'`,
    );
    expect(audit.rows).toEqual([{ n: 3 }]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await paymentFootprint(db.pool);
    const { outcome, rejects } = await run('ugly-es.csv');
    expect(outcome).toMatchObject({
      ok: true,
      counts: { read: 13, applied: 0, replayed: 4, rejected: 9 },
    });
    expect(rejects).toHaveLength(10);
    expect(await paymentFootprint(db.pool)).toEqual(before);
  });

  it('applies nothing from a file without a required column or without rows', async () => {
    const before = await paymentFootprint(db.pool);
    expect((await run('missing-column.csv')).outcome).toEqual({
      ok: false,
      reason: 'missing-columns',
      message:
        'missing required column: paid_at (found: external_id, account_ref, amount, currency)',
      counts: { read: 0, applied: 0, replayed: 0, rejected: 0 },
    });
    expect((await run('header-only.csv')).outcome).toMatchObject({
      ok: false,
      reason: 'no-rows',
    });
    expect(await paymentFootprint(db.pool)).toEqual(before);
  });
});

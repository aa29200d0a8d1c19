import { createReadStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readPortfolioCsv } from '../../src/adapters/csv/read-portfolio-csv.js';
import { createPortfolioStore } from '../../src/adapters/postgres/portfolio-store.js';
import { importPortfolio, type ImportOutcome } from '../../src/app/import-portfolio.js';
import type { RowReject } from '../../src/domain/portfolio/row.js';
import { fixedClock } from '../../src/ports/clock.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const fixtures = new URL('../fixtures/imports/', import.meta.url);
const defaults = { country: 'CO', timeZone: 'America/Bogota', locale: 'es-419' };
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

/** Imports a fixture, read in small chunks so chunk boundaries fall everywhere. */
async function importFixture(
  name: string,
  batchSize = 2,
): Promise<{ outcome: ImportOutcome; rejects: RowReject[] }> {
  const rejects: RowReject[] = [];
  const input = await readPortfolioCsv(
    createReadStream(new URL(name, fixtures), { highWaterMark: 16 }),
    name,
  );
  const outcome = await importPortfolio(
    {
      store: createPortfolioStore(db),
      clock: fixedClock(new Date('2025-06-30T15:00:00Z')),
      defaults,
    },
    input,
    { batchSize, onReject: (reject) => void rejects.push(reject) },
  );
  return { outcome, rejects };
}

async function account(ref: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await db.pool.query(
    `SELECT a.account_ref, a.currency, a.balance_minor, a.original_minor, a.min_payment_minor, a.due_date, a.product, a.segment,
            d.debtor_ref, d.name, d.document_id, d.country, d.time_zone, d.locale, d.tags,
            (SELECT array_agg(kind || ':' || value ORDER BY kind, value) FROM contact_points c WHERE c.debtor_id = d.id) AS contacts
     FROM accounts a JOIN debtors d ON d.id = a.debtor_id WHERE a.account_ref = $1`,
    [ref],
  );
  return rows[0] as Record<string, unknown> | undefined;
}

describe(`importPortfolio on ${process.env.CUOTA_TEST_STORE ?? 'pglite'}`, () => {
  it('imports the good rows of an ugly file and rejects each bad one with its line and reason', async () => {
    const { outcome, rejects } = await importFixture('ugly.csv');
    expect(outcome).toMatchObject({
      ok: true,
      counts: { read: 14, inserted: 3, updated: 0, unchanged: 0, rejected: 11 },
      format: { delimiter: ',', decimalStyle: 'point', details: { encoding: 'utf-8' } },
    });
    expect(rejects).toEqual([
      {
        row: 5,
        column: 'due_date',
        value: '2025-02-30',
        reason: 'not a valid date (use YYYY-MM-DD or DD/MM/YYYY)',
      },
      {
        row: 6,
        column: 'phone',
        value: '12345',
        reason: 'not a valid phone number (read as CO when it has no +country code)',
      },
      { row: 7, column: 'balance', value: '-1500', reason: 'negative amount' },
      {
        row: 8,
        column: 'balance',
        value: 'abc',
        reason: 'not a number (this file writes amounts like 1,234.56)',
      },
      { row: 9, column: '', value: '', reason: 'expected 11 columns, found 6' },
      {
        row: 10,
        column: 'account_ref',
        value: 'U-001',
        reason: 'duplicate account_ref: first seen on row 2',
      },
      {
        row: 12,
        column: 'timezone',
        value: 'Mars/Olympus',
        reason: 'unknown time zone (use an IANA name such as America/Bogota)',
      },
      {
        row: 13,
        column: 'currency',
        value: 'XYZ',
        reason: 'not an ISO 4217 currency code (such as COP, MXN, BRL)',
      },
      { row: 14, column: 'debtor_ref', value: '', reason: 'required value is empty' },
      { row: 15, column: 'email', value: 'bad-email', reason: 'not an email address' },
      { row: 19, column: '', value: '', reason: 'unterminated quoted field' },
    ]);
    expect(await account('U-001')).toMatchObject({
      debtor_ref: 'UD-001',
      name: 'Ana Gómez',
      currency: 'COP',
      balance_minor: 125000050,
      due_date: '2025-03-01',
      country: 'CO',
      time_zone: 'America/Bogota',
      locale: 'es-CO',
      tags: ['vip', '2025'],
      contacts: ['email:ana@example.com', 'phone:+573001112233'],
    });
    expect(await account('U-002')).toMatchObject({
      name: 'Luis "Lucho" Pérez',
      balance_minor: 150000000,
      due_date: '2025-04-15',
      tags: ['a', 'b'],
      contacts: ['phone:+573001112234'],
    });
    expect(await account('U-012')).toMatchObject({ debtor_ref: 'UD-001', balance_minor: 9999 });
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM accounts WHERE account_ref LIKE 'U-%'`,
    );
    expect(rows[0]).toEqual({ n: 3 });
  });

  it('reads Windows-1252 with semicolons, Spanish headers, decimal comma, blank lines and country names', async () => {
    const { outcome, rejects } = await importFixture('latin1-semicolon.csv');
    expect(outcome).toMatchObject({
      ok: true,
      counts: { read: 4, inserted: 3, updated: 0, unchanged: 0, rejected: 1 },
      format: {
        delimiter: ';',
        decimalStyle: 'comma',
        details: { encoding: 'windows-1252' },
        ignoredColumns: ['Observación'],
      },
    });
    expect(rejects).toEqual([
      { row: 7, column: 'Saldo', value: '12,345', reason: 'more decimals than COP has (2)' },
    ]);
    expect(await account('L-01')).toMatchObject({
      name: 'José Peña',
      balance_minor: 123456,
      due_date: '2025-03-05',
      country: 'CO',
      tags: ['mora', 'vip'],
      contacts: ['phone:+573005551001'],
    });
    expect(await account('L-02')).toMatchObject({
      name: 'María Núñez',
      currency: 'MXN',
      balance_minor: 250000,
      due_date: '2024-12-31',
      time_zone: 'America/Mexico_City',
      locale: 'es-MX',
    });
    expect(await account('L-03')).toMatchObject({
      name: 'Ñandú Güemes',
      currency: 'ARS',
      balance_minor: 150000000,
      time_zone: 'America/Argentina/Buenos_Aires',
      contacts: ['phone:+5491123450002'],
    });
  });

  it('reads UTF-8 with BOM, CRLF and loosely written English headers with every optional column', async () => {
    const { outcome, rejects } = await importFixture('utf8-bom.csv');
    expect(rejects).toEqual([]);
    expect(outcome).toMatchObject({
      ok: true,
      counts: { read: 3, inserted: 3, rejected: 0 },
      format: { details: { encoding: 'utf-8 (BOM)' } },
    });
    expect(await account('B-01')).toMatchObject({
      name: 'Conceição Araújo',
      currency: 'BRL',
      balance_minor: 328090,
      original_minor: 500000,
      min_payment_minor: 25050,
      document_id: '529.982.247-25',
      segment: 'premium',
      product: 'cartão de crédito',
      time_zone: 'America/Sao_Paulo',
      locale: 'pt-BR',
      contacts: ['email:conceicao@example.com', 'phone:+5511912340001', 'telegram:123456789'],
    });
    expect(await account('B-02')).toMatchObject({
      currency: 'CLP',
      balance_minor: 845000,
      locale: 'es-CL',
      country: 'CL',
      time_zone: 'America/Santiago',
    });
    expect(await account('B-03')).toMatchObject({
      name: 'Zoë Quispe',
      currency: 'PEN',
      balance_minor: 125050,
    });
  });

  it('reads a tab-delimited file with Portuguese headers', async () => {
    const { outcome, rejects } = await importFixture('portuguese.tsv');
    expect(rejects).toEqual([]);
    expect(outcome).toMatchObject({
      ok: true,
      counts: { read: 2, inserted: 2 },
      format: { delimiter: '\t', decimalStyle: 'comma' },
    });
    expect(await account('P-01')).toMatchObject({
      name: 'João Conceição',
      currency: 'BRL',
      balance_minor: 328090,
      due_date: '2025-04-10',
      document_id: '529.982.247-25',
      time_zone: 'America/Sao_Paulo',
      locale: 'pt-BR',
      country: 'BR',
    });
  });

  it('imports nothing from a file without a required column, and records the failed run', async () => {
    const { outcome, rejects } = await importFixture('missing-phone-header.csv');
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'missing-columns',
      missingColumns: ['phone'],
    });
    expect(rejects).toEqual([]);
    const { rows } = await db.pool.query(
      `SELECT status, summary->>'error' AS error FROM imports WHERE id = $1`,
      [outcome.importId],
    );
    expect(rows[0]).toEqual({ status: 'failed', error: 'missing-columns' });
    expect(await account('M-01')).toBeUndefined();
  });

  it('fails a file with no header or no rows', async () => {
    expect((await importFixture('empty.csv')).outcome).toMatchObject({
      ok: false,
      reason: 'no-header',
    });
    expect((await importFixture('header-only.csv')).outcome).toMatchObject({
      ok: false,
      reason: 'no-rows',
    });
  });

  it('is idempotent: a re-import updates by ref, never duplicates, and audits balance changes', async () => {
    const first = await importFixture('reimport-v1.csv');
    expect(first.outcome).toMatchObject({
      ok: true,
      counts: { read: 3, inserted: 3, updated: 0, unchanged: 0, rejected: 0 },
    });
    const again = await importFixture('reimport-v1.csv');
    expect(again.outcome).toMatchObject({
      ok: true,
      counts: { read: 3, inserted: 0, updated: 0, unchanged: 3, rejected: 0 },
    });

    const second = await importFixture('reimport-v2.csv');
    // R-01 balance changed, R-02 unchanged (a blank segment keeps the stored one), R-03 due date moved, R-04 new.
    expect(second.outcome).toMatchObject({
      ok: true,
      counts: { read: 4, inserted: 1, updated: 2, unchanged: 1, rejected: 0 },
    });
    if (!second.outcome.ok) throw new Error('unreachable');

    const { rows: counts } = await db.pool.query(
      `SELECT (SELECT count(*)::int FROM accounts WHERE account_ref LIKE 'R-%') AS accounts,
              (SELECT count(*)::int FROM debtors WHERE debtor_ref LIKE 'RD-%') AS debtors,
              (SELECT count(*)::int FROM contact_points c JOIN debtors d ON d.id = c.debtor_id WHERE d.debtor_ref LIKE 'RD-%') AS contacts`,
    );
    expect(counts[0]).toEqual({ accounts: 4, debtors: 3, contacts: 4 });
    expect(await account('R-01')).toMatchObject({ balance_minor: 8000000 });
    expect(await account('R-02')).toMatchObject({ segment: 'retail' });
    expect(await account('R-03')).toMatchObject({ due_date: '2025-03-15', balance_minor: 99999 });

    const { rows: audit } = await db.pool.query(
      `SELECT l.actor, l.action, l.entity_type, l.data FROM audit_log l JOIN accounts a ON a.id::text = l.entity_id
       WHERE a.account_ref LIKE 'R-%' AND l.action = 'balance_changed'`,
    );
    expect(audit).toEqual([
      {
        actor: 'import',
        action: 'balance_changed',
        entity_type: 'account',
        data: { from: 10000000, to: 8000000, currency: 'COP', importId: second.outcome.importId },
      },
    ]);

    const { rows: run } = await db.pool.query(
      `SELECT source, status, rows_read, inserted, updated, unchanged, rejected, finished_at IS NOT NULL AS is_finished FROM imports WHERE id = $1`,
      [second.outcome.importId],
    );
    expect(run[0]).toEqual({
      source: 'reimport-v2.csv',
      status: 'finished',
      rows_read: 4,
      inserted: 1,
      updated: 2,
      unchanged: 1,
      rejected: 0,
      is_finished: true,
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/core';
// The full ('max') metadata: validates digits, not only lengths.
import maxMetadata from 'libphonenumber-js/max/metadata';
import { createPortfolioStore } from '../../src/adapters/postgres/portfolio-store.js';
import { demoPortfolioColumns, generateDemoPortfolio } from '../../src/app/demo-portfolio.js';
import { loadDemoPortfolioIfEmpty } from '../../src/app/seed-demo.js';
import { agingBucketFor, agingBuckets } from '../../src/domain/aging.js';
import { daysBetween, type LocalDate } from '../../src/domain/dates.js';
import { fixedClock } from '../../src/ports/clock.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { silentLogger } from '../support/shared.js';

const asOf = '2025-06-30' as LocalDate;
const column = (name: (typeof demoPortfolioColumns)[number]): number =>
  demoPortfolioColumns.indexOf(name);

describe('generateDemoPortfolio', () => {
  const rows = [...generateDemoPortfolio({ accounts: 5000, seed: 7, asOf })];

  it('is deterministic by seed and as-of date', () => {
    expect([...generateDemoPortfolio({ accounts: 50, seed: 7, asOf })]).toEqual(rows.slice(0, 50));
    expect([...generateDemoPortfolio({ accounts: 50, seed: 8, asOf })]).not.toEqual(
      rows.slice(0, 50),
    );
  });

  it('writes phones valid for their country under full libphonenumber metadata', () => {
    for (const row of rows) {
      const country = row[column('country')] as CountryCode;
      const phone = parsePhoneNumberFromString(
        row[column('phone')]!,
        { defaultCountry: country },
        maxMetadata,
      );
      expect({
        phone: row[column('phone')],
        isValid: phone?.isValid(),
        country: phone?.country,
      }).toEqual({ phone: row[column('phone')], isValid: true, country });
    }
  });

  it('spreads due dates over every aging bucket and uses every country and currency', () => {
    const buckets = new Set(
      rows.map((row) => agingBucketFor(daysBetween(row[column('due_date')] as LocalDate, asOf))),
    );
    expect([...buckets].sort()).toEqual([...agingBuckets].sort());
    expect(
      new Set(rows.map((row) => `${row[column('country')]}:${row[column('currency')]}`)),
    ).toEqual(new Set(['CO:COP', 'MX:MXN', 'AR:ARS', 'CL:CLP', 'PE:PEN', 'BR:BRL']));
  });

  it('lowers about half the balances in a later revision and changes nothing else', () => {
    const revised = [...generateDemoPortfolio({ accounts: 1000, seed: 7, asOf, revision: 1 })];
    const changed = revised.filter(
      (row, i) => row[column('balance')] !== rows[i]![column('balance')],
    );
    expect(changed.length).toBeGreaterThan(400);
    expect(changed.length).toBeLessThan(600);
    expect(revised.map((row) => row.filter((_, c) => c !== column('balance')))).toEqual(
      rows.slice(0, 1000).map((row) => row.filter((_, c) => c !== column('balance'))),
    );
  });
});

describe(`loadDemoPortfolioIfEmpty on ${process.env.CUOTA_TEST_STORE ?? 'pglite'}`, () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.close();
  });

  it('loads 300 accounts through the import pipeline into an empty store, and nothing after', async () => {
    const deps = {
      store: createPortfolioStore(db),
      logger: silentLogger,
      defaults: { country: 'CO', timeZone: 'America/Bogota', locale: 'es-419' },
      clock: fixedClock(new Date('2025-06-30T15:00:00Z')),
    };
    expect(await loadDemoPortfolioIfEmpty(deps)).toBe(300);
    expect(await loadDemoPortfolioIfEmpty(deps)).toBe(0);
    const { rows } = await db.pool.query(
      `SELECT a.balance_minor, a.currency, a.due_date, d.name, d.document_id, d.time_zone
       FROM accounts a JOIN debtors d ON d.id = a.debtor_id WHERE a.account_ref = 'DEMO-0001'`,
    );
    expect(rows[0]).toEqual({
      balance_minor: 125000000,
      currency: 'COP',
      due_date: '2025-05-16',
      name: 'María Fernanda López Rojas',
      document_id: '1020451234',
      time_zone: 'America/Bogota',
    });
    const { rows: runs } = await db.pool.query(
      `SELECT source, status, inserted, rejected FROM imports`,
    );
    expect(runs).toEqual([{ source: 'demo', status: 'finished', inserted: 300, rejected: 0 }]);
  });
});

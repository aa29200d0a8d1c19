import { describe, expect, it } from '@jest/globals';
import { normalizePhone } from '../../../src/domain/phone.js';
import { mapHeaders, type ColumnMapping } from '../../../src/domain/portfolio/columns.js';
import {
  checkRow,
  isBlankRecord,
  parseCountry,
  parseTags,
  type RowContext,
} from '../../../src/domain/portfolio/row.js';

const header = [
  'account_ref',
  'debtor_ref',
  'name',
  'phone',
  'currency',
  'balance',
  'due_date',
  'email',
  'country',
  'timezone',
  'locale',
  'original_amount',
  'min_payment',
  'tags',
  'telegram_id',
  'document_id',
];
const mapped = mapHeaders(header);
if (!mapped.ok) throw new Error('mapping');
const mapping: ColumnMapping = mapped.mapping;
const context: RowContext = {
  mapping,
  decimalStyle: 'point',
  defaults: { country: 'CO', timeZone: 'America/Bogota', locale: 'es-419' },
  normalizePhone,
};

function record(values: Partial<Record<(typeof header)[number], string>>): string[] {
  const base: Record<string, string> = {
    account_ref: 'A-1',
    debtor_ref: 'D-1',
    name: 'Ana',
    phone: '300 123 4567',
    currency: 'COP',
    balance: '1250000.50',
    due_date: '2025-03-01',
  };
  return header.map((column) => values[column] ?? base[column] ?? '');
}

describe('checkRow', () => {
  it('turns a minimal row into a portfolio row with resolved zone and locale', () => {
    const result = checkRow(record({}), 2, context);
    expect(result).toEqual({
      ok: true,
      row: {
        line: 2,
        accountRef: 'A-1',
        debtorRef: 'D-1',
        name: 'Ana',
        phone: '+573001234567',
        currency: 'COP',
        balance: 125000050,
        dueDate: '2025-03-01',
        email: undefined,
        documentId: undefined,
        explicitCountry: undefined,
        resolvedCountry: 'CO',
        explicitTimeZone: undefined,
        resolvedTimeZone: 'America/Bogota',
        explicitLocale: undefined,
        resolvedLocale: 'es-CO',
        product: undefined,
        originalAmount: undefined,
        minPayment: undefined,
        segment: undefined,
        telegramId: undefined,
        tags: undefined,
      },
    });
  });

  it('takes zone from the phone’s country and locale from the row’s country', () => {
    const result = checkRow(
      record({ phone: '+52 55 1234 5678', currency: 'mxn', balance: '99.9', country: 'México' }),
      3,
      context,
    );
    expect(result.ok && result.row).toMatchObject({
      currency: 'MXN',
      balance: 9990,
      explicitCountry: 'MX',
      resolvedTimeZone: 'America/Mexico_City',
      resolvedLocale: 'es-MX',
    });
  });

  it('keeps an explicit zone and canonical locale, lower-cases email, splits tags', () => {
    const result = checkRow(
      record({
        timezone: 'America/Monterrey',
        locale: 'es_mx',
        email: 'Ana@Example.COM',
        tags: 'vip | mora,vip',
        telegram_id: '123456789',
        original_amount: '2000000',
        min_payment: '50000.5',
      }),
      4,
      context,
    );
    expect(result.ok && result.row).toMatchObject({
      explicitTimeZone: 'America/Monterrey',
      resolvedTimeZone: 'America/Monterrey',
      explicitLocale: 'es-MX',
      resolvedLocale: 'es-MX',
      email: 'ana@example.com',
      tags: ['vip', 'mora'],
      telegramId: '123456789',
      originalAmount: 200000000,
      minPayment: 5000050,
    });
  });

  it('reports every bad field of a row with a reason', () => {
    const result = checkRow(
      record({
        name: ' ',
        phone: '12345',
        currency: 'XYZ',
        due_date: '2025-02-30',
        timezone: 'Mars/Olympus',
        locale: '!!',
        email: 'nope',
        telegram_id: '@ana',
        country: 'Narnia',
      }),
      7,
      context,
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        { column: 'name', value: '', reason: 'required value is empty' },
        {
          column: 'currency',
          value: 'XYZ',
          reason: 'not an ISO 4217 currency code (such as COP, MXN, BRL)',
        },
        {
          column: 'due_date',
          value: '2025-02-30',
          reason: 'not a valid date (use YYYY-MM-DD or DD/MM/YYYY)',
        },
        {
          column: 'country',
          value: 'Narnia',
          reason: 'not an ISO 3166 country code (such as CO, MX, BR)',
        },
        {
          column: 'timezone',
          value: 'Mars/Olympus',
          reason: 'unknown time zone (use an IANA name such as America/Bogota)',
        },
        { column: 'locale', value: '!!', reason: 'not a locale tag (such as es-CO or pt-BR)' },
        { column: 'email', value: 'nope', reason: 'not an email address' },
        { column: 'telegram_id', value: '@ana', reason: 'not a numeric Telegram chat id' },
      ],
    });
  });

  it.each([
    ['-1500', 'negative amount'],
    ['abc', 'not a number (this file writes amounts like 1,234.56)'],
    ['1.234,56', 'not a number (this file writes amounts like 1,234.56)'],
    ['10.555', 'more decimals than COP has (2)'],
    ['', 'required value is empty'],
  ])('refuses balance %j: %s', (balance, reason) => {
    expect(checkRow(record({ balance }), 5, context)).toEqual({
      ok: false,
      problems: [{ column: 'balance', value: balance, reason }],
    });
  });

  it('reads phones in the row’s country when it has no country code', () => {
    expect(checkRow(record({ phone: '11 91234-5678', country: 'BR' }), 2, context)).toMatchObject({
      ok: true,
      row: { phone: '+5511912345678' },
    });
    expect(checkRow(record({ phone: '12345' }), 2, context)).toEqual({
      ok: false,
      problems: [
        {
          column: 'phone',
          value: '12345',
          reason: 'not a valid phone number (read as CO when it has no +country code)',
        },
      ],
    });
  });

  it('reads day-first dates and zero-decimal currencies', () => {
    expect(
      checkRow(record({ due_date: '05/03/2025', currency: 'CLP', balance: '845000' }), 2, context),
    ).toMatchObject({ ok: true, row: { dueDate: '2025-03-05', balance: 845000 } });
  });

  it('refuses a record with the wrong number of fields with that reason alone', () => {
    expect(checkRow(['A-1', 'D-1'], 9, context)).toEqual({
      ok: false,
      problems: [{ column: '', value: '', reason: 'expected 16 columns, found 2' }],
    });
  });
});

describe('helpers', () => {
  it('isBlankRecord spots empty and delimiter-only lines', () => {
    expect(isBlankRecord(['', ' ', ''])).toBe(true);
    expect(isBlankRecord(['', 'x'])).toBe(false);
  });

  it('parseCountry reads codes and common names', () => {
    expect(parseCountry('co')).toBe('CO');
    expect(parseCountry('Perú')).toBe('PE');
    expect(parseCountry('Brasil')).toBe('BR');
    expect(parseCountry('XX')).toBeUndefined();
  });

  it('parseTags splits on | and , and drops blanks and repeats', () => {
    expect(parseTags('a|b, c,,a')).toEqual(['a', 'b', 'c']);
  });
});

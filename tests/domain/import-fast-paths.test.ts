/**
 * The importer reads the usual shapes of a cell ("1250000.00", "2025-05-16", a name with single
 * spaces) without the general parse. These properties pin those shortcuts to the general rules:
 * a leading space sends a cell down the general path, which trims it first.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { localDate, parseLocalDate } from '../../src/domain/dates.js';
import { parseDecimalAmount, toCurrencyCode, type CurrencyCode } from '../../src/domain/money.js';
import { normalizePhone } from '../../src/domain/phone.js';
import { mapHeaders } from '../../src/domain/portfolio/columns.js';
import { checkRow, parseTags, type RowContext } from '../../src/domain/portfolio/row.js';

const currencies = ['COP', 'USD', 'CLP', 'JPY', 'KWD', 'CLF', 'MXN'].map((code) => {
  const currency = toCurrencyCode(code);
  if (currency === undefined) throw new Error(code);
  return currency;
});

const digitsArb = (maxLength: number): fc.Arbitrary<string> =>
  fc
    .array(fc.constantFrom('0', '0', '1', '5', '9'), { minLength: 0, maxLength })
    .map((digits) => digits.join(''));

/** Digits with at most one mark somewhere, the shape the shortcut takes, and near misses. */
const plainAmountArb = fc
  .tuple(digitsArb(18), fc.constantFrom('', '.', ','), digitsArb(6))
  .map(([whole, mark, fraction]) => `${whole}${mark}${fraction}`);

describe('parseDecimalAmount on plain amounts', () => {
  it('answers as the general parse does', () => {
    fc.assert(
      fc.property(
        plainAmountArb,
        fc.constantFrom('point' as const, 'comma' as const),
        fc.constantFrom(...currencies),
        (raw, style, currency) => {
          expect(parseDecimalAmount(raw, style, currency)).toEqual(
            parseDecimalAmount(` ${raw}`, style, currency),
          );
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ['1250000.00', 'point', 'COP', { ok: true, amount: 125000000 }],
    ['845000', 'point', 'CLP', { ok: true, amount: 845000 }],
    ['1.250', 'point', 'CLP', { ok: true, amount: 1250 }],
    ['12,5', 'comma', 'USD', { ok: true, amount: 1250 }],
    ['0.105', 'point', 'USD', { ok: false, reason: 'too-many-decimals' }],
    ['1.500', 'point', 'KWD', { ok: true, amount: 1500 }],
    ['9007199254740993', 'point', 'CLP', { ok: false, reason: 'too-large' }],
  ] as const)('reads %s (%s, %s)', (raw, style, code, expected) => {
    expect(parseDecimalAmount(raw, style, code as CurrencyCode)).toEqual(expected);
  });
});

describe('parseLocalDate on YYYY-MM-DD', () => {
  const pad = (value: number, length: number): string => String(value).padStart(length, '0');

  it('answers as the general parse does', () => {
    const isoLikeArb = fc.oneof(
      fc
        .tuple(
          fc.integer({ min: 0, max: 9999 }),
          fc.integer({ min: 0, max: 13 }),
          fc.integer({ min: 0, max: 32 }),
        )
        .map(([year, month, day]) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`),
      fc
        .array(fc.constantFrom(...'0123456789-/. a'.split('')), { minLength: 10, maxLength: 10 })
        .map((characters) => characters.join('')),
    );
    fc.assert(
      fc.property(isoLikeArb, (raw) => {
        expect(parseLocalDate(raw)).toBe(parseLocalDate(` ${raw}`));
      }),
      { numRuns: 20_000 },
    );
  });

  it('knows month lengths and leap years as Date does', () => {
    for (let year = 1900; year <= 2500; year += 1) {
      for (let month = 1; month <= 12; month += 1) {
        const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
        expect(localDate(year, month, last)).toBe(`${year}-${pad(month, 2)}-${pad(last, 2)}`);
        expect(localDate(year, month, last + 1)).toBeUndefined();
      }
    }
  });
});

describe('checkRow text cells and tags', () => {
  const mapped = mapHeaders([
    'account_ref',
    'debtor_ref',
    'name',
    'phone',
    'currency',
    'balance',
    'due_date',
  ]);
  if (!mapped.ok) throw new Error('mapping');
  const context: RowContext = {
    mapping: mapped.mapping,
    decimalStyle: 'point',
    defaults: { country: 'CO', timeZone: 'America/Bogota', locale: 'es-419' },
    normalizePhone,
  };
  const spaced = fc
    .array(
      fc.constantFrom(
        'a',
        'é',
        ' ',
        ' ',
        '\t',
        '\n',
        '\r',
        '\u00a0',
        '\u2028',
        '\u3000',
        '\ufeff',
        '|',
        ',',
        'Zoë',
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(''));

  it('trims and collapses spacing as the regex rules say', () => {
    fc.assert(
      fc.property(spaced, (name) => {
        const result = checkRow(
          ['A-1', 'D-1', name, '3001234567', 'COP', '100', '2025-01-01'],
          2,
          context,
        );
        const text = name.trim();
        const expected = /\s\s|[\t\r\n]/.test(text) ? text.replace(/\s+/g, ' ') : text;
        if (text === '') expect(result.ok).toBe(false);
        else expect(result.ok && result.row.name).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('splits tags as split, trim and a set would', () => {
    fc.assert(
      fc.property(spaced, (raw) => {
        const expected = [
          ...new Set(
            raw
              .split(/[|,]/)
              .map((tag) => tag.trim())
              .filter((tag) => tag !== ''),
          ),
        ];
        expect(parseTags(raw)).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  addMoney,
  currencyExponent,
  formatDecimal,
  formatMoney,
  money,
  parseDecimalAmount,
  percentOf,
  toCurrencyCode,
  type CurrencyCode,
} from '../../src/domain/money.js';

const code = (c: string): CurrencyCode => toCurrencyCode(c)!;

describe('currencies', () => {
  it('knows ISO 4217 exponents, including the zero- and three-decimal ones', () => {
    expect(currencyExponent(code('COP'))).toBe(2);
    expect(currencyExponent(code('MXN'))).toBe(2);
    expect(currencyExponent(code('CLP'))).toBe(0);
    expect(currencyExponent(code('JPY'))).toBe(0);
    expect(currencyExponent(code('PYG'))).toBe(0);
    expect(currencyExponent(code('KWD'))).toBe(3);
    expect(currencyExponent(code('CLF'))).toBe(4);
  });

  it('accepts codes case-insensitively and refuses unknown ones', () => {
    expect(toCurrencyCode(' cop ')).toBe('COP');
    expect(toCurrencyCode('XYZ')).toBeUndefined();
    expect(toCurrencyCode('PESOS')).toBeUndefined();
  });
});

describe('parseDecimalAmount', () => {
  it.each([
    ['1.234,56', 'comma', 'COP', 123456],
    ['1,234.56', 'point', 'USD', 123456],
    ['1234,5', 'comma', 'ARS', 123450],
    ['1234', 'point', 'MXN', 123400],
    ['$ 1.250.000', 'comma', 'CLP', 1250000],
    ['1.250.000', 'point', 'CLP', 1250000],
    ['1.250', 'point', 'CLP', 1250],
    ['0,99', 'comma', 'BRL', 99],
    ['COP 2.500,00', 'comma', 'COP', 250000],
    ['1.000,000', 'comma', 'KWD', 1000000],
    ['12.30', 'point', 'PEN', 1230],
  ] as const)('%s (%s, %s) is %d minor units', (raw, style, currency, expected) => {
    expect(parseDecimalAmount(raw, style, code(currency))).toEqual({ ok: true, amount: expected });
  });

  it.each([
    ['', 'empty'],
    ['-100', 'negative'],
    ['(100)', 'negative'],
    ['abc', 'not-a-number'],
    ['1,23,4.00', 'not-a-number'],
    ['12.345', 'too-many-decimals'],
    ['1e5', 'not-a-number'],
    ['99999999999999999', 'too-large'],
  ])('rejects %j as %s', (raw, reason) => {
    expect(parseDecimalAmount(raw, 'point', code('USD'))).toEqual({ ok: false, reason });
  });

  it('round-trips every amount through its decimal string, without floats', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 50 }),
        fc.constantFrom('USD', 'CLP', 'KWD'),
        (amount, c) => {
          const value = money(amount, code(c));
          expect(parseDecimalAmount(formatDecimal(value), 'point', value.currency)).toEqual({
            ok: true,
            amount,
          });
        },
      ),
    );
  });
});

describe('money arithmetic', () => {
  it('adds in minor units and refuses mixed currencies', () => {
    expect(addMoney(money(10, code('COP')), money(5, code('COP'))).amount).toBe(15);
    expect(() => addMoney(money(10, code('COP')), money(5, code('USD')))).toThrow(
      /currency mismatch/,
    );
  });

  it('refuses floats as minor units', () => {
    expect(() => money(10.5, code('COP'))).toThrow(RangeError);
  });

  it('takes percentages in basis points with half-up rounding', () => {
    expect(percentOf(money(1000, code('COP')).amount, 1500)).toBe(150);
    expect(percentOf(money(333, code('COP')).amount, 5000)).toBe(167);
  });
});

describe('formatMoney', () => {
  it('formats for the debtor locale', () => {
    expect(formatMoney(money(125000, code('ARS')), 'es-AR').replace(/\u00a0/g, ' ')).toBe(
      '$ 1.250,00',
    );
    expect(formatMoney(money(125000, code('BRL')), 'pt-BR').replace(/\u00a0/g, ' ')).toBe(
      'R$ 1.250,00',
    );
    expect(formatMoney(money(125000, code('CLP')), 'es-CL').replace(/\u00a0/g, ' ')).toBe(
      '$125.000',
    );
    expect(formatMoney(money(123456, code('USD')), 'en-US')).toBe('$1,234.56');
  });

  it('keeps every digit of large amounts', () => {
    expect(formatDecimal(money(9007199254740991, code('COP')))).toBe('90071992547409.91');
  });
});

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  decimalStyleOf,
  detectDecimalStyle,
  detectDelimiter,
  isValidUtf8,
  sniffEncoding,
} from '../../../src/domain/portfolio/detect.js';

describe('detectDelimiter', () => {
  it('picks the most frequent of comma, semicolon and tab outside quotes', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('cuenta;deudor;"nombre, completo";saldo')).toBe(';');
    expect(detectDelimiter('conta\tdevedor\tnome')).toBe('\t');
    expect(detectDelimiter('"a;b;c;d",e,f')).toBe(',');
  });

  it('falls back to comma for a single column or a tie', () => {
    expect(detectDelimiter('account_ref')).toBe(',');
    expect(detectDelimiter('a,b;c')).toBe(',');
  });
});

describe('decimalStyleOf', () => {
  it.each([
    ['1.234,56', 'comma'],
    ['12,5', 'comma'],
    ['1.250.000', 'comma'],
    ['$ 1.234,56', 'comma'],
    ['1,234.56', 'point'],
    ['12.5', 'point'],
    ['1,250,000', 'point'],
    ['COP 1,234.56', 'point'],
  ] as const)('%s reads only as %s', (value, style) => {
    expect(decimalStyleOf(value)).toBe(style);
  });

  it.each(['1.250', '1,250', '1234', '', 'abc'])('%s is ambiguous', (value) => {
    expect(decimalStyleOf(value)).toBeUndefined();
  });
});

describe('detectDecimalStyle', () => {
  it('follows the majority of unambiguous values', () => {
    expect(detectDecimalStyle(['1.250', '1.234,56', '99,90', '1,000.00'], ',')).toBe('comma');
    expect(detectDecimalStyle(['1,234.56', '1250', '3.5'], ';')).toBe('point');
  });

  it('defaults to comma for a semicolon file and point otherwise when nothing decides', () => {
    expect(detectDecimalStyle(['1.250', '2.500', '100'], ';')).toBe('comma');
    expect(detectDecimalStyle(['1.250', '2.500', '100'], ',')).toBe('point');
    expect(detectDecimalStyle([], '\t')).toBe('point');
  });
});

describe('isValidUtf8', () => {
  it('accepts any well-formed UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(isValidUtf8(new TextEncoder().encode(text), false)).toBe(true);
      }),
    );
  });

  it('refuses Windows-1252 accents, overlongs, surrogates and stray continuation bytes', () => {
    expect(isValidUtf8(Uint8Array.from([0x50, 0x65, 0xf1, 0x61]), false)).toBe(false); // "Peña" in 1252
    expect(isValidUtf8(Uint8Array.from([0xc0, 0xaf]), false)).toBe(false);
    expect(isValidUtf8(Uint8Array.from([0xed, 0xa0, 0x80]), false)).toBe(false);
    expect(isValidUtf8(Uint8Array.from([0x80]), false)).toBe(false);
  });

  it('accepts a sequence cut by the end of the buffer only when told more follows', () => {
    expect(isValidUtf8(Uint8Array.from([0x61, 0xc3]), true)).toBe(true);
    expect(isValidUtf8(Uint8Array.from([0x61, 0xc3]), false)).toBe(false);
  });
});

describe('sniffEncoding', () => {
  const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

  it('trusts a byte order mark', () => {
    expect(sniffEncoding(bytes(0xef, 0xbb, 0xbf, 0x61), true, false)).toEqual({
      decided: true,
      encoding: 'utf-8',
      hasBom: true,
      skip: 3,
    });
    expect(sniffEncoding(bytes(0xff, 0xfe, 0x61, 0x00), true, false)).toEqual({
      decided: true,
      encoding: 'utf-16le',
      hasBom: true,
      skip: 2,
    });
  });

  it('stays undecided while the bytes are ASCII', () => {
    expect(sniffEncoding(new TextEncoder().encode('account_ref,name\n'), true, false)).toEqual({
      decided: false,
    });
  });

  it('tells UTF-8 from Windows-1252 by the first non-ASCII bytes', () => {
    expect(sniffEncoding(new TextEncoder().encode('Peña'), true, true)).toMatchObject({
      encoding: 'utf-8',
      hasBom: false,
    });
    expect(sniffEncoding(bytes(0x50, 0x65, 0xf1, 0x61), true, true)).toMatchObject({
      encoding: 'windows-1252',
      hasBom: false,
    });
  });
});

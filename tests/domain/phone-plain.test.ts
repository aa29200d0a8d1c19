import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/core';
import examples from 'libphonenumber-js/mobile/examples';
import metadata from 'libphonenumber-js/min/metadata';
import {
  normalizePhone,
  normalizePlainPhone,
  type NormalizePhoneResult,
} from '../../src/domain/phone.js';

/** normalizePhone as it was before its fast reading: libphonenumber-js alone decides. */
function libraryReading(raw: string, defaultCountry: string | undefined): NormalizePhoneResult {
  let text = raw.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (text.startsWith('00')) text = `+${text.slice(2)}`;
  const country = defaultCountry?.toUpperCase() as CountryCode | undefined;
  const parsed =
    country === undefined
      ? parsePhoneNumberFromString(text, metadata)
      : parsePhoneNumberFromString(text, { defaultCountry: country }, metadata);
  if (!parsed) return { ok: false, reason: 'unparseable' };
  if (!parsed.isValid()) return { ok: false, reason: 'invalid' };
  return { ok: true, e164: parsed.number, country: parsed.country };
}

const exampleNumbers = examples as Readonly<Record<string, string>>;
const countries = Object.keys(exampleNumbers).filter((country) => country in metadata.countries);
const latinAmerica = ['CO', 'MX', 'BR', 'AR', 'CL', 'PE', 'EC', 'UY', 'VE', 'GT', 'DO', 'BO'];
const elsewhere = ['US', 'CA', 'ES', 'PT', 'GB', 'IT', 'RU', 'KZ', 'FR', 'DE', 'AU', 'RE'];

function callingCodeOf(country: string): string {
  const plan: unknown = metadata.countries[country as CountryCode];
  return Array.isArray(plan) && typeof plan[0] === 'string' ? plan[0] : '';
}

const countryArb = fc.oneof(
  fc.constantFrom(...latinAmerica),
  fc.constantFrom(...elsewhere),
  fc.constantFrom(...countries),
);
const defaultCountryArb = fc.oneof(
  countryArb,
  countryArb.map((country) => country.toLowerCase()),
  fc.constantFrom(undefined, '', 'XX', 'ZZ', 'A', '001', 'constructor', '__proto__'),
);

/** A national number near a valid one: the country's example with a few digits changed. */
const nationalArb = countryArb.chain((country) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 9 })), { maxLength: 3 }),
      fc.constantFrom('same', 'same', 'same', 'drop', 'add'),
      fc.nat(),
    )
    .map(([changes, length, at]) => {
      const digits = (exampleNumbers[country] ?? '').split('');
      for (const [position, digit] of changes)
        if (digits.length > 0) digits[position % digits.length] = String(digit);
      if (length === 'drop' && digits.length > 0) digits.splice(at % digits.length, 1);
      if (length === 'add') digits.splice(at % (digits.length + 1), 0, String(at % 10));
      return { country, national: digits.join('') };
    }),
);

/** The ways people prefix a number: "+57", "0057", "57", a trunk "0", "011 57"... */
const writtenArb = fc
  .tuple(nationalArb, fc.constantFrom('+cc', '00cc', 'cc', '0', '011cc', '+cc0', '', '', ''))
  .map(([{ country, national }, prefix]) => {
    const code = callingCodeOf(country);
    const head = prefix.startsWith('+')
      ? `+${code}`
      : prefix.startsWith('00')
        ? `00${code}`
        : prefix.startsWith('011')
          ? `011${code}`
          : prefix === 'cc'
            ? code
            : prefix;
    return `${head}${prefix.endsWith('0') && prefix !== '0' ? '0' : ''}${national}`;
  });

const commonSeparator = fc.constantFrom(' ', '-', '.', '(', ')', '  ', ' - ');
const rareSeparator = fc.constantFrom(
  '/',
  '~',
  ',',
  ';',
  '#',
  'x',
  ' ext ',
  '+',
  '\u00a0',
  '\t',
  '\u2013',
  '＋',
  '٣',
  'tel:',
);

/** A written number with separators between some digits and sometimes around it. */
const phoneTextArb = fc
  .tuple(
    writtenArb,
    fc.array(
      fc.tuple(fc.nat(), fc.oneof({ weight: 9, arbitrary: commonSeparator }, rareSeparator)),
      {
        maxLength: 6,
      },
    ),
    fc.constantFrom('', '', '', ' ', '(', '-'),
    fc.constantFrom('', '', '', ' ', ')', '-'),
  )
  .map(([written, separators, before, after]) => {
    const characters = written.split('');
    for (const [position, separator] of separators)
      characters.splice(1 + (position % Math.max(1, characters.length)), 0, separator);
    return `${before}${characters.join('')}${after}`;
  });

function expectLibraryReading(raw: string, defaultCountry: string | undefined): void {
  const expected = libraryReading(raw, defaultCountry);
  expect(normalizePhone(raw, defaultCountry)).toEqual(expected);
  const plain = normalizePlainPhone(raw, defaultCountry);
  if (plain !== undefined) expect(plain).toEqual(expected);
}

describe('normalizePhone reads plain numbers exactly as libphonenumber-js does', () => {
  it('for numbers written in every country and style', () => {
    fc.assert(
      fc.property(phoneTextArb, defaultCountryArb, (raw, defaultCountry) =>
        expectLibraryReading(raw, defaultCountry),
      ),
      { numRuns: 20_000 },
    );
  });

  it('for the number in its own country', () => {
    fc.assert(
      fc.property(nationalArb, fc.constantFrom('', '0', '+cc '), ({ country, national }, how) => {
        const raw = how === '+cc ' ? `+${callingCodeOf(country)} ${national}` : how + national;
        expectLibraryReading(raw, country);
      }),
      { numRuns: 10_000 },
    );
  });

  it('for arbitrary text made of phone characters', () => {
    const characters = fc.constantFrom(...'0123456789 -.()+/x#,;'.split(''), '00', '57', '\t');
    fc.assert(
      fc.property(
        fc.array(characters, { maxLength: 24 }).map((parts) => parts.join('')),
        defaultCountryArb,
        (raw, defaultCountry) => expectLibraryReading(raw, defaultCountry),
      ),
      { numRuns: 10_000 },
    );
  });

  it.each([
    ['+57 300 555 0101', 'CO', '+573005550101', 'CO'],
    ['3005550101', 'CO', '+573005550101', 'CO'],
    ['300 5550101', 'CO', '+573005550101', 'CO'],
    ['573005550101', 'CO', '+573005550101', 'CO'],
    ['(55) 1234-5678', 'MX', '+525512345678', 'MX'],
    ['+52 55 1234 5678', 'CO', '+525512345678', 'MX'],
    ['00 54 9 11 2345-6789', 'CO', '+5491123456789', 'AR'],
    ['011 15 2345-6789', 'AR', '+5491123456789', 'AR'],
    ['+55 11 91234-5678', 'CO', '+5511912345678', 'BR'],
    ['(11) 91234-5678', 'BR', '+5511912345678', 'BR'],
    ['9 8765 4321', 'CL', '+56987654321', 'CL'],
    ['+51 912 345 678', 'CO', '+51912345678', 'PE'],
    ['612 34 56 78', 'ES', '+34612345678', 'ES'],
    ['912 345 678', 'PT', '+351912345678', 'PT'],
  ])('reads %s (default %s) without the full parse', (raw, defaultCountry, e164, country) => {
    expect(normalizePlainPhone(raw, defaultCountry)).toEqual({ ok: true, e164, country });
    expect(libraryReading(raw, defaultCountry)).toEqual({ ok: true, e164, country });
  });

  it('leaves shared calling codes, odd characters and refusals to libphonenumber-js', () => {
    expect(normalizePlainPhone('(212) 555-0101', 'US')).toBeUndefined();
    expect(normalizePlainPhone('+1 212 555 0101', 'CO')).toBeUndefined();
    expect(normalizePlainPhone('300 555 0101 ext 12', 'CO')).toBeUndefined();
    expect(normalizePlainPhone('＋57 300 555 0101', 'CO')).toBeUndefined();
    expect(normalizePlainPhone('12345', 'CO')).toBeUndefined();
    expect(normalizePhone('12345', 'CO')).toEqual(libraryReading('12345', 'CO'));
  });
});

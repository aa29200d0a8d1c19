import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/min/metadata';
import { demoPortfolioColumns, generateDemoPortfolio } from '../../src/app/demo-portfolio.js';
import { cachedPhoneNormalizer, FirstLineIndex } from '../../src/app/import-portfolio.js';
import type { LocalDate } from '../../src/domain/dates.js';
import { normalizePhone, type NormalizePhoneResult } from '../../src/domain/phone.js';

/** The first line of every ref, the way a Map answers it. */
function firstLinesByMap(refs: readonly string[]): (number | undefined)[] {
  const firstLine = new Map<string, number>();
  return refs.map((ref, line) => {
    const first = firstLine.get(ref);
    if (first === undefined) firstLine.set(ref, line);
    return first;
  });
}

function firstLinesByIndex(refs: readonly string[]): (number | undefined)[] {
  const index = new FirstLineIndex();
  return refs.map((ref, line) => index.firstLineOrAdd(ref, line));
}

describe('FirstLineIndex', () => {
  it('answers as a Map of first lines would, for any refs', () => {
    const refArb = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('', 'A-1', 'A-10', 'A-1 ', 'a-1', 'ñ', '😀'),
    );
    fc.assert(
      fc.property(fc.array(refArb, { maxLength: 300 }), (refs) => {
        expect(firstLinesByIndex(refs)).toEqual(firstLinesByMap(refs));
      }),
      { numRuns: 2000 },
    );
  });

  it('never takes one ref for another with the same hash', () => {
    // Pairs whose 32-bit hashes collide (found by search; they stay a valid test if the hash
    // changes, only a weaker one).
    const refs = ['A-549599', 'A-712382', 'A-549598', 'A-712383', 'A-712382', 'A-549598'];
    expect(firstLinesByIndex(refs)).toEqual([undefined, undefined, undefined, undefined, 1, 2]);
  });

  it('stays exact as it grows past a hundred thousand refs', () => {
    const refs: string[] = [];
    for (let i = 0; i < 150_000; i += 1) {
      refs.push(`BENCH-${String(i).padStart(7, '0')}`);
      if (i % 7 === 0) refs.push(`BENCH-${String(i >> 1).padStart(7, '0')}`);
      if (i % 1000 === 0) refs.push(`${'x'.repeat(i % 200)}${i}`);
    }
    const index = new FirstLineIndex();
    const answers = refs.map((ref, line) => index.firstLineOrAdd(ref, line));
    expect(answers).toEqual(firstLinesByMap(refs));
    expect(index.size).toBe(new Set(refs).size);
  });
});

function libraryReading(raw: string, defaultCountry: string): NormalizePhoneResult {
  let text = raw.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (text.startsWith('00')) text = `+${text.slice(2)}`;
  const parsed = parsePhoneNumberFromString(
    text,
    { defaultCountry: defaultCountry.toUpperCase() as CountryCode },
    metadata,
  );
  if (!parsed) return { ok: false, reason: 'unparseable' };
  if (!parsed.isValid()) return { ok: false, reason: 'invalid' };
  return { ok: true, e164: parsed.number, country: parsed.country };
}

describe('phones of a generated portfolio (the benchmark file)', () => {
  it('read exactly as libphonenumber-js reads them, memo or not', () => {
    const phoneAt = demoPortfolioColumns.indexOf('phone');
    const countryAt = demoPortfolioColumns.indexOf('country');
    const normalize = cachedPhoneNormalizer(64);
    let rows = 0;
    for (const fields of generateDemoPortfolio({
      accounts: 20_000,
      seed: 42,
      asOf: '2025-06-30' as LocalDate,
      refPrefix: 'BENCH',
    })) {
      const phone = fields[phoneAt] ?? '';
      const country = fields[countryAt] || 'CO';
      const expected = libraryReading(phone, country);
      expect(normalizePhone(phone, country)).toEqual(expected);
      expect(normalize(phone, country)).toEqual(expected);
      rows += 1;
    }
    expect(rows).toBe(20_000);
  });
});

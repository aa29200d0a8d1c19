import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CsvRecordParser, type CsvRecord } from '../../../src/adapters/csv/csv-record-parser.js';

function parseAll(text: string, delimiter = ',', splits: number[] = []): CsvRecord[] {
  const parser = new CsvRecordParser(delimiter);
  const records: CsvRecord[] = [];
  let at = 0;
  for (const split of [...splits].sort((a, b) => a - b)) {
    records.push(...parser.push(text.slice(at, split)));
    at = split;
  }
  records.push(...parser.push(text.slice(at)));
  records.push(...parser.end());
  return records;
}

describe('CsvRecordParser', () => {
  it('splits fields, unquotes, and numbers records by their first line', () => {
    const text = 'a,b,c\n1,"two, too",3\n\n"x\n""y""",,"z"\r\nlast,row,no-newline';
    expect(parseAll(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'two, too', '3'] },
      { line: 4, fields: ['x\n"y"', '', 'z'] },
      { line: 6, fields: ['last', 'row', 'no-newline'] },
    ]);
  });

  it('accepts lone CR line ends and other delimiters', () => {
    expect(parseAll('a;b\r1;2\r', ';')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
    expect(parseAll('a\tb\n1\t2\n', '\t')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
  });

  it('keeps a trailing empty field and text after a closing quote', () => {
    expect(parseAll('a,\n"b"c,d\n')).toEqual([
      { line: 1, fields: ['a', ''] },
      { line: 2, fields: ['bc', 'd'] },
    ]);
  });

  it('reports an unterminated quote on its first line and resumes on the next', () => {
    expect(parseAll('h1,h2\n1,"oops\n2,ok\n')).toEqual([
      { line: 1, fields: ['h1', 'h2'] },
      { line: 2, fields: [], error: 'unterminated quoted field' },
      { line: 3, fields: ['2', 'ok'] },
    ]);
  });

  it('gives the same records however the text is chunked', () => {
    const text = 'a,b,c\r\n1,"two\r\n""q""",3\n\n4,5,"6"\r7,"",8\n"9",10,11';
    const whole = parseAll(text);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 8 }),
        (splits) => {
          expect(parseAll(text, ',', splits)).toEqual(whole);
        },
      ),
    );
  });

  it('splits quote-free lines as a plain split would', () => {
    const textArb = fc
      .array(fc.constantFrom('a', 'bc', ' ', ',', ';', '\t', '\n', '\r', '\r\n', 'é'), {
        maxLength: 40,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(textArb, fc.constantFrom(',', ';', '\t'), (text, delimiter) => {
        const expected: CsvRecord[] = [];
        text.split(/\r\n|\r|\n/).forEach((line, i) => {
          if (line !== '') expected.push({ line: i + 1, fields: line.split(delimiter) });
        });
        expect(parseAll(text, delimiter)).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('gives the same records however any text is chunked', () => {
    const textArb = fc
      .array(fc.constantFrom('a', 'b', ',', '"', '""', '\n', '\r', '\r\n', ' '), { maxLength: 30 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(
        textArb,
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 5 }),
        (text, splits) => {
          const cuts = splits.map((split) => Math.min(split, text.length));
          expect(parseAll(text, ',', cuts)).toEqual(parseAll(text));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

/**
 * What a portfolio file does not say about itself and must be read from its bytes: the text
 * encoding, the delimiter and how amounts write their decimals.
 */
import type { DecimalStyle } from '../money.js';

/** Field delimiters cuota reads: comma, semicolon (Excel in Spanish and Portuguese) and tab. */
export type Delimiter = ',' | ';' | '\t';

/**
 * The delimiter of a header line: whichever of comma, semicolon and tab occurs most outside
 * quotes. Ties and a single-column header fall back to comma.
 */
export function detectDelimiter(headerLine: string): Delimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let isQuoted = false;
  for (const char of headerLine) {
    if (char === '"') isQuoted = !isQuoted;
    else if (!isQuoted && (char === ',' || char === ';' || char === '\t')) counts[char] += 1;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

const commaDecimal = /^\d{1,3}(\.\d{3})+,\d+$|^\d+,\d{1,2}$|^\d+,\d{4,}$/;
const pointDecimal = /^\d{1,3}(,\d{3})+\.\d+$|^\d+\.\d{1,2}$|^\d+\.\d{4,}$/;
const commaGroupedTwice = /^\d{1,3}(,\d{3}){2,}$/;
const pointGroupedTwice = /^\d{1,3}(\.\d{3}){2,}$/;

/**
 * How one amount votes: `comma` or `point` when only one reading makes sense ("1.234,56",
 * "12,5", "1.250.000"), undefined when both do ("1.250", "1,250", "1234").
 */
export function decimalStyleOf(raw: string): DecimalStyle | undefined {
  const text = raw.replace(/^[^\d]*/, '').replace(/[\s\u00a0']/g, '');
  if (commaDecimal.test(text) || pointGroupedTwice.test(text)) return 'comma';
  if (pointDecimal.test(text) || commaGroupedTwice.test(text)) return 'point';
  return undefined;
}

/**
 * The decimal style of a file from a sample of its balance column: the majority of the values
 * that can only be read one way. When none can, a semicolon-delimited file (a spreadsheet
 * saved in a comma-decimal locale) is `comma` and any other file `point`.
 */
export function detectDecimalStyle(samples: readonly string[], delimiter: Delimiter): DecimalStyle {
  let comma = 0;
  let point = 0;
  for (const sample of samples) {
    const vote = decimalStyleOf(sample);
    if (vote === 'comma') comma += 1;
    else if (vote === 'point') point += 1;
  }
  if (comma > point) return 'comma';
  if (point > comma) return 'point';
  return delimiter === ';' ? 'comma' : 'point';
}

/** Text encodings cuota reads portfolio files in. */
export type TextEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export type SniffResult =
  /** Decided: decode from `skip` bytes on (the byte order mark, when there is one). */
  | {
      readonly decided: true;
      readonly encoding: TextEncoding;
      readonly hasBom: boolean;
      readonly skip: number;
    }
  /** Only ASCII so far: every candidate decodes it alike; decide on a later chunk. */
  | { readonly decided: false };

/**
 * Tells the encoding from the first bytes of a file that settle it: a byte order mark, else
 * whether the first non-ASCII bytes are valid UTF-8, else Windows-1252 (what Excel writes as
 * "CSV" on Windows in Latin America, a superset of Latin-1). `isEnd` says no more bytes follow,
 * so an incomplete UTF-8 sequence at the end is invalid rather than cut by the chunk.
 */
export function sniffEncoding(bytes: Uint8Array, isStart: boolean, isEnd: boolean): SniffResult {
  if (isStart) {
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
      return { decided: true, encoding: 'utf-8', hasBom: true, skip: 3 };
    if (bytes[0] === 0xff && bytes[1] === 0xfe)
      return { decided: true, encoding: 'utf-16le', hasBom: true, skip: 2 };
    if (bytes[0] === 0xfe && bytes[1] === 0xff)
      return { decided: true, encoding: 'utf-16be', hasBom: true, skip: 2 };
  }
  const firstHigh = bytes.findIndex((b) => b >= 0x80);
  if (firstHigh < 0) return { decided: false };
  const encoding = isValidUtf8(bytes.subarray(firstHigh), !isEnd) ? 'utf-8' : 'windows-1252';
  return { decided: true, encoding, hasBom: false, skip: 0 };
}

/**
 * True when `bytes` are well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
 * With `allowTruncatedEnd`, a sequence cut short by the end of the buffer is accepted.
 */
export function isValidUtf8(bytes: Uint8Array, allowTruncatedEnd: boolean): boolean {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = b === 0xe0 ? 0xa0 : 0x80;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f;
    } else {
      return false;
    }
    for (let k = 1; k <= need; k += 1) {
      if (i + k >= n) return allowTruncatedEnd;
      const c = bytes[i + k] as number;
      if (k === 1 ? c < min || c > max : c < 0x80 || c > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}

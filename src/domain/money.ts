/**
 * Money is an integer count of minor units plus an ISO 4217 currency code. Never a float:
 * arithmetic happens on safe integers, and decimal strings are parsed digit by digit.
 */

declare const minorBrand: unique symbol;
/** An integer number of a currency's minor units (cents, centavos; whole pesos for CLP). */
export type Minor = number & { readonly [minorBrand]: true };

declare const currencyBrand: unique symbol;
/** An active ISO 4217 alphabetic code, upper case, known to {@link currencyExponent}. */
export type CurrencyCode = string & { readonly [currencyBrand]: true };

export interface Money {
  readonly amount: Minor;
  readonly currency: CurrencyCode;
}

/**
 * ISO 4217 minor-unit exponents for active currencies (list one, as published by SIX).
 * Codes not listed use 2; codes listed with 0, 3 or 4 are the exceptions.
 */
const exponentExceptions: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

const twoDecimalCurrencies = new Set(
  (
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN ' +
    'BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP ' +
    'GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP ' +
    'LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR ' +
    'NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN ' +
    'SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ' +
    'ZMW ZWG'
  ).split(' '),
);

/** True when `code` is an active ISO 4217 code this build knows the exponent of. */
export function isCurrencyCode(code: string): code is CurrencyCode {
  return twoDecimalCurrencies.has(code) || code in exponentExceptions;
}

/** Parses a currency code case-insensitively; undefined when it is not an active ISO 4217 code. */
export function toCurrencyCode(raw: string): CurrencyCode | undefined {
  const code = raw.trim().toUpperCase();
  return isCurrencyCode(code) ? code : undefined;
}

/** The number of decimal places of the currency's minor unit (2 for USD, 0 for CLP, 3 for KWD). */
export function currencyExponent(currency: CurrencyCode): number {
  // The set first: most amounts are in two-decimal currencies, and a Set lookup is cheaper.
  return twoDecimalCurrencies.has(currency) ? 2 : (exponentExceptions[currency] ?? 2);
}

/** The exponent of a code the tables list; undefined for other names isCurrencyCode lets by. */
function tabledExponent(code: string): number | undefined {
  if (twoDecimalCurrencies.has(code)) return 2;
  return Object.hasOwn(exponentExceptions, code) ? exponentExceptions[code] : undefined;
}

/** Wraps an integer as minor units; throws on a float or an unsafe integer (a bug, not input). */
export function minor(value: number): Minor {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`minor units must be a safe integer, got ${value}`);
  return value as Minor;
}

export function money(amount: number, currency: CurrencyCode): Money {
  return { amount: minor(amount), currency };
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency)
    throw new RangeError(`currency mismatch: ${a.currency} vs ${b.currency}`);
}

export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amount + b.amount, a.currency);
}

export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amount - b.amount, a.currency);
}

export function compareMoney(a: Money, b: Money): number {
  sameCurrency(a, b);
  return a.amount - b.amount;
}

/**
 * Applies a percentage given in basis points (1% = 100 bp) and rounds half up to a whole minor
 * unit. Integer arithmetic only.
 */
export function percentOf(amount: Minor, basisPoints: number): Minor {
  if (!Number.isSafeInteger(basisPoints) || basisPoints < 0)
    throw new RangeError('basis points must be a non-negative integer');
  return minor(Math.floor((amount * basisPoints + 5000) / 10000));
}

/** How a file or a person writes decimals: "1.234,56" is `comma`, "1,234.56" is `point`. */
export type DecimalStyle = 'comma' | 'point';

export type ParseAmountResult =
  | { ok: true; amount: Minor }
  | {
      ok: false;
      reason: 'empty' | 'not-a-number' | 'negative' | 'too-many-decimals' | 'too-large';
    };

const groupedInteger = {
  point: /^\d{1,3}(,\d{3})+$/,
  comma: /^\d{1,3}(\.\d{3})+$/,
} as const;

/**
 * Parses a decimal amount written by a person or a spreadsheet ("1.234,56", "1,234.56", "1234",
 * "$ 1.250.000") into minor units of `currency`, without floating point. Thousands separators
 * must group by three. More decimals than the currency has is an error, not a rounding.
 */
export function parseDecimalAmount(
  raw: string,
  style: DecimalStyle,
  currency: CurrencyCode,
): ParseAmountResult {
  const knownExponent = tabledExponent(currency);
  const plain =
    knownExponent === undefined
      ? undefined
      : plainAmount(raw, style === 'comma' ? COMMA : POINT, knownExponent);
  if (plain !== undefined) return plain;
  let text = raw
    .trim()
    .replace(/^[A-Za-z]{3}\s*(?=[\d$.,])/, '')
    .replace(/^\$\s*/, '')
    .replace(/[\s\u00a0']/g, '');
  if (text === '') return { ok: false, reason: 'empty' };
  if (text.startsWith('-') || (text.startsWith('(') && text.endsWith(')')))
    return { ok: false, reason: 'negative' };
  if (text.startsWith('+')) text = text.slice(1);
  const decimalMark = style === 'comma' ? ',' : '.';
  const groupMark = style === 'comma' ? '.' : ',';
  const exponent = currencyExponent(currency);

  let integerPart = text;
  let fraction = '';
  const lastDecimal = text.lastIndexOf(decimalMark);
  // A mark that appears twice cannot be the decimal one: "1.250.000" written point-style is
  // grouped with points.
  if (lastDecimal >= 0 && text.indexOf(decimalMark) !== lastDecimal) {
    if (!groupedInteger[style === 'comma' ? 'point' : 'comma'].test(text))
      return { ok: false, reason: 'not-a-number' };
    return finish(text.split(decimalMark).join(''), '', exponent);
  }
  if (lastDecimal >= 0) {
    integerPart = text.slice(0, lastDecimal);
    fraction = text.slice(lastDecimal + 1);
    if (!/^\d+$/.test(fraction)) return { ok: false, reason: 'not-a-number' };
    if (integerPart === '') integerPart = '0';
  }
  if (integerPart.includes(groupMark)) {
    if (!groupedInteger[style].test(integerPart)) return { ok: false, reason: 'not-a-number' };
    integerPart = integerPart.split(groupMark).join('');
  }
  if (!/^\d+$/.test(integerPart)) return { ok: false, reason: 'not-a-number' };
  // "1.250" in a zero-decimal currency written point-style is a grouped thousand, not 1.25.
  if (
    exponent === 0 &&
    fraction.length === 3 &&
    lastDecimal >= 0 &&
    groupedInteger[style === 'comma' ? 'point' : 'comma'].test(text)
  ) {
    integerPart = text.split(decimalMark).join('');
    fraction = '';
  }
  return finish(integerPart, fraction, exponent);
}

const POINT = 46;
const COMMA = 44;
const ZERO = 48;
/** Digits a plain amount may have in minor units and still be a safe integer whatever they are. */
const safeDigits = 15;

/**
 * The common case of {@link parseDecimalAmount} without building strings: digits with at most
 * one decimal mark between digits ("1250000.00", "845000"), short enough to be safe. Undefined
 * for anything else, including the zero-decimal "1.250" that reads as a grouped thousand.
 */
function plainAmount(
  raw: string,
  decimalMark: number,
  exponent: number,
): ParseAmountResult | undefined {
  const n = raw.length;
  let markAt = -1;
  for (let i = 0; i < n; i += 1) {
    const c = raw.charCodeAt(i);
    if (c >= ZERO && c <= ZERO + 9) continue;
    if (c !== decimalMark || markAt >= 0 || i === 0 || i === n - 1) return undefined;
    markAt = i;
  }
  if (n === 0) return undefined;
  const integerDigits = markAt < 0 ? n : markAt;
  if (integerDigits + exponent > safeDigits) return undefined;
  let fractionEnd = n;
  if (markAt >= 0) {
    if (exponent === 0 && n - markAt - 1 === 3) return undefined;
    while (fractionEnd > markAt + 1 && raw.charCodeAt(fractionEnd - 1) === ZERO) fractionEnd -= 1;
    if (fractionEnd - markAt - 1 > exponent) return { ok: false, reason: 'too-many-decimals' };
  }
  let value = 0;
  for (let i = 0; i < integerDigits; i += 1) value = value * 10 + (raw.charCodeAt(i) - ZERO);
  let scale = exponent;
  for (let i = markAt + 1; markAt >= 0 && i < fractionEnd; i += 1) {
    value = value * 10 + (raw.charCodeAt(i) - ZERO);
    scale -= 1;
  }
  for (; scale > 0; scale -= 1) value *= 10;
  return { ok: true, amount: value as Minor };
}

function finish(integerPart: string, rawFraction: string, exponent: number): ParseAmountResult {
  const fraction = rawFraction.replace(/0+$/, '');
  if (fraction.length > exponent) return { ok: false, reason: 'too-many-decimals' };
  const digits = (integerPart + fraction.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  const value = Number(digits);
  if (digits.length > 16 || !Number.isSafeInteger(value)) return { ok: false, reason: 'too-large' };
  return { ok: true, amount: minor(value) };
}

/** Writes minor units as a plain decimal string with a point ("1234.56"): for APIs and CSV. */
export function formatDecimal(value: Money): string {
  const exponent = currencyExponent(value.currency);
  const sign = value.amount < 0 ? '-' : '';
  const digits = String(Math.abs(value.amount)).padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * Formats money for a person in their locale with Intl ("$ 1.250,00" for es-AR). The decimal
 * string is handed to Intl as a string so no float rounding can occur.
 */
export function formatMoney(value: Money, locale: string): string {
  return currencyFormatter(locale, value.currency).format(
    formatDecimal(value) as unknown as number,
  );
}

// Building an Intl formatter costs far more than using one; there are few locale x currency pairs.
const currencyFormatters = new Map<string, Intl.NumberFormat>();

function currencyFormatter(locale: string, currency: CurrencyCode): Intl.NumberFormat {
  const key = `${locale}\u0000${currency}`;
  let format = currencyFormatters.get(key);
  if (format === undefined) {
    const exponent = currencyExponent(currency);
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    currencyFormatters.set(key, format);
  }
  return format;
}

/**
 * One line of a portfolio file, checked: either a {@link PortfolioRow} ready for the store or
 * the list of what is wrong with it, one entry per bad field, in words an operator can act on.
 */
import { isTimeZone, parseLocalDate, type LocalDate } from '../dates.js';
import {
  currencyExponent,
  parseDecimalAmount,
  toCurrencyCode,
  type CurrencyCode,
  type DecimalStyle,
  type Minor,
} from '../money.js';
import type { NormalizePhoneResult } from '../phone.js';
import { defaultLocaleFor, isLocaleTag, resolveTimeZone } from '../regions.js';
import {
  optionalColumns,
  requiredColumns,
  type ColumnMapping,
  type PortfolioColumn,
} from './columns.js';

/** The operator's defaults for what a row does not say. */
export interface RegionDefaults {
  /** ISO 3166 alpha-2, for national phone numbers and locale. */
  readonly country: string;
  /** IANA zone when neither the row nor the phone tells one. */
  readonly timeZone: string;
  /** BCP 47 tag when neither the row nor its country tells one. */
  readonly locale: string;
}

/**
 * A valid row. Optional values are undefined when the cell was blank or the column absent; the
 * store then keeps what it has (a blank never erases). `explicit*` fields hold what the file
 * said; `resolved*` what a new debtor gets when it said nothing.
 */
export interface PortfolioRow {
  /** Line in the file where the record starts (the header is line 1). */
  readonly line: number;
  readonly accountRef: string;
  readonly debtorRef: string;
  readonly name: string;
  /** E.164. */
  readonly phone: string;
  readonly currency: CurrencyCode;
  /** Minor units of `currency`, never negative. */
  readonly balance: Minor;
  readonly dueDate: LocalDate;
  /** Lower-cased. */
  readonly email: string | undefined;
  readonly documentId: string | undefined;
  /** ISO 3166 alpha-2 from the file. */
  readonly explicitCountry: string | undefined;
  /** The file's country, else the phone's. */
  readonly resolvedCountry: string | undefined;
  /** IANA zone from the file. */
  readonly explicitTimeZone: string | undefined;
  /** By resolveTimeZone: the file's zone, else the phone country's, else the default. */
  readonly resolvedTimeZone: string;
  /** Canonical BCP 47 tag from the file. */
  readonly explicitLocale: string | undefined;
  /** The file's locale, else the country's, else the default. */
  readonly resolvedLocale: string;
  readonly product: string | undefined;
  readonly originalAmount: Minor | undefined;
  readonly minPayment: Minor | undefined;
  readonly segment: string | undefined;
  /** Numeric Telegram chat id. */
  readonly telegramId: string | undefined;
  /** Undefined when the cell was blank; never contains '|' or ','. */
  readonly tags: readonly string[] | undefined;
}

/** One problem with one field of a row. `column` is the header as the file wrote it. */
export interface RowProblem {
  readonly column: string;
  readonly value: string;
  readonly reason: string;
}

/** A line of the rejects report: `row` is the line the record starts on (header = line 1). */
export interface RowReject extends RowProblem {
  readonly row: number;
}

export interface RowContext {
  readonly mapping: ColumnMapping;
  readonly decimalStyle: DecimalStyle;
  readonly defaults: RegionDefaults;
  /** normalizePhone from phone.ts, or a cached wrapper of it. */
  readonly normalizePhone: (raw: string, defaultCountry: string) => NormalizePhoneResult;
}

export type CheckRowResult =
  | { readonly ok: true; readonly row: PortfolioRow }
  | { readonly ok: false; readonly problems: readonly RowProblem[] };

/** The longest reference, name or free-text value accepted. */
export const maxTextLength = 200;

/** True for a record with no content at all (a blank line, or ";;;;" as Excel leaves below a table). */
export function isBlankRecord(fields: readonly string[]): boolean {
  return fields.every((field) => field.trim() === '');
}

const countryNames: Readonly<Record<string, string>> = {
  argentina: 'AR',
  bolivia: 'BO',
  brasil: 'BR',
  brazil: 'BR',
  chile: 'CL',
  colombia: 'CO',
  costarica: 'CR',
  ecuador: 'EC',
  elsalvador: 'SV',
  espana: 'ES',
  spain: 'ES',
  guatemala: 'GT',
  honduras: 'HN',
  mexico: 'MX',
  nicaragua: 'NI',
  panama: 'PA',
  paraguay: 'PY',
  peru: 'PE',
  portugal: 'PT',
  puertorico: 'PR',
  republicadominicana: 'DO',
  dominicanrepublic: 'DO',
  uruguay: 'UY',
  venezuela: 'VE',
  estadosunidos: 'US',
  unitedstates: 'US',
  usa: 'US',
};

let regionNames: Intl.DisplayNames | undefined;
/** Codes already looked up: Intl.DisplayNames is slow, and a file repeats a handful of countries. */
const knownRegions = new Map<string, boolean>();

function isRegionCode(code: string): boolean {
  let isKnown = knownRegions.get(code);
  if (isKnown === undefined) {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    isKnown = regionNames.of(code) !== undefined;
    if (knownRegions.size < 1000) knownRegions.set(code, isKnown);
  }
  return isKnown;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Locale cells already canonicalised: Intl is slow, and a file repeats a handful of locales. */
const knownLocales = new Map<string, string | null>();

/** The canonical BCP 47 tag of a locale cell ("es_co" is es-CO), or undefined. */
function canonicalLocale(raw: string): string | undefined {
  let canonical = knownLocales.get(raw);
  if (canonical === undefined) {
    const tag = raw.replace(/_/g, '-');
    canonical = (isLocaleTag(tag) ? Intl.getCanonicalLocales(tag)[0] : undefined) ?? null;
    if (knownLocales.size < 1000) knownLocales.set(raw, canonical);
  }
  return canonical ?? undefined;
}

/** ISO 3166 alpha-2 from a code ("co") or a common country name ("Colombia", "México"). */
export function parseCountry(raw: string): string | undefined {
  const text = trimmed(raw);
  if (text.length === 2 && isAsciiLetter(text.charCodeAt(0)) && isAsciiLetter(text.charCodeAt(1))) {
    const code = text.toUpperCase();
    return isRegionCode(code) ? code : undefined;
  }
  const key = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  return countryNames[key];
}

/** Tags from one cell: separated by `|` or `,`, trimmed, blanks and repeats dropped. */
export function parseTags(raw: string): string[] {
  if (!hasTagSeparator(raw)) {
    const tag = trimmed(raw);
    return tag === '' ? [] : [tag];
  }
  return [
    ...new Set(
      raw
        .split(/[|,]/)
        .map((tag) => tag.trim())
        .filter((tag) => tag !== ''),
    ),
  ];
}

function hasTagSeparator(raw: string): boolean {
  for (let i = 0; i < raw.length; i += 1) {
    const c = raw.charCodeAt(i);
    if (c === 124 || c === 44) return true;
  }
  return false;
}

/** What `\s` matches and String.prototype.trim removes: ECMAScript WhiteSpace and LineTerminator. */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** `text.trim()`, skipping the call for the usual cell that starts and ends with a printable. */
function trimmed(text: string): string {
  const n = text.length;
  if (n === 0) return text;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(n - 1);
  return first > 32 && first < 127 && last > 32 && last < 127 ? text : text.trim();
}

/** `/\s\s|[\t\r\n]/.test(text)`, without the regex: spacing that textOf collapses. */
function hasLooseSpacing(text: string): boolean {
  let wasSpace = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c > 32 && c < 127) {
      wasSpace = false;
      continue;
    }
    if (c === 9 || c === 10 || c === 13) return true;
    const isSpaceNow = isSpace(c);
    if (isSpaceNow && wasSpace) return true;
    wasSpace = isSpaceNow;
  }
  return false;
}

const emailShape = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>".]+$/;

const amountReasons = {
  'not-a-number': (style: DecimalStyle) =>
    `not a number (this file writes amounts like ${style === 'comma' ? '1.234,56' : '1,234.56'})`,
  negative: () => 'negative amount',
  'too-large': () => 'amount too large',
} as const;

/** Where each column sits in a record, -1 when the file lacks it. */
type Positions = Readonly<Record<PortfolioColumn, number>>;

const allColumns: readonly PortfolioColumn[] = [...requiredColumns, ...optionalColumns];
// Read once per mapping: a keyed lookup per cell of a million rows costs more than the cell.
const positionsByMapping = new WeakMap<ColumnMapping, Positions>();

function positionsOf(mapping: ColumnMapping): Positions {
  let positions = positionsByMapping.get(mapping);
  if (positions === undefined) {
    positions = Object.fromEntries(
      allColumns.map((column) => [column, mapping.index[column] ?? -1]),
    ) as Positions;
    positionsByMapping.set(mapping, positions);
  }
  return positions;
}

function cellAt(fields: readonly string[], position: number): string {
  return position < 0 ? '' : trimmed(fields[position] ?? '');
}

function report(
  problems: RowProblem[],
  mapping: ColumnMapping,
  column: PortfolioColumn,
  value: string,
  reason: string,
): undefined {
  problems.push({ column: mapping.label[column] ?? column, value, reason });
  return undefined;
}

function textOf(
  fields: readonly string[],
  position: number,
  mapping: ColumnMapping,
  problems: RowProblem[],
  column: PortfolioColumn,
  isRequired: boolean,
): string | undefined {
  let value = cellAt(fields, position);
  if (value === '')
    return isRequired
      ? report(problems, mapping, column, '', 'required value is empty')
      : undefined;
  if (hasLooseSpacing(value)) value = value.replace(/\s+/g, ' ');
  if (value.length > maxTextLength)
    return report(problems, mapping, column, value, `longer than ${maxTextLength} characters`);
  return value;
}

function amountOf(
  fields: readonly string[],
  position: number,
  context: RowContext,
  problems: RowProblem[],
  column: PortfolioColumn,
  currency: CurrencyCode | undefined,
  isRequired: boolean,
): Minor | undefined {
  const { mapping, decimalStyle } = context;
  const raw = cellAt(fields, position);
  if (raw === '')
    return isRequired
      ? report(problems, mapping, column, '', 'required value is empty')
      : undefined;
  if (currency === undefined) return undefined;
  const parsed = parseDecimalAmount(raw, decimalStyle, currency);
  if (parsed.ok) return parsed.amount;
  switch (parsed.reason) {
    case 'empty':
      return isRequired
        ? report(problems, mapping, column, raw, 'required value is empty')
        : undefined;
    case 'too-many-decimals':
      return report(
        problems,
        mapping,
        column,
        raw,
        `more decimals than ${currency} has (${currencyExponent(currency)})`,
      );
    case 'not-a-number':
      return report(problems, mapping, column, raw, amountReasons['not-a-number'](decimalStyle));
    case 'negative':
    case 'too-large':
      return report(problems, mapping, column, raw, amountReasons[parsed.reason]());
  }
}

/**
 * Checks one record against the mapping and turns it into a row. Every problem of the record is
 * reported, not only the first; a record with the wrong number of fields gets just that one.
 * `line` is where the record starts in the file.
 */
export function checkRow(
  fields: readonly string[],
  line: number,
  context: RowContext,
): CheckRowResult {
  const { mapping, defaults } = context;
  if (fields.length !== mapping.width) {
    return {
      ok: false,
      problems: [
        {
          column: '',
          value: '',
          reason: `expected ${mapping.width} columns, found ${fields.length}`,
        },
      ],
    };
  }
  const at = positionsOf(mapping);
  const problems: RowProblem[] = [];
  const accountRef = textOf(fields, at.account_ref, mapping, problems, 'account_ref', true);
  const debtorRef = textOf(fields, at.debtor_ref, mapping, problems, 'debtor_ref', true);
  const name = textOf(fields, at.name, mapping, problems, 'name', true);

  const rawCurrency = cellAt(fields, at.currency);
  let currency: CurrencyCode | undefined;
  if (rawCurrency === '') report(problems, mapping, 'currency', '', 'required value is empty');
  else {
    currency = toCurrencyCode(rawCurrency);
    if (currency === undefined)
      report(
        problems,
        mapping,
        'currency',
        rawCurrency,
        'not an ISO 4217 currency code (such as COP, MXN, BRL)',
      );
  }
  const balance = amountOf(fields, at.balance, context, problems, 'balance', currency, true);
  const originalAmount =
    at.original_amount < 0
      ? undefined
      : amountOf(fields, at.original_amount, context, problems, 'original_amount', currency, false);
  const minPayment =
    at.min_payment < 0
      ? undefined
      : amountOf(fields, at.min_payment, context, problems, 'min_payment', currency, false);

  const rawDueDate = cellAt(fields, at.due_date);
  let dueDate: LocalDate | undefined;
  if (rawDueDate === '') report(problems, mapping, 'due_date', '', 'required value is empty');
  else {
    dueDate = parseLocalDate(rawDueDate);
    if (dueDate === undefined)
      report(
        problems,
        mapping,
        'due_date',
        rawDueDate,
        'not a valid date (use YYYY-MM-DD or DD/MM/YYYY)',
      );
  }

  const rawCountry = cellAt(fields, at.country);
  let explicitCountry: string | undefined;
  if (rawCountry !== '') {
    explicitCountry = parseCountry(rawCountry);
    if (explicitCountry === undefined)
      report(
        problems,
        mapping,
        'country',
        rawCountry,
        'not an ISO 3166 country code (such as CO, MX, BR)',
      );
  }

  const rawPhone = cellAt(fields, at.phone);
  let phone: string | undefined;
  let phoneCountry: string | undefined;
  if (rawPhone === '') report(problems, mapping, 'phone', '', 'required value is empty');
  else if (rawCountry === '' || explicitCountry !== undefined) {
    const readAs = explicitCountry ?? defaults.country;
    const normalized = context.normalizePhone(rawPhone, readAs);
    if (normalized.ok) {
      phone = normalized.e164;
      phoneCountry = normalized.country;
    } else {
      report(
        problems,
        mapping,
        'phone',
        rawPhone,
        normalized.reason === 'invalid'
          ? `not a valid phone number (read as ${readAs} when it has no +country code)`
          : 'not a phone number',
      );
    }
  }

  const explicitTimeZone = textOf(fields, at.timezone, mapping, problems, 'timezone', false);
  if (explicitTimeZone !== undefined && !isTimeZone(explicitTimeZone)) {
    report(
      problems,
      mapping,
      'timezone',
      explicitTimeZone,
      'unknown time zone (use an IANA name such as America/Bogota)',
    );
  }

  const rawLocale = cellAt(fields, at.locale);
  let explicitLocale: string | undefined;
  if (rawLocale !== '') {
    explicitLocale = canonicalLocale(rawLocale);
    if (explicitLocale === undefined)
      report(problems, mapping, 'locale', rawLocale, 'not a locale tag (such as es-CO or pt-BR)');
  }

  const rawEmail = cellAt(fields, at.email);
  let email: string | undefined;
  if (rawEmail !== '') {
    if (emailShape.test(rawEmail) && rawEmail.length <= maxTextLength)
      email = rawEmail.toLowerCase();
    else report(problems, mapping, 'email', rawEmail, 'not an email address');
  }

  const rawTelegram = cellAt(fields, at.telegram_id);
  let telegramId: string | undefined;
  if (rawTelegram !== '') {
    if (/^\d{1,19}$/.test(rawTelegram)) telegramId = rawTelegram;
    else report(problems, mapping, 'telegram_id', rawTelegram, 'not a numeric Telegram chat id');
  }

  const documentId = textOf(fields, at.document_id, mapping, problems, 'document_id', false);
  const product = textOf(fields, at.product, mapping, problems, 'product', false);
  const segment = textOf(fields, at.segment, mapping, problems, 'segment', false);
  const rawTags = cellAt(fields, at.tags);
  const tags = rawTags === '' ? undefined : parseTags(rawTags);

  if (
    problems.length > 0 ||
    accountRef === undefined ||
    debtorRef === undefined ||
    name === undefined ||
    phone === undefined ||
    currency === undefined ||
    balance === undefined ||
    dueDate === undefined
  ) {
    return { ok: false, problems };
  }
  const resolvedCountry = explicitCountry ?? phoneCountry;
  return {
    ok: true,
    row: {
      line,
      accountRef,
      debtorRef,
      name,
      phone,
      currency,
      balance,
      dueDate,
      email,
      documentId,
      explicitCountry,
      resolvedCountry,
      explicitTimeZone,
      resolvedTimeZone: resolveTimeZone(explicitTimeZone, phoneCountry, defaults.timeZone),
      explicitLocale,
      resolvedLocale: explicitLocale ?? defaultLocaleFor(resolvedCountry) ?? defaults.locale,
      product,
      originalAmount,
      minPayment,
      segment,
      telegramId,
      tags: tags !== undefined && tags.length > 0 ? tags : undefined,
    },
  };
}

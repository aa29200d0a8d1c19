/**
 * Calendar dates and time zones. Instants are UTC `Date`s; a due date or a promised date is a
 * calendar day with no time ({@link LocalDate}, "YYYY-MM-DD"), read in the debtor's IANA zone.
 */

declare const localDateBrand: unique symbol;
/** A calendar day, "YYYY-MM-DD", valid in the proleptic Gregorian calendar. */
export type LocalDate = string & { readonly [localDateBrand]: true };

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayFirstDate = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * daysInMonth without building a Date, for the years a LocalDate may have (1900-9999, where
 * Date.UTC reads the year as written and follows the same Gregorian leap rule).
 */
function daysInMonthOf(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return monthLengths[month - 1] ?? daysInMonth(year, month);
}

/** Builds a LocalDate from parts; undefined when the day does not exist (2025-02-30). */
export function localDate(year: number, month: number, day: number): LocalDate | undefined {
  if (!Number.isInteger(year) || year < 1900 || year > 9999) return undefined;
  if (!Number.isInteger(month) || month < 1 || month > 12) return undefined;
  if (!Number.isInteger(day) || day < 1 || day > daysInMonthOf(year, month)) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` as LocalDate;
}

function digitAt(text: string, at: number): number {
  const digit = text.charCodeAt(at) - 48;
  return digit >= 0 && digit <= 9 ? digit : Number.NaN;
}

/**
 * parseLocalDate's answer for text that is exactly "YYYY-MM-DD" (what most files write) without
 * a regex match or new strings: a valid date reads back as the text itself. Undefined otherwise.
 */
function isoDateOf(text: string): LocalDate | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45)
    return undefined;
  const year =
    digitAt(text, 0) * 1000 + digitAt(text, 1) * 100 + digitAt(text, 2) * 10 + digitAt(text, 3);
  const month = digitAt(text, 5) * 10 + digitAt(text, 6);
  const day = digitAt(text, 8) * 10 + digitAt(text, 9);
  if (Number.isNaN(year + month + day)) return undefined;
  if (year < 1900 || month < 1 || month > 12 || day < 1) return undefined;
  return day > daysInMonthOf(year, month) ? undefined : (text as LocalDate);
}

/** Parses "YYYY-MM-DD" or day-first "DD/MM/YYYY" (also with '-' or '.'); undefined otherwise. */
export function parseLocalDate(raw: string): LocalDate | undefined {
  const plain = isoDateOf(raw);
  if (plain !== undefined) return plain;
  const text = raw.trim();
  const iso = isoDate.exec(text);
  if (iso) return localDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dayFirst = dayFirstDate.exec(text);
  if (dayFirst) return localDate(Number(dayFirst[3]), Number(dayFirst[2]), Number(dayFirst[1]));
  return undefined;
}

export function isLocalDate(value: string): value is LocalDate {
  return parseLocalDate(value) === value;
}

function toUtcDays(date: LocalDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

function fromUtcDays(days: number): LocalDate {
  const date = new Date(days * 86_400_000);
  return localDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()) as LocalDate;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return toUtcDays(to) - toUtcDays(from);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtcDays(toUtcDays(date) + days);
}

/** Adds calendar months, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return localDate(year, month, Math.min(d, daysInMonth(year, month))) as LocalDate;
}

/** Day of week of a calendar date, 0 = Sunday .. 6 = Saturday. */
export function dayOfWeek(date: LocalDate): number {
  return new Date(toUtcDays(date) * 86_400_000).getUTCDay();
}

/** The last day of the date's month. */
export function endOfMonth(date: LocalDate): LocalDate {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return localDate(y, m, daysInMonth(y, m)) as LocalDate;
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let format = zoneFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    zoneFormatters.set(timeZone, format);
  }
  return format;
}

/** True when `timeZone` is an IANA zone name this runtime knows ("America/Bogota"). */
export function isTimeZone(timeZone: string): boolean {
  try {
    zoneFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar day an instant falls on in an IANA time zone. */
export function localDateIn(instant: Date, timeZone: string): LocalDate {
  const parts = zoneFormatter(timeZone).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return localDate(get('year'), get('month'), get('day')) as LocalDate;
}

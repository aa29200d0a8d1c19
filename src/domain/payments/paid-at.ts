/**
 * When a payment was made, as a file or an API client writes it: an instant with its zone
 * ("2026-03-10T14:05:00Z", "2026-03-10T09:05:00-05:00"), or only a calendar day ("2026-03-10",
 * "10/03/2026"). A day is that day in the debtor's time zone; it is stored as midday there, so
 * the instant reads back as the same day in that zone and a re-import gives the same instant.
 */
import { localDateIn, parseLocalDate, type LocalDate } from '../dates.js';

/** A payment's time as given: an instant (UTC `Date`), or a calendar day in the debtor's zone. */
export type PaidAt =
  | { readonly kind: 'instant'; readonly at: Date }
  | { readonly kind: 'date'; readonly date: LocalDate };

const isoInstant =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

export type ParsePaidAtResult =
  { readonly ok: true; readonly paidAt: PaidAt } | { readonly ok: false; readonly reason: string };

/**
 * Parses a payment time: an ISO 8601 instant with `Z` or an offset, "YYYY-MM-DD" or day-first
 * "DD/MM/YYYY". A time without a zone is refused: it would be read in some zone by guess.
 */
export function parsePaidAt(raw: string): ParsePaidAtResult {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  const date = parseLocalDate(text);
  if (date !== undefined) return { ok: true, paidAt: { kind: 'date', date } };
  const instant = isoInstant.exec(text);
  if (instant !== null) {
    const day = parseLocalDate(`${instant[1]}-${instant[2]}-${instant[3]}`);
    const at = new Date(text.replace(' ', 'T'));
    if (
      day !== undefined &&
      Number(instant[4]) < 24 &&
      Number(instant[5]) < 60 &&
      Number(instant[6] ?? 0) < 60 &&
      !Number.isNaN(at.getTime())
    )
      return { ok: true, paidAt: { kind: 'instant', at } };
    return { ok: false, reason: 'not a valid date and time' };
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text))
    return { ok: false, reason: 'a date and time needs a zone: Z or an offset like -05:00' };
  return {
    ok: false,
    reason: 'expected YYYY-MM-DD, DD/MM/YYYY or an ISO 8601 instant (2026-03-10T14:05:00Z)',
  };
}

const zoneParts = new Map<string, Intl.DateTimeFormat>();

function wallClockIn(instant: Date, timeZone: string): number {
  let format = zoneParts.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zoneParts.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
}

/**
 * The instant of midday on `date` in `timeZone`. Midday is never skipped or repeated by a
 * daylight-saving change (those happen at night), so the answer is always exact.
 */
export function middayIn(date: LocalDate, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, 12);
  const offset = wallClockIn(new Date(guess), timeZone) - guess;
  return new Date(guess - offset);
}

/** The instant a payment time stands for in the debtor's zone (a day is midday of that day). */
export function paidAtInstant(paidAt: PaidAt, timeZone: string): Date {
  return paidAt.kind === 'instant' ? paidAt.at : middayIn(paidAt.date, timeZone);
}

/** The debtor's calendar day of a payment made at `instant`. */
export function paidOn(instant: Date, timeZone: string): LocalDate {
  return localDateIn(instant, timeZone);
}

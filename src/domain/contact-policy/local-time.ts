/**
 * Wall-clock time in an IANA zone, DST-safe, without a date library: the zone's UTC offset at
 * an instant comes from `Intl.DateTimeFormat` (one formatter per zone, cached), and local wall
 * times convert back to instants with the gap and overlap of DST transitions handled.
 */
import { localDate, type LocalDate } from '../dates.js';

const minuteMs = 60_000;
const dayMs = 86_400_000;

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let format = offsetFormatters.get(timeZone);
  if (!format) {
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
    offsetFormatters.set(timeZone, format);
  }
  return format;
}

// Every tz transition since 1970 falls on a whole minute, so the offset is constant within a
// minute: memoise by (zone, minute). Bounded so a long-running process does not grow it forever.
const offsetCache = new Map<string, number>();
const offsetCacheLimit = 50_000;

/** The zone's offset from UTC at `instantMs`, in milliseconds (Bogota: -5 h). */
export function zoneOffsetMs(timeZone: string, instantMs: number): number {
  const minute = Math.floor(instantMs / minuteMs);
  const key = `${timeZone}|${minute}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const at = minute * minuteMs;
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of offsetFormatter(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute: min = 0, second: sec = 0 } = parts;
  const offset = Date.UTC(year, month - 1, day, hour, min, sec) - at;
  if (offsetCache.size >= offsetCacheLimit) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/** A wall-clock reading: the local calendar day, its weekday and the minute of that day. */
export interface WallTime {
  readonly date: LocalDate;
  /** 1 = Monday .. 7 = Sunday (ISO). */
  readonly weekday: number;
  /** Minutes since local midnight, 0..1439. */
  readonly minute: number;
}

/** What a clock on the wall in `timeZone` shows at `instantMs`. */
export function wallTimeAt(timeZone: string, instantMs: number): WallTime {
  const shifted = new Date(instantMs + zoneOffsetMs(timeZone, instantMs));
  const date = localDate(
    shifted.getUTCFullYear(),
    shifted.getUTCMonth() + 1,
    shifted.getUTCDate(),
  ) as LocalDate;
  return {
    date,
    weekday: shifted.getUTCDay() === 0 ? 7 : shifted.getUTCDay(),
    minute: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
  };
}

/** Milliseconds of a local wall time read as if it were UTC (no zone applied). */
export function naiveMs(date: LocalDate, minute: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) + minute * minuteMs;
}

/**
 * The first instant at which the wall clock in `timeZone` reads `minute` (0..1440) on `date`
 * or later. DST-safe: a wall time that happens twice (clocks go back) gives its first
 * occurrence; one that never happens (clocks jump forward over it) gives the instant of the
 * jump, when the clock first reads a later time.
 */
export function instantAtWallTime(timeZone: string, date: LocalDate, minute: number): number {
  const naive = naiveMs(date, minute);
  const before = zoneOffsetMs(timeZone, naive - dayMs);
  const after = zoneOffsetMs(timeZone, naive + dayMs);
  let best: number | undefined;
  for (const offset of before === after ? [before] : [before, after]) {
    const candidate = naive - offset;
    if (zoneOffsetMs(timeZone, candidate) === offset && (best === undefined || candidate < best)) {
      best = candidate;
    }
  }
  if (best !== undefined) return best;
  // In a gap: the transition lies between the two readings; find its minute by bisection.
  let low = Math.min(naive - before, naive - after);
  let high = Math.max(naive - before, naive - after);
  while (high - low > minuteMs) {
    const mid = low + Math.floor((high - low) / 2 / minuteMs) * minuteMs;
    if (mid <= low) break;
    if (mid + zoneOffsetMs(timeZone, mid) >= naive) high = mid;
    else low = mid;
  }
  return high;
}

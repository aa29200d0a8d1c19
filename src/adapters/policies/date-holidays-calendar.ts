/**
 * Public holidays from the `date-holidays` library, behind the domain's HolidayCalendar port.
 * Only holidays of type `public` count (not bank, school, optional or observance days). Each
 * country-year is computed once and kept as a set of "YYYY-MM-DD" days.
 */
import Holidays from 'date-holidays';
import type { LocalDate } from '../../domain/dates.js';
import type { HolidayCalendar } from '../../domain/contact-policy/index.js';

const dayMs = 86_400_000;

export class DateHolidaysCalendar implements HolidayCalendar {
  private readonly years = new Map<string, ReadonlySet<string>>();
  private readonly known = new Map<string, boolean>();

  isHoliday(country: string, date: LocalDate): boolean {
    const code = country.toUpperCase();
    const year = date.slice(0, 4);
    const key = `${code}|${year}`;
    let days = this.years.get(key);
    if (!days) {
      days = this.compute(code, Number(year));
      this.years.set(key, days);
    }
    return days.has(date);
  }

  /** Whether date-holidays knows the country at all (for `cuota policy check`). */
  knowsCountry(country: string): boolean {
    const code = country.toUpperCase();
    let known = this.known.get(code);
    if (known === undefined) {
      known = Object.hasOwn(new Holidays().getCountries() ?? {}, code);
      this.known.set(code, known);
    }
    return known;
  }

  private compute(country: string, year: number): ReadonlySet<string> {
    const days = new Set<string>();
    if (!this.knowsCountry(country)) return days;
    const holidays = new Holidays(country, { types: ['public'] });
    for (const holiday of holidays.getHolidays(year)) {
      if (holiday.type !== 'public') continue;
      // `date` is the local start ("2026-12-25 00:00:00"); a holiday may last several days.
      const first = Date.parse(`${holiday.date.slice(0, 10)}T00:00:00Z`);
      const length = Math.max(
        1,
        Math.round((holiday.end.getTime() - holiday.start.getTime()) / dayMs),
      );
      for (let i = 0; i < length; i += 1) {
        days.add(new Date(first + i * dayMs).toISOString().slice(0, 10));
      }
    }
    return days;
  }
}

import { describe, expect, it } from '@jest/globals';
import { agingBucketFor, daysPastDue } from '../../src/domain/aging.js';
import {
  addMonths,
  daysBetween,
  isTimeZone,
  localDateIn,
  parseLocalDate,
  type LocalDate,
} from '../../src/domain/dates.js';

const d = (s: string): LocalDate => parseLocalDate(s)!;

describe('parseLocalDate', () => {
  it('reads ISO and day-first dates', () => {
    expect(parseLocalDate('2026-02-28')).toBe('2026-02-28');
    expect(parseLocalDate('28/02/2026')).toBe('2026-02-28');
    expect(parseLocalDate('5/3/2026')).toBe('2026-03-05');
    expect(parseLocalDate('29/02/2028')).toBe('2028-02-29');
  });

  it('refuses days that do not exist and other shapes', () => {
    expect(parseLocalDate('2026-02-29')).toBeUndefined();
    expect(parseLocalDate('31/04/2026')).toBeUndefined();
    expect(parseLocalDate('2026/13/01')).toBeUndefined();
    expect(parseLocalDate('mañana')).toBeUndefined();
    expect(parseLocalDate('')).toBeUndefined();
  });
});

describe('calendar arithmetic', () => {
  it('clamps month ends', () => {
    expect(addMonths(d('2026-01-31'), 1)).toBe('2026-02-28');
    expect(addMonths(d('2026-11-30'), 3)).toBe('2027-02-28');
    expect(daysBetween(d('2026-12-31'), d('2027-01-01'))).toBe(1);
  });

  it('reads the calendar day in the debtor time zone', () => {
    const instant = new Date('2026-11-25T03:30:00Z');
    expect(localDateIn(instant, 'America/Bogota')).toBe('2026-11-24');
    expect(localDateIn(instant, 'Europe/Madrid')).toBe('2026-11-25');
    expect(isTimeZone('America/Bogota')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('aging', () => {
  const now = new Date('2026-11-24T15:00:00Z');
  it.each([
    ['2026-11-24', 0, 'current'],
    ['2026-12-10', 0, 'current'],
    ['2026-11-23', 1, '1-30'],
    ['2026-10-25', 30, '1-30'],
    ['2026-10-24', 31, '31-60'],
    ['2026-09-25', 60, '31-60'],
    ['2026-08-26', 90, '61-90'],
    ['2026-05-28', 180, '91-180'],
    ['2026-05-27', 181, '180+'],
  ])('due %s is %d days past due (%s)', (due, days, bucket) => {
    expect(daysPastDue(d(due), now, 'America/Bogota')).toBe(days);
    expect(agingBucketFor(days)).toBe(bucket);
  });

  it('counts days in the debtor zone, not UTC', () => {
    // 02:00 UTC on the 25th is still the 24th in Bogota.
    expect(daysPastDue(d('2026-11-24'), new Date('2026-11-25T02:00:00Z'), 'America/Bogota')).toBe(
      0,
    );
    expect(daysPastDue(d('2026-11-24'), new Date('2026-11-25T02:00:00Z'), 'Europe/Madrid')).toBe(1);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { LocalDate } from '../../../src/domain/dates.js';
import {
  middayIn,
  paidAtInstant,
  paidOn,
  parsePaidAt,
} from '../../../src/domain/payments/index.js';

describe('parsePaidAt', () => {
  it('reads days as days and instants with their zone', () => {
    expect(parsePaidAt('2026-03-10')).toEqual({
      ok: true,
      paidAt: { kind: 'date', date: '2026-03-10' },
    });
    expect(parsePaidAt(' 10/03/2026 ')).toEqual({
      ok: true,
      paidAt: { kind: 'date', date: '2026-03-10' },
    });
    expect(parsePaidAt('2026-03-10T14:05:00Z')).toEqual({
      ok: true,
      paidAt: { kind: 'instant', at: new Date('2026-03-10T14:05:00Z') },
    });
    expect(parsePaidAt('2026-03-10T09:05:00.250-05:00')).toEqual({
      ok: true,
      paidAt: { kind: 'instant', at: new Date('2026-03-10T14:05:00.250Z') },
    });
    expect(parsePaidAt('2026-03-10 09:05-05:00')).toEqual({
      ok: true,
      paidAt: { kind: 'instant', at: new Date('2026-03-10T14:05:00Z') },
    });
  });

  it('refuses what it would have to guess', () => {
    expect(parsePaidAt('')).toEqual({ ok: false, reason: 'empty' });
    expect(parsePaidAt('2026-03-10T09:05:00')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('zone'),
    });
    expect(parsePaidAt('2026-02-30')).toMatchObject({ ok: false });
    expect(parsePaidAt('2026-02-30T10:00:00Z')).toMatchObject({ ok: false });
    expect(parsePaidAt('2026-03-10T25:00:00Z')).toMatchObject({ ok: false });
    expect(parsePaidAt('03/10/26')).toMatchObject({ ok: false });
    expect(parsePaidAt('yesterday')).toMatchObject({ ok: false });
  });
});

describe('midday in the debtor zone', () => {
  it('is the same day in that zone, across daylight saving changes', () => {
    const cases: [string, string, string][] = [
      ['2026-03-10', 'America/Bogota', '2026-03-10T17:00:00.000Z'],
      ['2026-03-10', 'Asia/Tokyo', '2026-03-10T03:00:00.000Z'],
      ['2026-03-08', 'America/New_York', '2026-03-08T16:00:00.000Z'], // DST starts at 02:00
      ['2026-04-05', 'America/Santiago', '2026-04-05T16:00:00.000Z'], // back to -04 at 00:00
      ['2026-09-06', 'America/Santiago', '2026-09-06T15:00:00.000Z'],
      ['2026-03-10', 'Pacific/Kiritimati', '2026-03-09T22:00:00.000Z'],
    ];
    for (const [date, zone, expected] of cases) {
      const instant = middayIn(date as LocalDate, zone);
      expect({ date, zone, at: instant.toISOString() }).toEqual({ date, zone, at: expected });
      expect(paidOn(instant, zone)).toBe(date);
    }
  });

  it('turns a payment time into the instant stored', () => {
    const at = new Date('2026-03-10T03:00:00Z');
    expect(paidAtInstant({ kind: 'instant', at }, 'America/Bogota')).toBe(at);
    expect(paidOn(at, 'America/Bogota')).toBe('2026-03-09');
    expect(
      paidAtInstant({ kind: 'date', date: '2026-03-10' as LocalDate }, 'America/Lima'),
    ).toEqual(new Date('2026-03-10T17:00:00Z'));
  });
});

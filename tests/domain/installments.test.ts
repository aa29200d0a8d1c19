import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseLocalDate, type LocalDate } from '../../src/domain/dates.js';
import {
  evenSchedule,
  installmentDates,
  splitEvenly,
  splitWithDownPayment,
} from '../../src/domain/installments.js';
import { minor } from '../../src/domain/money.js';

describe('splitEvenly', () => {
  it('gives the remainder to the earliest installments', () => {
    expect(splitEvenly(minor(1000), 3)).toEqual([334, 333, 333]);
    expect(splitEvenly(minor(5), 3)).toEqual([2, 2, 1]);
  });

  it('always sums exactly and never differs by more than one minor unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 48 }),
        fc.integer({ min: 1, max: 120 }),
        (total, count) => {
          const parts = splitEvenly(minor(total), count);
          expect(parts).toHaveLength(count);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
          expect(parts.every((p) => Number.isSafeInteger(p) && p >= 0)).toBe(true);
        },
      ),
    );
  });

  it('keeps the down payment and splits the rest', () => {
    expect(splitWithDownPayment(minor(1000), minor(400), 4)).toEqual([400, 150, 150, 150, 150]);
    expect(() => splitWithDownPayment(minor(1000), minor(1001), 4)).toThrow(RangeError);
  });
});

describe('schedules', () => {
  const first = parseLocalDate('2026-01-31') as LocalDate;
  it('steps monthly with month-end clamping, and weekly', () => {
    expect(installmentDates(first, 3, 'monthly')).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
    ]);
    expect(installmentDates(first, 2, 'biweekly')).toEqual(['2026-01-31', '2026-02-14']);
  });

  it('pairs amounts and dates', () => {
    expect(evenSchedule(minor(100), 2, first, 'weekly')).toEqual([
      { seq: 1, amount: 50, dueDate: '2026-01-31' },
      { seq: 2, amount: 50, dueDate: '2026-02-07' },
    ]);
  });
});

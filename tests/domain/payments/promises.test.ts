import { describe, expect, it } from '@jest/globals';
import type { LocalDate } from '../../../src/domain/dates.js';
import { money, toCurrencyCode, type CurrencyCode } from '../../../src/domain/money.js';
import {
  isPromiseBroken,
  isPromiseKept,
  lastDayToKeep,
  paidTowardPromise,
  type DatedPayment,
  type PromiseTerms,
} from '../../../src/domain/payments/index.js';

const COP = toCurrencyCode('COP') as CurrencyCode;
const USD = toCurrencyCode('USD') as CurrencyCode;
const day = (d: string): LocalDate => d as LocalDate;

// Made on the 3rd for the 10th: with one day of grace, payments of the 3rd..11th count.
const promise: PromiseTerms = {
  id: 'p1',
  amount: money(100_000_00, COP),
  dueDate: day('2026-03-10'),
  createdOn: day('2026-03-03'),
};
const paid = (amount: number, on: string, currency = COP): DatedPayment => ({
  amount: money(amount, currency),
  paidOn: day(on),
});

describe('promise windows', () => {
  it('runs from the day the promise was made to its date plus the grace days', () => {
    expect(lastDayToKeep(promise, 1)).toBe('2026-03-11');
    expect(lastDayToKeep(promise, 0)).toBe('2026-03-10');
    expect(() => lastDayToKeep(promise, -1)).toThrow(RangeError);
    expect(() => lastDayToKeep(promise, 1.5)).toThrow(RangeError);
  });

  it('counts only payments inside the window and in the promise currency', () => {
    const payments = [
      paid(1_000_00, '2026-03-02'), // before the promise was made
      paid(2_000_00, '2026-03-03'), // the day it was made
      paid(3_000_00, '2026-03-11'), // the grace day
      paid(4_000_00, '2026-03-12'), // too late
      paid(5_000_00, '2026-03-05', USD),
    ];
    expect(paidTowardPromise(promise, payments, 1)).toBe(5_000_00);
    expect(paidTowardPromise(promise, payments, 0)).toBe(2_000_00);
    expect(paidTowardPromise(promise, payments, 2)).toBe(9_000_00);
  });

  it('is kept when partial payments in the window add up to the amount', () => {
    const payments = [paid(40_000_00, '2026-03-04'), paid(60_000_00, '2026-03-11')];
    expect(isPromiseKept(promise, payments, 1)).toBe(true);
    expect(isPromiseKept(promise, payments, 0)).toBe(false);
    expect(isPromiseKept(promise, [paid(99_999_99, '2026-03-10')], 1)).toBe(false);
    expect(isPromiseKept(promise, [paid(150_000_00, '2026-03-10')], 1)).toBe(true);
  });

  it('is broken only the day after its last day, when uncovered', () => {
    const short = [paid(10_000_00, '2026-03-09')];
    expect(isPromiseBroken(promise, short, day('2026-03-10'), 1)).toBe(false);
    expect(isPromiseBroken(promise, short, day('2026-03-11'), 1)).toBe(false);
    expect(isPromiseBroken(promise, short, day('2026-03-12'), 1)).toBe(true);
    expect(isPromiseBroken(promise, short, day('2026-03-11'), 0)).toBe(true);
    const covered = [paid(100_000_00, '2026-03-11')];
    expect(isPromiseBroken(promise, covered, day('2026-04-30'), 1)).toBe(false);
    // A payment after the window does not mend a broken promise.
    expect(isPromiseBroken(promise, [paid(100_000_00, '2026-03-12')], day('2026-03-12'), 1)).toBe(
      true,
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, daysBetween } from '../../../src/domain/dates.js';
import { minor } from '../../../src/domain/money.js';
import { evaluatePromise, settlementOffer } from '../../../src/domain/negotiation/promise.js';
import { account, ARS, rule, today } from './support.js';

describe('evaluatePromise', () => {
  it('defaults the amount to the whole balance', () => {
    expect(
      evaluatePromise(account(150_000_00), { date: addDays(today, 5) }, rule(), today),
    ).toEqual({
      ok: true,
      promise: { amount: 150_000_00, currency: ARS, dueDate: '2026-03-15' },
    });
  });

  it('asks for a date when none was given', () => {
    expect(
      evaluatePromise(account(150_000_00), { amount: minor(20_000_00) }, rule(), today),
    ).toEqual({
      ok: false,
      reason: 'needs_date',
    });
  });

  it('counters a date beyond the horizon with the last allowed date', () => {
    const decision = evaluatePromise(
      account(150_000_00),
      { date: addDays(today, 45) },
      rule(),
      today,
    );
    expect(decision).toEqual({
      ok: false,
      reason: 'date_too_far',
      counter: { amount: 150_000_00, currency: ARS, dueDate: '2026-04-09' },
    });
  });

  it('counters an amount below the minimum partial payment with the minimum', () => {
    const decision = evaluatePromise(
      account(150_000_00),
      { amount: minor(5_000_00), date: addDays(today, 3) },
      rule(),
      today,
    );
    expect(decision).toEqual({
      ok: false,
      reason: 'below_minimum',
      counter: { amount: 10_000_00, currency: ARS, dueDate: '2026-03-13' },
    });
  });

  it('caps an amount above the balance and a date in the past', () => {
    expect(
      evaluatePromise(
        account(8_000_00),
        { amount: minor(9_000_00), date: addDays(today, -1) },
        rule(),
        today,
      ),
    ).toEqual({
      ok: false,
      reason: 'date_in_past',
      counter: { amount: 8_000_00, currency: ARS, dueDate: today },
    });
  });

  it('accepts and counters only within policy', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000_00 }),
        fc.option(fc.integer({ min: 1, max: 20_000_000_00 }), { nil: undefined }),
        fc.integer({ min: -30, max: 120 }),
        fc.integer({ min: 0, max: 60 }),
        (balance, amount, offset, maxDays) => {
          const r = rule({ maxDaysToPromise: maxDays });
          const decision = evaluatePromise(
            account(balance),
            {
              amount: amount === undefined ? undefined : minor(amount),
              date: addDays(today, offset),
            },
            r,
            today,
          );
          const promise = decision.ok ? decision.promise : decision.counter;
          expect(promise).toBeDefined();
          if (!promise) return;
          const days = daysBetween(today, promise.dueDate);
          expect(days).toBeGreaterThanOrEqual(0);
          expect(days).toBeLessThanOrEqual(maxDays);
          expect(promise.amount).toBeLessThanOrEqual(balance);
          expect(promise.amount).toBeGreaterThanOrEqual(Math.min(10_000_00, balance));
          expect(Number.isSafeInteger(promise.amount)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('settlementOffer', () => {
  it('discounts the full balance in basis points, rounding half up', () => {
    const offer = settlementOffer(
      account(100_001),
      rule({ settlement: { discountPercent: '12.5', withinDays: 7 } }),
      today,
    );
    expect(offer).toEqual({
      amount: 87_501,
      currency: ARS,
      dueDate: '2026-03-17',
      discountBps: 1250,
      discount: 12_500,
    });
  });

  it('is undefined when the rule has no settlement', () => {
    expect(settlementOffer(account(100_000), rule(), today)).toBeUndefined();
  });
});

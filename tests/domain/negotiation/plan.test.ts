import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { daysBetween } from '../../../src/domain/dates.js';
import { minor } from '../../../src/domain/money.js';
import {
  evaluatePlan,
  gentlestPlan,
  isAllowedPlan,
  maxInstallmentsFor,
} from '../../../src/domain/negotiation/plan.js';
import { PolicyRuleSchema } from '../../../src/domain/negotiation/policy.js';
import { account, ARS, rule, today } from './support.js';

const sum = (plan: { installments: readonly { amount: number }[] }): number =>
  plan.installments.reduce((acc, i) => acc + i.amount, 0);

describe('evaluatePlan', () => {
  it('accepts "en 3 cuotas" within policy and splits exactly', () => {
    const decision = evaluatePlan(account(100_000_00), { count: 3 }, rule(), today);
    expect(decision.type).toBe('accept');
    if (decision.type === 'reject') throw new Error('unexpected');
    expect(decision.plan.installments.map((i) => i.amount)).toEqual([
      33_333_34, 33_333_33, 33_333_33,
    ]);
    expect(decision.plan.installments.map((i) => i.dueDate)).toEqual([
      '2026-03-17',
      '2026-04-17',
      '2026-05-17',
    ]);
    expect(sum(decision.plan)).toBe(100_000_00);
  });

  it('counters 24 cuotas with the maximum of 12', () => {
    const decision = evaluatePlan(account(1_000_000_00), { count: 24 }, rule(), today);
    expect(decision).toMatchObject({ type: 'counter', reason: 'too_many_installments' });
    if (decision.type === 'reject') throw new Error('unexpected');
    expect(decision.plan.installments).toHaveLength(12);
  });

  it('caps the count so no installment falls below the minimum', () => {
    // 30 000 ARS with a 5 000 minimum allows at most 6 installments.
    const decision = evaluatePlan(account(30_000_00), { count: 10 }, rule(), today);
    expect(decision.type).toBe('counter');
    if (decision.type === 'reject') throw new Error('unexpected');
    expect(decision.plan.installments).toHaveLength(6);
    expect(maxInstallmentsFor(account(30_000_00), rule())).toBe(6);
  });

  it('turns "200 por mes" into the count that keeps installments within that budget', () => {
    const r = rule({ minInstallment: { ARS: '100.00' } });
    const exact = evaluatePlan(account(1_000_00), { installmentAmount: minor(200_00) }, r, today);
    expect(exact.type).toBe('accept');
    if (exact.type === 'reject') throw new Error('unexpected');
    expect(exact.plan.installments.map((i) => i.amount)).toEqual([
      200_00, 200_00, 200_00, 200_00, 200_00,
    ]);

    const uneven = evaluatePlan(account(1_100_00), { installmentAmount: minor(200_00) }, r, today);
    expect(uneven.type).toBe('counter');
    if (uneven.type === 'reject') throw new Error('unexpected');
    expect(uneven.plan.installments).toHaveLength(6);
    // Every installment but the first (which carries the remainder) is within the budget.
    expect(uneven.plan.installments.slice(1).every((i) => i.amount <= 200_00)).toBe(true);
    expect(uneven.plan.installments.reduce((sum, i) => sum + i.amount, 0)).toBe(1_100_00);
  });

  it('counters an amount that would need more installments than allowed', () => {
    const decision = evaluatePlan(
      account(100_000_00),
      { installmentAmount: minor(1_000_00) },
      rule(),
      today,
    );
    expect(decision).toMatchObject({ type: 'counter', reason: 'installment_below_minimum' });
    if (decision.type === 'reject') throw new Error('unexpected');
    expect(decision.plan.installments).toHaveLength(12);
  });

  it('offers the default count when the debtor names none', () => {
    const decision = evaluatePlan(account(100_000_00), {}, rule({ defaultInstallments: 4 }), today);
    expect(decision).toMatchObject({ type: 'counter', reason: 'no_proposal' });
    if (decision.type === 'reject') throw new Error('unexpected');
    expect(decision.plan.installments).toHaveLength(4);
  });

  it('replaces a frequency the rule does not allow', () => {
    const decision = evaluatePlan(
      account(100_000_00),
      { count: 4, frequency: 'weekly' },
      rule(),
      today,
    );
    expect(decision).toMatchObject({ type: 'counter', reason: 'frequency_not_allowed' });
    if (decision.type === 'reject') throw new Error('unexpected');
    expect(decision.plan.frequency).toBe('monthly');
  });

  it('puts a required down payment first', () => {
    const r = rule({ minDownPaymentPercent: 40 });
    const decision = evaluatePlan(account(100_000_00), { count: 4 }, r, today);
    if (decision.type === 'reject') throw new Error('unexpected');
    expect(decision.plan.installments.map((i) => i.amount)).toEqual([
      40_000_00, 20_000_00, 20_000_00, 20_000_00,
    ]);
  });

  it('rejects when the rule offers no plans or the balance is too small', () => {
    expect(
      evaluatePlan(account(100_000_00), { count: 3 }, rule({ maxInstallments: 1 }), today),
    ).toEqual({
      type: 'reject',
      reason: 'plans_not_allowed',
    });
    expect(evaluatePlan(account(8_000_00), { count: 3 }, rule(), today)).toEqual({
      type: 'reject',
      reason: 'balance_too_small',
    });
    expect(evaluatePlan(account(0), { count: 3 }, rule(), today)).toEqual({
      type: 'reject',
      reason: 'nothing_owed',
    });
  });
});

describe('gentlestPlan', () => {
  it('uses the most installments, the longest period and the latest start', () => {
    const plan = gentlestPlan(
      account(100_000_00),
      rule({ frequencies: ['weekly', 'monthly'] }),
      today,
    );
    expect(plan?.installments).toHaveLength(12);
    expect(plan?.frequency).toBe('monthly');
    expect(plan?.installments[0]?.dueDate).toBe('2026-04-09');
  });

  it('is undefined when no plan fits', () => {
    expect(gentlestPlan(account(6_000_00), rule(), today)).toBeUndefined();
  });
});

describe('plan properties', () => {
  const ruleArb = fc
    .record({
      maxInstallments: fc.integer({ min: 1, max: 36 }),
      minInstallment: fc.integer({ min: 0, max: 50_000 }),
      minDownPaymentPercent: fc.integer({ min: 0, max: 60 }),
      maxDaysToPromise: fc.integer({ min: 0, max: 60 }),
      frequencies: fc.subarray(['weekly', 'biweekly', 'monthly'] as const, { minLength: 1 }),
    })
    .map((r) =>
      PolicyRuleSchema.parse({
        id: 'prop',
        maxInstallments: r.maxInstallments,
        minInstallment: { ARS: (r.minInstallment / 100).toFixed(2) },
        minDownPaymentPercent: r.minDownPaymentPercent,
        maxDaysToPromise: r.maxDaysToPromise,
        frequencies: r.frequencies,
      }),
    );
  const proposalArb = fc.record(
    {
      count: fc.integer({ min: 1, max: 60 }),
      installmentAmount: fc.integer({ min: 1, max: 10_000_000 }).map(minor),
      frequency: fc.constantFrom('weekly', 'biweekly', 'monthly'),
      firstDate: fc.integer({ min: -10, max: 90 }).map((d) => {
        const date = new Date(Date.UTC(2026, 2, 10 + d));
        return date.toISOString().slice(0, 10) as typeof today;
      }),
    },
    { requiredKeys: [] },
  );
  const balanceArb = fc.integer({ min: 0, max: 50_000_000_00 });

  it('every accepted or countered plan is an allowed plan that sums exactly', () => {
    fc.assert(
      fc.property(balanceArb, ruleArb, proposalArb, (balance, r, proposal) => {
        const acc = { balance: minor(balance), currency: ARS, daysPastDue: 40 };
        const decision = evaluatePlan(acc, proposal, r, today);
        if (decision.type === 'reject') return;
        expect(sum(decision.plan)).toBe(balance);
        expect(isAllowedPlan(acc, decision.plan, r, today)).toBe(true);
        expect(decision.plan.installments.length).toBeGreaterThanOrEqual(2);
        expect(decision.plan.installments.length).toBeLessThanOrEqual(r.maxInstallments);
        const first = decision.plan.installments[0]!;
        expect(daysBetween(today, first.dueDate)).toBeLessThanOrEqual(r.maxDaysToPromise);
      }),
      { numRuns: 500 },
    );
  });

  it('the gentlest plan is allowed and has the most installments any counter could have', () => {
    fc.assert(
      fc.property(balanceArb, ruleArb, (balance, r) => {
        const acc = { balance: minor(balance), currency: ARS, daysPastDue: 40 };
        const plan = gentlestPlan(acc, r, today);
        if (!plan) return;
        expect(isAllowedPlan(acc, plan, r, today)).toBe(true);
        const asked = evaluatePlan(acc, { count: 60 }, r, today);
        if (asked.type !== 'reject') {
          expect(asked.plan.installments.length).toBe(plan.installments.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});

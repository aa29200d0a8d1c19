import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, type LocalDate } from '../../../src/domain/dates.js';
import { minor, money, toCurrencyCode, type CurrencyCode } from '../../../src/domain/money.js';
import {
  applyPaymentToAccount,
  type PaymentApplicationInput,
  type PlanToPay,
  type PromiseTerms,
} from '../../../src/domain/payments/index.js';

const COP = toCurrencyCode('COP') as CurrencyCode;
const USD = toCurrencyCode('USD') as CurrencyCode;
const today = '2026-03-10' as LocalDate;

function plan(amounts: number[], paid: number[] = []): PlanToPay {
  return {
    id: 'plan-1',
    installments: amounts.map((amount, i) => ({
      seq: i + 1,
      amount: minor(amount),
      paid: minor(paid[i] ?? 0),
    })),
  };
}

function input(overrides: Partial<PaymentApplicationInput> = {}): PaymentApplicationInput {
  return {
    balance: money(300_000_00, COP),
    plan: undefined,
    promises: [],
    earlierPayments: [],
    payment: { amount: money(100_000_00, COP), paidOn: today },
    graceDays: 1,
    ...overrides,
  };
}

describe('applyPaymentToAccount', () => {
  it('lowers the balance by the payment', () => {
    const result = applyPaymentToAccount(input());
    expect(result.balanceAfter).toEqual(money(200_000_00, COP));
    expect(result.applied).toEqual(money(100_000_00, COP));
    expect(result.surplus).toEqual(money(0, COP));
    expect(result.isSettled).toBe(false);
    expect(result.allocations).toEqual([]);
    expect(result.completedPlanId).toBeUndefined();
  });

  it('never goes below zero: an overpayment is a surplus, not lost', () => {
    const result = applyPaymentToAccount(
      input({
        balance: money(80_000_00, COP),
        payment: { amount: money(100_000_00, COP), paidOn: today },
      }),
    );
    expect(result.balanceAfter.amount).toBe(0);
    expect(result.applied.amount).toBe(80_000_00);
    expect(result.surplus.amount).toBe(20_000_00);
    expect(result.isSettled).toBe(true);
    // On an account already at zero, all of it is surplus.
    const again = applyPaymentToAccount(input({ balance: money(0, COP) }));
    expect(again).toMatchObject({
      applied: { amount: 0 },
      surplus: { amount: 100_000_00 },
      isSettled: true,
    });
  });

  it('pays installments in seq order, each up to what is left of it', () => {
    const partlyPaid = plan([100_000_00, 100_000_00, 100_000_00], [60_000_00]);
    const result = applyPaymentToAccount(
      input({
        // Given out of order: seq decides, not the order rows arrive in.
        plan: { ...partlyPaid, installments: [...partlyPaid.installments].reverse() },
        payment: { amount: money(90_000_00, COP), paidOn: today },
      }),
    );
    expect(result.allocations).toEqual([
      { planId: 'plan-1', seq: 1, amount: 40_000_00, paidAfter: 100_000_00 },
      { planId: 'plan-1', seq: 2, amount: 50_000_00, paidAfter: 50_000_00 },
    ]);
    expect(result.completedPlanId).toBeUndefined();
  });

  it('completes the plan when every installment is paid, or when the balance is settled', () => {
    const paidUp = applyPaymentToAccount(
      input({
        plan: plan([50_000_00, 50_000_00], [50_000_00]),
        payment: { amount: money(50_000_00, COP), paidOn: today },
      }),
    );
    expect(paidUp.completedPlanId).toBe('plan-1');
    expect(paidUp.isSettled).toBe(false);
    const settled = applyPaymentToAccount(
      input({
        balance: money(30_000_00, COP),
        plan: plan([50_000_00, 50_000_00]),
        payment: { amount: money(30_000_00, COP), paidOn: today },
      }),
    );
    expect(settled.completedPlanId).toBe('plan-1');
    expect(settled.allocations).toEqual([
      { planId: 'plan-1', seq: 1, amount: 30_000_00, paidAfter: 30_000_00 },
    ]);
  });

  it('keeps the promises its window now covers, counting earlier partial payments', () => {
    const promise = (id: string, amount: number, due: string, created: string): PromiseTerms => ({
      id,
      amount: money(amount, COP),
      dueDate: due as LocalDate,
      createdOn: created as LocalDate,
    });
    const result = applyPaymentToAccount(
      input({
        promises: [
          promise('covered-with-earlier', 150_000_00, '2026-03-12', '2026-03-01'),
          promise('too-big', 250_000_00, '2026-03-12', '2026-03-01'),
          promise('grace-day', 100_000_00, '2026-03-09', '2026-03-01'),
          promise('window-over', 100_000_00, '2026-03-08', '2026-03-01'),
          promise('made-after-earlier', 150_000_00, '2026-03-12', '2026-03-06'),
        ],
        earlierPayments: [{ amount: money(50_000_00, COP), paidOn: '2026-03-05' as LocalDate }],
      }),
    );
    expect(result.keptPromiseIds).toEqual(['covered-with-earlier', 'grace-day']);
  });

  it('keeps a promise in its window when the payment settles the account, even if smaller', () => {
    const result = applyPaymentToAccount(
      input({
        balance: money(70_000_00, COP),
        payment: { amount: money(70_000_00, COP), paidOn: today },
        promises: [
          {
            id: 'p',
            amount: money(100_000_00, COP),
            dueDate: today,
            createdOn: addDays(today, -3),
          },
          {
            id: 'late',
            amount: money(100_000_00, COP),
            dueDate: addDays(today, -5),
            createdOn: addDays(today, -9),
          },
        ],
      }),
    );
    expect(result.keptPromiseIds).toEqual(['p']);
  });

  it('refuses a payment in another currency or not above zero (the store checks first)', () => {
    expect(() =>
      applyPaymentToAccount(input({ payment: { amount: money(1, USD), paidOn: today } })),
    ).toThrow(/on an account in COP/);
    expect(() =>
      applyPaymentToAccount(input({ payment: { amount: money(0, COP), paidOn: today } })),
    ).toThrow(/above zero/);
  });
});

describe('applyPaymentToAccount properties', () => {
  const scenario = fc
    .record({
      balance: fc.integer({ min: 0, max: 10_000_000_000 }),
      payment: fc.integer({ min: 1, max: 10_000_000_000 }),
      installments: fc.array(
        fc
          .integer({ min: 1, max: 1_000_000_000 })
          .chain((amount) =>
            fc.record({ amount: fc.constant(amount), paid: fc.integer({ min: 0, max: amount }) }),
          ),
        { minLength: 0, maxLength: 24 },
      ),
    })
    .map(({ balance, payment, installments }) =>
      input({
        balance: money(balance, COP),
        payment: { amount: money(payment, COP), paidOn: today },
        plan:
          installments.length === 0
            ? undefined
            : {
                id: 'plan-1',
                installments: installments.map((i, n) => ({
                  seq: n + 1,
                  amount: minor(i.amount),
                  paid: minor(i.paid),
                })),
              },
      }),
    );

  it('conserves money exactly in minor units', () => {
    fc.assert(
      fc.property(scenario, (given) => {
        const result = applyPaymentToAccount(given);
        const allocated = result.allocations.reduce((sum, a) => sum + a.amount, 0);
        expect(result.applied.amount + result.surplus.amount).toBe(given.payment.amount.amount);
        expect(result.balanceBefore.amount - result.applied.amount).toBe(
          result.balanceAfter.amount,
        );
        expect(result.balanceAfter.amount).toBeGreaterThanOrEqual(0);
        expect(result.surplus.amount).toBeGreaterThanOrEqual(0);
        expect(allocated).toBeLessThanOrEqual(result.applied.amount);
        expect(result.isSettled).toBe(result.balanceAfter.amount === 0);
        for (const value of [result.applied, result.surplus, result.balanceAfter])
          expect(Number.isSafeInteger(value.amount)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never allocates more than an installment is owed, and allocates in seq order', () => {
    fc.assert(
      fc.property(scenario, (given) => {
        const result = applyPaymentToAccount(given);
        const installments = given.plan?.installments ?? [];
        let lastSeq = 0;
        for (const allocation of result.allocations) {
          const installment = installments.find((i) => i.seq === allocation.seq);
          if (installment === undefined) throw new Error('allocation to no installment');
          expect(allocation.amount).toBeGreaterThan(0);
          expect(allocation.paidAfter).toBe(installment.paid + allocation.amount);
          expect(allocation.paidAfter).toBeLessThanOrEqual(installment.amount);
          expect(allocation.seq).toBeGreaterThan(lastSeq);
          lastSeq = allocation.seq;
        }
        // Nothing is left unallocated while an earlier installment is still owed.
        const allocated = result.allocations.reduce((sum, a) => sum + a.amount, 0);
        const owed = installments.reduce((sum, i) => sum + i.amount - i.paid, 0);
        expect(allocated).toBe(Math.min(owed, result.applied.amount));
        const isAllPaid = installments.every(
          (i) =>
            i.paid + (result.allocations.find((a) => a.seq === i.seq)?.amount ?? 0) === i.amount,
        );
        if (given.plan !== undefined)
          expect(result.completedPlanId).toBe(isAllPaid || result.isSettled ? 'plan-1' : undefined);
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * What a payment does to an account: the balance goes down (never below zero; whatever is paid
 * beyond it is a surplus, recorded, not lost), the active plan's installments are paid in seq
 * order, and pending promises whose window the payments now cover are kept. Pure: the store
 * loads the state under a lock, calls {@link applyPaymentToAccount} and writes what it returns.
 */
import { minor, money, type Minor, type Money } from '../money.js';
import {
  countsForPromise,
  isPromiseKept,
  type DatedPayment,
  type PromiseTerms,
} from './promises.js';

/** One installment of the active plan as the allocation needs it (minor units of the plan's currency). */
export interface InstallmentToPay {
  readonly seq: number;
  readonly amount: Minor;
  /** Already paid, 0 to `amount`. */
  readonly paid: Minor;
}

/** The account's active plan. */
export interface PlanToPay {
  readonly id: string;
  readonly installments: readonly InstallmentToPay[];
}

export interface PaymentApplicationInput {
  /** The account's balance before the payment; its currency is the account's. */
  readonly balance: Money;
  /** The active plan, if any. */
  readonly plan: PlanToPay | undefined;
  /** The account's pending promises. */
  readonly promises: readonly PromiseTerms[];
  /**
   * The account's earlier payments, dated in the debtor's zone: at least every one paid since
   * the oldest pending promise was made (older ones count for nothing and may be left out).
   */
  readonly earlierPayments: readonly DatedPayment[];
  /** The payment to apply; same currency as the balance, amount above zero. */
  readonly payment: DatedPayment;
  /** Days after a promise's date in which a payment still keeps it (policy `promiseGraceDays`). */
  readonly graceDays: number;
}

/** Part of a payment put toward one installment. */
export interface InstallmentAllocation {
  readonly planId: string;
  readonly seq: number;
  /** Minor units put toward the installment now; above zero. */
  readonly amount: Minor;
  /** The installment's paid amount after this allocation; never above its amount. */
  readonly paidAfter: Minor;
}

/**
 * The outcome of applying one payment. Money is conserved exactly: `applied + surplus` is the
 * payment, `balanceBefore - applied` is `balanceAfter`, and the allocations sum to at most
 * `applied` (the rest of it reduced the balance outside the plan).
 */
export interface PaymentApplication {
  readonly balanceBefore: Money;
  readonly balanceAfter: Money;
  /** The part of the payment that reduced the balance. */
  readonly applied: Money;
  /** The part paid beyond the balance. */
  readonly surplus: Money;
  /** True when the balance is now zero. */
  readonly isSettled: boolean;
  /** In seq order. */
  readonly allocations: readonly InstallmentAllocation[];
  /**
   * The active plan, when it is now done: every installment is paid, or the balance is settled
   * (nothing is left to pay on it).
   */
  readonly completedPlanId: string | undefined;
  /** Pending promises now kept, in the order given. */
  readonly keptPromiseIds: readonly string[];
}

/**
 * Applies a payment. The part that reduces the balance (`applied`) is put toward the active
 * plan's installments in seq order, each up to what is left of it. A pending promise is kept
 * when the payments in its window (see {@link isPromiseKept}) cover its amount, or when this
 * payment, in its window, settles the account. Throws on a currency mismatch or a payment that
 * is not above zero: the store refuses those before asking.
 */
export function applyPaymentToAccount(input: PaymentApplicationInput): PaymentApplication {
  const { balance, payment } = input;
  const { currency } = balance;
  if (payment.amount.currency !== currency)
    throw new RangeError(`payment in ${payment.amount.currency} on an account in ${currency}`);
  if (payment.amount.amount <= 0) throw new RangeError('a payment must be above zero');
  if (balance.amount < 0) throw new RangeError('a balance is never negative');

  const applied = minor(Math.min(payment.amount.amount, balance.amount));
  const surplus = minor(payment.amount.amount - applied);
  const balanceAfter = minor(balance.amount - applied);
  const isSettled = balanceAfter === 0;

  const allocations: InstallmentAllocation[] = [];
  let completedPlanId: string | undefined;
  if (input.plan !== undefined) {
    let left: number = applied;
    let isEveryInstallmentPaid = true;
    const installments = [...input.plan.installments].sort((a, b) => a.seq - b.seq);
    for (const installment of installments) {
      const owed = installment.amount - installment.paid;
      const amount = Math.min(owed, left);
      if (amount > 0) {
        left -= amount;
        allocations.push({
          planId: input.plan.id,
          seq: installment.seq,
          amount: minor(amount),
          paidAfter: minor(installment.paid + amount),
        });
      }
      if (owed - amount > 0) isEveryInstallmentPaid = false;
    }
    if (isEveryInstallmentPaid || isSettled) completedPlanId = input.plan.id;
  }

  const payments = [...input.earlierPayments, payment];
  const keptPromiseIds = input.promises
    .filter(
      (promise) =>
        isPromiseKept(promise, payments, input.graceDays) ||
        (isSettled && countsForPromise(promise, payment, input.graceDays)),
    )
    .map((promise) => promise.id);

  return {
    balanceBefore: balance,
    balanceAfter: money(balanceAfter, currency),
    applied: money(applied, currency),
    surplus: money(surplus, currency),
    isSettled,
    allocations,
    completedPlanId,
    keptPromiseIds,
  };
}

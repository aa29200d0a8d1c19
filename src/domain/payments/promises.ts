/**
 * When a promise to pay is kept or broken. Everything is counted in calendar days of the
 * debtor's time zone: a promise made on the 3rd for the 10th, with one day of grace, is kept by
 * the payments dated the 3rd to the 11th (inclusive) once they add up to its amount, and broken
 * on the 12th if they do not.
 */
import { addDays, daysBetween, type LocalDate } from '../dates.js';
import type { Money } from '../money.js';

/** A pending promise as the rules need it. */
export interface PromiseTerms {
  readonly id: string;
  /** Minor units of the account's currency. */
  readonly amount: Money;
  /** The promised day, in the debtor's zone. */
  readonly dueDate: LocalDate;
  /** The day the promise was made, in the debtor's zone: earlier payments do not count for it. */
  readonly createdOn: LocalDate;
}

/** A payment as the promise rules count it: its amount and the day it was paid in the debtor's zone. */
export interface DatedPayment {
  readonly amount: Money;
  readonly paidOn: LocalDate;
}

/** The last day a payment still counts for the promise: its due date plus the grace days. */
export function lastDayToKeep(promise: PromiseTerms, graceDays: number): LocalDate {
  if (!Number.isSafeInteger(graceDays) || graceDays < 0)
    throw new RangeError('grace days must be a non-negative integer');
  return addDays(promise.dueDate, graceDays);
}

/** True when `payment` falls in the promise's window: from its creation day to its last day, inclusive. */
export function countsForPromise(
  promise: PromiseTerms,
  payment: DatedPayment,
  graceDays: number,
): boolean {
  return (
    payment.amount.currency === promise.amount.currency &&
    daysBetween(promise.createdOn, payment.paidOn) >= 0 &&
    daysBetween(payment.paidOn, lastDayToKeep(promise, graceDays)) >= 0
  );
}

/** Minor units paid in the promise's window (payments in another currency never count). */
export function paidTowardPromise(
  promise: PromiseTerms,
  payments: readonly DatedPayment[],
  graceDays: number,
): number {
  let paid = 0;
  for (const payment of payments)
    if (countsForPromise(promise, payment, graceDays)) paid += payment.amount.amount;
  return paid;
}

/** True when the payments in the promise's window cover its amount. */
export function isPromiseKept(
  promise: PromiseTerms,
  payments: readonly DatedPayment[],
  graceDays: number,
): boolean {
  return paidTowardPromise(promise, payments, graceDays) >= promise.amount.amount;
}

/**
 * True when the promise's window is over on `today` (the debtor's calendar day) and its
 * payments did not cover it. On the last day of grace it is not broken yet: the day is not over.
 */
export function isPromiseBroken(
  promise: PromiseTerms,
  payments: readonly DatedPayment[],
  today: LocalDate,
  graceDays: number,
): boolean {
  return (
    daysBetween(lastDayToKeep(promise, graceDays), today) > 0 &&
    !isPromiseKept(promise, payments, graceDays)
  );
}

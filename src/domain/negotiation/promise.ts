/**
 * Promises to pay within policy: a date no later than `maxDaysToPromise` days from today, an
 * amount between the minimum partial payment and the balance (by default the whole balance).
 */
import { addDays, daysBetween, type LocalDate } from '../dates.js';
import { minor, percentOf, type CurrencyCode, type Minor } from '../money.js';
import type { NegotiationRule, PolicyAccount } from './policy.js';

/** A promise the policy allows: minor units, a calendar date in the debtor's zone. */
export interface PromiseOffer {
  readonly amount: Minor;
  readonly currency: CurrencyCode;
  readonly dueDate: LocalDate;
}

/** What the debtor said about a promise; the engine fills in the rest. */
export interface PromiseProposal {
  /** Minor units of the account's currency; absent means the whole balance. */
  readonly amount?: Minor | undefined;
  readonly date?: LocalDate | undefined;
}

/** Why a promise was not accepted as proposed. */
export type PromiseRejection =
  | 'nothing_owed'
  | 'needs_date'
  | 'date_in_past'
  | 'date_too_far'
  | 'below_minimum'
  | 'above_balance';

/** The engine's answer to a promise proposal. */
export type PromiseDecision =
  | { readonly ok: true; readonly promise: PromiseOffer }
  /** `counter` is the closest promise the policy allows, when there is one. */
  | { readonly ok: false; readonly reason: PromiseRejection; readonly counter?: PromiseOffer };

/** The smallest promise amount: the rule's minimum partial payment, never above the balance. */
export function minPromiseAmount(account: PolicyAccount, rule: NegotiationRule): Minor {
  return minor(Math.min(rule.minPartialPayment[account.currency] ?? 0, account.balance));
}

/**
 * Decides a promise. A date beyond the rule's horizon is countered with the last allowed date;
 * an amount below the minimum partial payment is countered with the minimum; an amount above
 * the balance with the balance. Without a date there is nothing to counter: ask for one.
 */
export function evaluatePromise(
  account: PolicyAccount,
  proposal: PromiseProposal,
  rule: NegotiationRule,
  today: LocalDate,
): PromiseDecision {
  if (account.balance <= 0) return { ok: false, reason: 'nothing_owed' };
  const reasons: PromiseRejection[] = [];
  let amount = proposal.amount ?? account.balance;
  if (amount > account.balance) {
    amount = account.balance;
    reasons.push('above_balance');
  }
  const min = minPromiseAmount(account, rule);
  if (amount < min || amount <= 0) {
    amount = min > 0 ? min : account.balance;
    reasons.push('below_minimum');
  }
  if (proposal.date === undefined) return { ok: false, reason: 'needs_date' };
  let dueDate = proposal.date;
  const offset = daysBetween(today, dueDate);
  if (offset < 0) {
    dueDate = today;
    reasons.unshift('date_in_past');
  } else if (offset > rule.maxDaysToPromise) {
    dueDate = addDays(today, rule.maxDaysToPromise);
    reasons.unshift('date_too_far');
  }
  const promise: PromiseOffer = { amount: minor(amount), currency: account.currency, dueDate };
  const [reason] = reasons;
  return reason === undefined ? { ok: true, promise } : { ok: false, reason, counter: promise };
}

/** Paying the whole balance, discounted, by a date. */
export interface SettlementOffer extends PromiseOffer {
  /** The discount applied, in basis points of the balance. */
  readonly discountBps: number;
  readonly discount: Minor;
}

/**
 * Paying the whole balance by `withinDays` with the rule's discount; undefined when the rule
 * offers no settlement. The discount rounds half up; the amount is the balance minus it.
 */
export function settlementOffer(
  account: PolicyAccount,
  rule: NegotiationRule,
  today: LocalDate,
): SettlementOffer | undefined {
  if (!rule.settlement || account.balance <= 0 || rule.settlement.discountBps <= 0)
    return undefined;
  const discount = percentOf(account.balance, rule.settlement.discountBps);
  return {
    amount: minor(account.balance - discount),
    currency: account.currency,
    dueDate: addDays(today, Math.min(rule.settlement.withinDays, rule.maxDaysToPromise)),
    discountBps: rule.settlement.discountBps,
    discount,
  };
}

/**
 * Installment plans within policy. The engine, never the NLU, decides: a proposal is accepted
 * as is, countered with the closest allowed plan, or rejected. Every plan splits its total
 * exactly (the installments sum to the balance, to the minor unit).
 */
import { addDays, daysBetween, type LocalDate } from '../dates.js';
import {
  installmentDates,
  splitEvenly,
  splitWithDownPayment,
  type InstallmentFrequency,
} from '../installments.js';
import { minor, percentOf, type CurrencyCode, type Minor } from '../money.js';
import type { NegotiationRule, PolicyAccount } from './policy.js';

/** A concrete plan: amounts in minor units, calendar due dates, summing exactly to `total`. */
export interface PlanOffer {
  readonly total: Minor;
  readonly currency: CurrencyCode;
  readonly frequency: InstallmentFrequency;
  readonly installments: readonly { readonly amount: Minor; readonly dueDate: LocalDate }[];
}

/** What the debtor asked for; every field optional ("en cuotas", "en 3 cuotas", "200 por mes"). */
export interface PlanProposal {
  readonly count?: number | undefined;
  /** Minor units of the account's currency the debtor can pay per installment. */
  readonly installmentAmount?: Minor | undefined;
  readonly frequency?: InstallmentFrequency | undefined;
  readonly firstDate?: LocalDate | undefined;
}

/** Why a counter differs from what the debtor asked; the first (most important) reason wins. */
export type PlanCounterReason =
  | 'no_proposal'
  | 'too_many_installments'
  | 'installment_below_minimum'
  | 'frequency_not_allowed'
  | 'date_not_allowed'
  | 'amount_adjusted';

/** The engine's answer to a plan proposal. A counter is always an allowed plan. */
export type PlanDecision =
  | { readonly type: 'accept'; readonly plan: PlanOffer }
  | { readonly type: 'counter'; readonly plan: PlanOffer; readonly reason: PlanCounterReason }
  | {
      readonly type: 'reject';
      readonly reason: 'nothing_owed' | 'plans_not_allowed' | 'balance_too_small';
    };

/** Minimum installment of the rule in the account's currency (0 when the policy sets none). */
function minInstallmentOf(rule: NegotiationRule, currency: CurrencyCode): Minor {
  return rule.minInstallment[currency] ?? minor(0);
}

/**
 * The installment amounts of a plan of `count` for `total`: every installment after the first
 * is the same amount, and the first takes what is left over (the division remainder, or more
 * when the rule requires a larger down payment). So a plan always reads exactly as "a first
 * one of X and N more of Y", and the amounts sum to the total.
 */
export function planAmounts(total: Minor, count: number, rule: NegotiationRule): Minor[] {
  if (count === 1) return splitEvenly(total, 1);
  const downPayment = percentOf(total, rule.minDownPaymentBps);
  const rest = Math.min(
    Math.floor(total / count),
    Math.floor((total - Math.min(downPayment, total)) / (count - 1)),
  );
  return splitWithDownPayment(total, minor(total - rest * (count - 1)), count - 1);
}

/** True when every installment respects the minimum (a single payment of the total always does). */
function respectsMinimum(amounts: readonly Minor[], min: Minor): boolean {
  return amounts.length === 1 || amounts.every((amount) => amount >= min);
}

/**
 * The most installments the rule allows for this balance: at most `maxInstallments`, and no
 * installment below the minimum. 1 means "a single payment only".
 */
export function maxInstallmentsFor(account: PolicyAccount, rule: NegotiationRule): number {
  const min = minInstallmentOf(rule, account.currency);
  for (let count = rule.maxInstallments; count > 1; count -= 1) {
    if (respectsMinimum(planAmounts(account.balance, count, rule), min)) return count;
  }
  return 1;
}

/** Latest first due date the rule allows. */
function lastAllowedDate(rule: NegotiationRule, today: LocalDate): LocalDate {
  return addDays(today, rule.maxDaysToPromise);
}

function buildPlan(
  account: PolicyAccount,
  count: number,
  frequency: InstallmentFrequency,
  first: LocalDate,
  rule: NegotiationRule,
): PlanOffer {
  const amounts = planAmounts(account.balance, count, rule);
  const dates = installmentDates(first, count, frequency);
  return {
    total: account.balance,
    currency: account.currency,
    frequency,
    installments: amounts.map((amount, i) => ({ amount, dueDate: dates[i] as LocalDate })),
  };
}

/**
 * Decides an installment proposal. A count above the allowed maximum is countered with the
 * maximum; an amount per installment becomes the count that keeps installments within the
 * debtor's stated budget (`ceil(balance / amount)`), capped at the maximum; an unallowed frequency or date becomes the rule's
 * preferred one. Anything that changes what the debtor asked for is a counter.
 */
export function evaluatePlan(
  account: PolicyAccount,
  proposal: PlanProposal,
  rule: NegotiationRule,
  today: LocalDate,
): PlanDecision {
  if (account.balance <= 0) return { type: 'reject', reason: 'nothing_owed' };
  if (rule.maxInstallments < 2) return { type: 'reject', reason: 'plans_not_allowed' };
  const maxCount = maxInstallmentsFor(account, rule);
  if (maxCount < 2) return { type: 'reject', reason: 'balance_too_small' };

  const reasons: PlanCounterReason[] = [];
  const preferred = rule.frequencies[0] ?? 'monthly';
  let frequency = proposal.frequency ?? preferred;
  if (!rule.frequencies.includes(frequency)) {
    frequency = preferred;
    reasons.push('frequency_not_allowed');
  }

  let first = addDays(today, rule.firstInstallmentInDays);
  if (proposal.firstDate !== undefined) {
    const offset = daysBetween(today, proposal.firstDate);
    if (offset >= 0 && offset <= rule.maxDaysToPromise) first = proposal.firstDate;
    else {
      first = offset < 0 ? today : lastAllowedDate(rule, today);
      reasons.push('date_not_allowed');
    }
  }

  let count: number;
  if (proposal.count !== undefined && Number.isSafeInteger(proposal.count) && proposal.count >= 1) {
    count = Math.min(proposal.count, maxCount);
    if (count < proposal.count) reasons.unshift('too_many_installments');
    if (count === 1 && proposal.count === 1) {
      // "en 1 cuota" is a single payment: offer the smallest plan instead.
      count = 2;
      reasons.push('amount_adjusted');
    }
  } else if (proposal.installmentAmount !== undefined && proposal.installmentAmount > 0) {
    const wanted = Math.max(1, Math.ceil(account.balance / proposal.installmentAmount));
    count = Math.max(2, Math.min(wanted, maxCount));
    const amounts = planAmounts(account.balance, count, rule);
    if (wanted > maxCount) {
      const min = minInstallmentOf(rule, account.currency);
      reasons.unshift(
        proposal.installmentAmount < min ? 'installment_below_minimum' : 'too_many_installments',
      );
    } else if (!amounts.every((amount) => amount === proposal.installmentAmount)) {
      reasons.push('amount_adjusted');
    }
  } else {
    count = Math.max(2, Math.min(rule.defaultInstallments, maxCount));
    reasons.unshift('no_proposal');
  }

  const plan = buildPlan(account, count, frequency, first, rule);
  const [reason] = reasons;
  return reason === undefined ? { type: 'accept', plan } : { type: 'counter', plan, reason };
}

/**
 * The gentlest plan the rule allows, for hardship: the most installments, the longest allowed
 * period, the first payment as late as allowed. Undefined when no plan is possible.
 */
export function gentlestPlan(
  account: PolicyAccount,
  rule: NegotiationRule,
  today: LocalDate,
): PlanOffer | undefined {
  if (account.balance <= 0 || rule.maxInstallments < 2) return undefined;
  const count = maxInstallmentsFor(account, rule);
  if (count < 2) return undefined;
  const order: readonly InstallmentFrequency[] = ['monthly', 'biweekly', 'weekly'];
  const frequency = order.find((f) => rule.frequencies.includes(f)) ?? 'monthly';
  return buildPlan(account, count, frequency, lastAllowedDate(rule, today), rule);
}

/** Checks a plan against the rule; used by property tests and before creating a plan. */
export function isAllowedPlan(
  account: PolicyAccount,
  plan: PlanOffer,
  rule: NegotiationRule,
  today: LocalDate,
): boolean {
  const count = plan.installments.length;
  if (count < 1 || count > rule.maxInstallments) return false;
  if (plan.total !== account.balance || plan.currency !== account.currency) return false;
  const sum = plan.installments.reduce((acc, i) => acc + i.amount, 0);
  if (sum !== plan.total) return false;
  if (!rule.frequencies.includes(plan.frequency)) return false;
  if (
    !respectsMinimum(
      plan.installments.map((i) => i.amount),
      minInstallmentOf(rule, plan.currency),
    )
  ) {
    return false;
  }
  const first = plan.installments[0];
  if (!first) return false;
  if (count > 1 && first.amount < percentOf(plan.total, rule.minDownPaymentBps)) return false;
  const offset = daysBetween(today, first.dueDate);
  return offset >= 0 && offset <= rule.maxDaysToPromise;
}

import { daysBetween, localDateIn } from '../domain/dates.js';
import { applyPaymentToAccount, type PaymentInstruction } from '../domain/payments/index.js';
import type { Clock } from '../ports/clock.js';
import type {
  PaymentAccountState,
  PaymentDecision,
  PaymentStore,
  RecordPaymentOutcome,
} from '../ports/payment-store.js';

export interface ApplyPaymentDeps {
  readonly store: PaymentStore;
  readonly clock: Clock;
  /** Days after a promise's date in which a payment still keeps it (policy `promiseGraceDays`). */
  readonly graceDays: number;
}

/** How far ahead of our clock a stated instant may be (the payer's clock may run fast). */
const clockSkewMs = 15 * 60_000;

/**
 * The rules for one payment on one account, given its locked state: refuse a payment dated
 * after today (in the debtor's zone; an instant more than a few minutes ahead of the clock),
 * otherwise apply it (see applyPaymentToAccount).
 */
export function decidePayment(
  state: PaymentAccountState,
  instruction: PaymentInstruction,
  now: Date,
  graceDays: number,
): PaymentDecision {
  const today = localDateIn(now, state.timeZone);
  const isAhead =
    instruction.paidAt.kind === 'instant'
      ? instruction.paidAt.at.getTime() > now.getTime() + clockSkewMs
      : daysBetween(today, state.paidOn) > 0;
  if (isAhead)
    return {
      ok: false,
      reason: 'paid-in-future',
      message: `paid_at ${state.paidAt.toISOString()} is after now (${now.toISOString()}); a payment is recorded once made`,
    };
  return {
    ok: true,
    application: applyPaymentToAccount({
      balance: state.balance,
      plan: state.plan,
      promises: state.promises,
      earlierPayments: state.earlierPayments,
      payment: { amount: instruction.amount, paidOn: state.paidOn },
      graceDays,
    }),
  };
}

/**
 * Applies a payment to its account, once: in one transaction the payment is stored and the
 * balance, the active plan's installments, the promises it keeps, the claims it confirms and
 * the audit trail are updated. The same external id with the same account, amount, currency
 * and time replays the stored result and changes nothing; with anything else it is a conflict.
 * `source` ('api', 'csv-import', a provider) is stored on the payment and is the audit actor.
 */
export async function applyPayment(
  deps: ApplyPaymentDeps,
  instruction: PaymentInstruction,
  source: string,
): Promise<RecordPaymentOutcome> {
  const at = deps.clock.now();
  return deps.store.record(instruction, { source, at }, (state) =>
    decidePayment(state, instruction, at, deps.graceDays),
  );
}

import type { LocalDate } from '../domain/dates.js';
import type { AccountId, AccountStatus, DebtorId } from '../domain/model.js';
import type { CurrencyCode, Minor, Money } from '../domain/money.js';
import type {
  DatedPayment,
  PaymentApplication,
  PaymentInstruction,
  PlanToPay,
  PromiseTerms,
} from '../domain/payments/index.js';

/** What the store loads, under the account's row lock, for the pure rules to decide on. */
export interface PaymentAccountState {
  readonly accountId: AccountId;
  readonly accountRef: string;
  readonly debtorId: DebtorId;
  /** The debtor's IANA zone: promise windows and date-only payments are read in it. */
  readonly timeZone: string;
  readonly status: AccountStatus;
  /** The balance now, in the account's currency (minor units). */
  readonly balance: Money;
  /** The active plan, if any. */
  readonly plan: PlanToPay | undefined;
  /** Pending promises. */
  readonly promises: readonly PromiseTerms[];
  /** Earlier payments since the oldest pending promise was made (none without one). */
  readonly earlierPayments: readonly DatedPayment[];
  /** This payment's instant as it will be stored (a date-only payment is midday in `timeZone`). */
  readonly paidAt: Date;
  /** This payment's day in `timeZone`. */
  readonly paidOn: LocalDate;
}

/** The rules' answer: apply this, or refuse the payment (nothing is written). */
export type PaymentDecision =
  | { readonly ok: true; readonly application: PaymentApplication }
  | { readonly ok: false; readonly reason: 'paid-in-future'; readonly message: string };

/** A stored payment and everything it did. Built the same way on first apply and on a replay. */
export interface RecordedPayment {
  readonly id: string;
  readonly externalId: string;
  readonly accountId: AccountId;
  readonly accountRef: string;
  readonly debtorId: DebtorId;
  readonly amount: Money;
  /** UTC instant. */
  readonly paidAt: Date;
  /** Who recorded it: 'api', 'csv-import', later a provider's name. Also the audit actor. */
  readonly source: string;
  readonly method: string | undefined;
  readonly reference: string | undefined;
  /** The part that reduced the balance (`amount - surplus`). */
  readonly applied: Money;
  /** Paid beyond the balance, kept on the payment. */
  readonly surplus: Money;
  /** The account's balance right after this payment; undefined on payments stored before it was recorded. */
  readonly balanceAfter: Money | undefined;
  /** In plan and seq order; minor units of the payment's currency. */
  readonly allocations: readonly {
    readonly planId: string;
    readonly seq: number;
    readonly amount: Minor;
  }[];
  readonly completedPlanId: string | undefined;
  readonly keptPromiseIds: readonly string[];
  /** Open payment claims ("ya pagué") confirmed because this payment settled the account. */
  readonly confirmedClaimIds: readonly string[];
  readonly createdAt: Date;
}

/** How recording a payment ended. Everything but `applied` changed nothing. */
export type RecordPaymentOutcome =
  /** Applied now (`applied`), or the same payment was already applied (`replayed`). */
  | {
      readonly ok: true;
      readonly status: 'applied' | 'replayed';
      readonly payment: RecordedPayment;
    }
  | { readonly ok: false; readonly reason: 'unknown-account'; readonly message: string }
  | {
      readonly ok: false;
      readonly reason: 'currency-mismatch';
      readonly message: string;
      readonly accountCurrency: CurrencyCode;
    }
  /** The external id is already used by a payment with another account, amount, currency or time. */
  | {
      readonly ok: false;
      readonly reason: 'conflict';
      readonly message: string;
      /** The fields that differ: 'account_ref', 'amount', 'currency', 'paid_at'. */
      readonly differences: readonly string[];
    }
  | { readonly ok: false; readonly reason: 'paid-in-future'; readonly message: string };

/**
 * Where payments land. `record` is one transaction per payment: it locks the account row,
 * asks `decide` (the pure rules) and writes the payment, the balance and status, allocations to
 * installments, completed plans, kept promises, confirmed claims and audit rows together.
 * Payments are idempotent by external id, also under concurrency.
 */
export interface PaymentStore {
  record(
    instruction: PaymentInstruction,
    context: { readonly source: string; readonly at: Date },
    decide: (state: PaymentAccountState) => PaymentDecision,
  ): Promise<RecordPaymentOutcome>;
  /** A stored payment by its external id, with what it did. */
  findByExternalId(externalId: string): Promise<RecordedPayment | undefined>;
  /**
   * An account's payments paid at or after `since`, dated in the debtor's zone, oldest first:
   * what `isPromiseBroken` (domain/payments) needs to judge a promise made at `since` or later.
   */
  datedPaymentsOf(accountId: AccountId, since: Date): Promise<DatedPayment[]>;
}

/**
 * The read side of the portfolio: what the REST API and the console list and show. Writes
 * (imports, promises, plans) go through their own use cases; this port only reads.
 *
 * Amounts are {@link Money} in integer minor units, instants are UTC `Date`s, due dates are
 * {@link LocalDate}s. Days past due are counted in each debtor's time zone on the `now` the
 * caller passes in, so a fixed clock gives fixed answers.
 */
import type { AgingBucket } from '../domain/aging.js';
import type { LocalDate } from '../domain/dates.js';
import type {
  AccountId,
  AccountStatus,
  Channel,
  ContactKind,
  ConversationId,
  DebtorId,
  Payment,
  Plan,
  PromiseToPay,
} from '../domain/model.js';
import type { CurrencyCode, Minor, Money } from '../domain/money.js';

/** Sort keys of the account list. Every sort is made total by the account id as tie-breaker. */
export const accountSorts = ['dueDate', 'balance', 'daysPastDue'] as const;
export type AccountSort = (typeof accountSorts)[number];

export const sortOrders = ['asc', 'desc'] as const;
export type SortOrder = (typeof sortOrders)[number];

/** The largest page any list returns; larger requests are a caller bug, not clamped. */
export const maxPageSize = 500;

/**
 * Filters of the account list; every one present must hold (AND). Absent means "any".
 * `q` is a case-insensitive prefix of the account ref, the debtor ref or the debtor's name,
 * or a whole word of the name ("garcía" finds "Ana García").
 */
export interface AccountFilter {
  readonly status?: AccountStatus | undefined;
  readonly currency?: CurrencyCode | undefined;
  readonly segment?: string | undefined;
  readonly product?: string | undefined;
  /** ISO 3166 alpha-2 of the debtor. */
  readonly country?: string | undefined;
  /** Aging bucket on the query's `now`, in the debtor's time zone. */
  readonly agingBucket?: AgingBucket | undefined;
  /** Inclusive bounds on the balance, in minor units of the account's own currency. */
  readonly minBalance?: Minor | undefined;
  readonly maxBalance?: Minor | undefined;
  readonly debtorRef?: string | undefined;
  readonly q?: string | undefined;
}

/** A page request: `cursor` is a previous page's `nextCursor`, untouched. */
export interface PageRequest {
  /** 1 to {@link maxPageSize}. */
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface AccountListQuery extends AccountFilter, PageRequest {
  readonly sort: AccountSort;
  readonly order: SortOrder;
}

export interface DebtorFilter {
  /** Case-insensitive prefix of the debtor ref or name, or a whole word of the name. */
  readonly q?: string | undefined;
  readonly country?: string | undefined;
  readonly segment?: string | undefined;
  /** The debtor carries this tag (exact, case-sensitive). */
  readonly tag?: string | undefined;
}

/** Debtors are listed in debtor ref order. */
export interface DebtorListQuery extends DebtorFilter, PageRequest {}

/**
 * One page of a keyset-paginated list. `nextCursor` is opaque and undefined on the last page;
 * walking the cursors visits every row matching the filters exactly once, even with ties on the
 * sort key, as long as the filters and sort stay the same.
 */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | undefined;
}

/**
 * A list answer. A cursor that is malformed, or was issued for other filters or another sort,
 * is an expected outcome (a client's mistake), not an exception.
 */
export type PageResult<T> = { ok: true; page: Page<T> } | { ok: false; reason: 'invalid-cursor' };

/** The few debtor fields a list row needs. */
export interface DebtorLink {
  readonly id: DebtorId;
  readonly ref: string;
  readonly name: string;
}

/** An account as listed: its figures plus where it stands on the query's `now`. */
export interface AccountListItem {
  readonly id: AccountId;
  readonly ref: string;
  readonly debtor: DebtorLink;
  readonly currency: CurrencyCode;
  readonly balance: Money;
  readonly originalAmount: Money | undefined;
  readonly minPayment: Money | undefined;
  readonly dueDate: LocalDate;
  /** Whole days after the due date in the debtor's zone; 0 on the due date and before. */
  readonly daysPastDue: number;
  readonly agingBucket: AgingBucket;
  readonly product: string | undefined;
  readonly segment: string | undefined;
  readonly status: AccountStatus;
}

/** The debtor fields shown next to an account or in a debtor list (no contact values). */
export interface DebtorSummary extends DebtorLink {
  readonly country: string | undefined;
  readonly timeZone: string;
  readonly locale: string;
  readonly segment: string | undefined;
  readonly tags: readonly string[];
}

/** A promise to pay as recorded, with when it was settled and in which conversation. */
export interface PromiseRecord extends PromiseToPay {
  readonly conversationId: ConversationId | undefined;
  readonly resolvedAt: Date | undefined;
}

export interface ConversationSummary {
  readonly id: ConversationId;
  readonly channel: Channel;
  readonly owner: 'bot' | 'agent';
  readonly status: 'open' | 'closed';
  readonly updatedAt: Date;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly data: unknown;
}

/**
 * An account with everything recorded about it. Lists are newest first and capped
 * ({@link detailLimits}); installments are in sequence order.
 */
export interface AccountDetail extends AccountListItem {
  readonly debtor: DebtorSummary;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly promises: readonly PromiseRecord[];
  readonly plans: readonly Plan[];
  readonly payments: readonly Payment[];
  /** Conversations about this account, and the debtor's conversations about no account. */
  readonly conversations: readonly ConversationSummary[];
  readonly audit: readonly AuditEntry[];
}

/** How many of each related record an account or debtor view carries at most. */
export const detailLimits = {
  promises: 100,
  plans: 50,
  payments: 100,
  conversations: 50,
  audit: 20,
  accounts: 500,
} as const;

export interface ContactPointRecord {
  readonly kind: ContactKind;
  /** Unmasked: E.164 for phones. Masking for list views is the presenting adapter's job. */
  readonly value: string;
  readonly hasConsent: boolean;
  readonly createdAt: Date;
}

export interface OptOutRecord {
  readonly channel: Channel | 'all';
  readonly optedOutAt: Date;
  readonly source: string;
}

/** A debtor as listed: summary, contact points and how many accounts they hold. */
export interface DebtorListItem extends DebtorSummary {
  readonly contactPoints: readonly ContactPointRecord[];
  readonly accountCount: number;
}

export interface DebtorDetail extends DebtorListItem {
  readonly documentId: string | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly optOuts: readonly OptOutRecord[];
  /** The debtor's accounts in due date order, aged on the query's `now`. */
  readonly accounts: readonly AccountListItem[];
}

/** Read-only queries over debtors and accounts. Implementations never write. */
export interface PortfolioQueries {
  listAccounts(query: AccountListQuery, now: Date): Promise<PageResult<AccountListItem>>;
  /** By account ref, or by id when `refOrId` is a UUID; undefined when there is no such account. */
  getAccount(refOrId: string, now: Date): Promise<AccountDetail | undefined>;
  listDebtors(query: DebtorListQuery): Promise<PageResult<DebtorListItem>>;
  /** By debtor ref, or by id when `refOrId` is a UUID; undefined when there is no such debtor. */
  getDebtor(refOrId: string, now: Date): Promise<DebtorDetail | undefined>;
}

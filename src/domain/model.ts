/**
 * The collections domain as the rest of cuota sees it. Every amount is {@link Money} in minor
 * units; every instant is a UTC `Date`; calendar days (due dates, promised dates) are
 * {@link LocalDate}s read in the debtor's time zone.
 */
import type { LocalDate } from './dates.js';
import type { CurrencyCode, Minor, Money } from './money.js';

declare const debtorIdBrand: unique symbol;
declare const accountIdBrand: unique symbol;
declare const conversationIdBrand: unique symbol;
/** Our id of a person who owes money (a UUID). Never a console `user`. */
export type DebtorId = string & { readonly [debtorIdBrand]: true };
/** Our id of one debt (a UUID). */
export type AccountId = string & { readonly [accountIdBrand]: true };
export type ConversationId = string & { readonly [conversationIdBrand]: true };

export const channels = ['whatsapp', 'sms', 'telegram', 'email', 'web'] as const;
/** A channel a message travels on. Opt-outs are recorded per channel. */
export type Channel = (typeof channels)[number];

export const contactKinds = ['phone', 'telegram', 'email'] as const;
/** How a debtor can be reached: a phone (WhatsApp and SMS), a Telegram id, an email address. */
export type ContactKind = (typeof contactKinds)[number];

export interface ContactPoint {
  readonly kind: ContactKind;
  /** E.164 for phones, the numeric chat id for Telegram, lower-cased for email. */
  readonly value: string;
  readonly hasConsent: boolean;
}

export interface Debtor {
  readonly id: DebtorId;
  /** The creditor's reference for the person, unique per portfolio. */
  readonly ref: string;
  readonly name: string;
  readonly documentId: string | undefined;
  readonly country: string | undefined;
  /** IANA zone; see resolveTimeZone for how it is chosen. */
  readonly timeZone: string;
  /** BCP 47 tag used to pick the message catalog and format money and dates. */
  readonly locale: string;
  readonly segment: string | undefined;
  readonly tags: readonly string[];
}

export const accountStatuses = ['active', 'paid', 'disputed', 'closed'] as const;
export type AccountStatus = (typeof accountStatuses)[number];

export interface Account {
  readonly id: AccountId;
  readonly ref: string;
  readonly debtorId: DebtorId;
  readonly currency: CurrencyCode;
  readonly balance: Minor;
  readonly originalAmount: Minor | undefined;
  readonly minPayment: Minor | undefined;
  readonly dueDate: LocalDate;
  readonly product: string | undefined;
  readonly segment: string | undefined;
  readonly status: AccountStatus;
}

export const promiseStatuses = ['pending', 'kept', 'broken', 'cancelled'] as const;
/** A promise to pay moves from pending to exactly one of kept, broken or cancelled. */
export type PromiseStatus = (typeof promiseStatuses)[number];

export interface PromiseToPay {
  readonly id: string;
  readonly accountId: AccountId;
  readonly amount: Money;
  readonly dueDate: LocalDate;
  readonly status: PromiseStatus;
  readonly createdAt: Date;
}

export const planStatuses = ['active', 'completed', 'broken', 'cancelled'] as const;
export type PlanStatus = (typeof planStatuses)[number];

export interface Installment {
  readonly seq: number;
  readonly amount: Minor;
  readonly dueDate: LocalDate;
  readonly paid: Minor;
}

/** An installment plan; its installments always sum exactly to `total` (a database constraint). */
export interface Plan {
  readonly id: string;
  readonly accountId: AccountId;
  readonly total: Money;
  readonly status: PlanStatus;
  readonly installments: readonly Installment[];
  readonly createdAt: Date;
}

export interface Payment {
  readonly id: string;
  readonly accountId: AccountId;
  readonly amount: Money;
  readonly paidAt: Date;
  readonly externalId: string | undefined;
  readonly source: string;
}

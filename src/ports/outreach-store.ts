import type { DebtorContactFacts } from '../domain/contact-policy/index.js';
import type { ContactDecision, ContactPurpose } from '../domain/contact-policy/index.js';
import type { LocalDate } from '../domain/dates.js';
import type { ConversationState } from '../domain/engine/index.js';
import type { AccountId, Channel, ConversationId, DebtorId } from '../domain/model.js';
import type { Money } from '../domain/money.js';
import type { OutboundContent, Provider } from '../domain/messaging/message.js';
import type { OutreachValues } from '../domain/outreach/render-outreach.js';

/** Who a creditor-initiated message is for, and where they can be reached. */
export interface OutreachDebtor {
  readonly id: DebtorId;
  readonly name: string;
  readonly locale: string;
  readonly timeZone: string;
  readonly country: string | undefined;
  /** E.164; WhatsApp and SMS go here. */
  readonly phone: string | undefined;
  /** The Telegram chat linked to the debtor, if any. */
  readonly telegramChatId: string | undefined;
}

/** One message the scheduler wants to send, before channel choice and the contact policy. */
export interface OutreachRequest {
  /** Idempotency: a second request with the same key is ignored, even after a crash. */
  readonly dedupeKey: string;
  readonly purpose: ContactPurpose;
  readonly template: string;
  readonly debtor: OutreachDebtor;
  readonly accountId: AccountId | undefined;
  readonly values: OutreachValues;
  /** Channels to try in order; the first reachable one is used, the rest are fallbacks. */
  readonly channels: readonly Channel[];
  /** Send on this conversation's own route instead of choosing a channel (the nudge). */
  readonly conversation?:
    | {
        readonly id: ConversationId;
        readonly provider: Provider;
        readonly address: string;
      }
    | undefined;
  readonly isSurvey?: boolean | undefined;
  /** Past this instant the message no longer makes sense: deferred beyond it, it is denied. */
  readonly notAfter?: Date | undefined;
  /** Recorded with the message (campaign id, variant, step id...). */
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

/** A request after channel choice and the policy's decision, ready to be written. */
export interface OutreachWrite {
  readonly request: OutreachRequest;
  /** Where it goes; for a denied message, the first channel the policy refused (or none). */
  readonly route:
    | { readonly channel: Channel; readonly provider: Provider; readonly address: string }
    | undefined;
  readonly content: OutboundContent | undefined;
  /** The template's text as the debtor reads it, for the transcript. */
  readonly text: string;
  readonly locale: string;
  readonly decision: ContactDecision;
  readonly fallbackChannels: readonly Channel[];
  /** The state a new conversation starts in (the strategy's flow). */
  readonly initialState: ConversationState;
}

/** What the sweep finds due, per kind; the adapter reads the debtor's calendar day in SQL. */
export interface DueReminder {
  readonly kind: 'reminder';
  readonly stepId: string;
  /** Days from the due date (negative before it). */
  readonly offsetDays: number;
  readonly template: string;
  readonly account: {
    readonly id: AccountId;
    readonly dueDate: LocalDate;
    readonly segment: string | undefined;
  };
  readonly debtor: OutreachDebtor;
}
export interface DuePromise {
  readonly kind: 'promise_reminder';
  readonly when: 'eve' | 'day';
  readonly promiseId: string;
  readonly accountId: AccountId;
  readonly segment: string | undefined;
  readonly amount: Money;
  readonly dueDate: LocalDate;
  readonly debtor: OutreachDebtor;
}
export interface DueInstallment {
  readonly kind: 'installment_reminder';
  readonly when: 'eve' | 'day';
  readonly planId: string;
  readonly seq: number;
  readonly accountId: AccountId;
  readonly segment: string | undefined;
  /** What is still unpaid of the installment. */
  readonly amount: Money;
  readonly dueDate: LocalDate;
  readonly debtor: OutreachDebtor;
}
/** A promise (or an installment) past its date and grace with no payment covering it. */
export interface LapsedCommitment {
  readonly kind: 'promise' | 'installment';
  /** Promise id, or `planId:seq`. */
  readonly id: string;
  readonly accountId: AccountId;
  readonly segment: string | undefined;
  readonly amount: Money;
  readonly dueDate: LocalDate;
  readonly debtor: OutreachDebtor;
}
export interface UnthankedPayment {
  readonly paymentId: string;
  readonly accountId: AccountId;
  readonly segment: string | undefined;
  readonly amount: Money;
  readonly paidOn: LocalDate;
  readonly debtor: OutreachDebtor;
}
export interface SilentConversation {
  readonly conversationId: ConversationId;
  readonly lastSeq: number;
  readonly provider: Provider;
  readonly address: string;
  readonly accountId: AccountId | undefined;
  readonly debtor: OutreachDebtor;
}

/** The work one outreach transaction may do: state changes and the messages they cause. */
export interface OutreachTransaction {
  /** Marks a lapsed promise broken (or its plan broken) and flags the account; false if it was no longer pending. */
  breakCommitment(commitment: LapsedCommitment, at: Date): Promise<boolean>;
  /** Marks a payment thanked and opens its survey; false if it already was. */
  markThanked(paymentId: string, at: Date): Promise<boolean>;
  /** Writes outbox rows (new conversations and transcript lines for sendable ones); returns the dedupe keys written. */
  write(items: readonly OutreachWrite[], at: Date): Promise<ReadonlySet<string>>;
}

export interface OutreachStore {
  dueReminders(
    now: Date,
    steps: readonly {
      readonly segment: string | null;
      readonly stepId: string;
      readonly offsetDays: number;
      readonly template: string;
    }[],
    overriddenSegments: readonly string[],
  ): Promise<DueReminder[]>;
  duePromises(now: Date, dayBefore: boolean, onTheDay: boolean): Promise<DuePromise[]>;
  dueInstallments(now: Date, dayBefore: boolean, onTheDay: boolean): Promise<DueInstallment[]>;
  lapsedCommitments(now: Date, graceDays: number): Promise<LapsedCommitment[]>;
  /** Payments not yet thanked, paid in the last few days before `now` (older ones are history). */
  unthankedPayments(now: Date, limit: number): Promise<UnthankedPayment[]>;
  silentConversations(
    now: Date,
    silentFor: number,
    steps: readonly string[],
  ): Promise<SilentConversation[]>;
  /** Keys of these that were already written (to skip them before deciding anything). */
  existingKeys(keys: readonly string[]): Promise<ReadonlySet<string>>;
  /** The contact facts of these debtors at `now`, not counting the outbox rows in `excluding`. */
  contactFacts(
    debtorIds: readonly DebtorId[],
    now: Date,
    excluding?: readonly string[],
  ): Promise<Map<DebtorId, DebtorContactFacts>>;
  transaction<T>(work: (tx: OutreachTransaction) => Promise<T>): Promise<T>;
  /**
   * A creditor-initiated message that failed for good and has fallback channels, as a request for
   * them (with its own idempotency key) and the flow its conversation runs; undefined otherwise.
   */
  fallbackFor(
    outboxId: string,
  ): Promise<{ readonly request: OutreachRequest; readonly flowId: string } | undefined>;
}

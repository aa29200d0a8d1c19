import type { ContactPreference } from '../domain/contact-policy/index.js';
import type { LocalDate } from '../domain/dates.js';
import type { ConversationState, EngineAction } from '../domain/engine/index.js';
import type { AccountId, Channel, ConversationId, DebtorId } from '../domain/model.js';
import type { CurrencyCode, Minor } from '../domain/money.js';
import type { OutboundContent, Provider } from '../domain/messaging/message.js';
import type { TranscriptEntry } from '../domain/transcript.js';

/** A conversation as a turn sees it, read under the conversation's lock. */
export interface ConversationSnapshot {
  readonly id: ConversationId;
  readonly channel: Channel;
  readonly owner: 'bot' | 'agent';
  readonly status: 'open' | 'closed';
  readonly state: ConversationState;
  readonly turnCount: number;
  /** Where replies go: the provider and the debtor's address there; undefined for web chat. */
  readonly route: { readonly provider: Provider; readonly address: string } | undefined;
  readonly debtor: {
    readonly id: DebtorId;
    readonly ref: string;
    readonly name: string;
    readonly documentId: string | undefined;
    readonly timeZone: string;
    readonly locale: string;
    readonly segment: string | undefined;
  };
  readonly account: {
    readonly id: AccountId;
    readonly ref: string;
    readonly currency: CurrencyCode;
    readonly balance: Minor;
    readonly dueDate: LocalDate;
    readonly product: string | undefined;
    readonly minPayment: Minor | undefined;
    readonly segment: string | undefined;
    /** The earliest unpaid installment of an active plan, if any. */
    readonly nextInstallment: { readonly amount: Minor; readonly dueDate: LocalDate } | undefined;
  };
}

/** A message to append; seq, chain hashes and the conversation id are the store's job. */
export type NewTranscriptMessage = Omit<TranscriptEntry, 'conversationId' | 'seq' | 'createdAt'>;

/** What a turn leaves behind: its transcript messages, the records its actions stand for, the new state. */
export interface CompletedTurn {
  /** Appended in order to the tamper-evident transcript. */
  readonly messages: readonly NewTranscriptMessage[];
  /** Each is written as its domain record (promise, plan, opt-out...) and audited. */
  readonly actions: readonly EngineAction[];
  /** The engine state to resume from (and the owner it implies). */
  readonly state: ConversationState;
  readonly at: Date;
  /** Messages to deliver through the conversation's route, written to the outbox in this transaction. */
  readonly outbox?: readonly OutboxMessage[];
  /** When the debtor's message was sent (opens WhatsApp's 24-hour window). */
  readonly inboundAt?: Date | undefined;
  /** The hours and days the debtor asked to be written to in, kept for the contact policy. */
  readonly contactPreference?: ContactPreference | undefined;
  /** A receipt the debtor sent, attached to the account's latest open payment claim. */
  readonly claimAttachment?:
    | {
        readonly provider: Provider;
        readonly mediaRef: string;
        readonly mimeType?: string | undefined;
      }
    | undefined;
}

/** One outbound message of a turn. */
export interface OutboxMessage {
  readonly author: 'bot' | 'agent' | 'system';
  readonly content: OutboundContent;
  readonly locale: string;
  /** The confirmation of an opt-out: the one message still delivered on that channel. */
  readonly isOptOutNotice: boolean;
}

/** The work one turn may do inside its transaction. */
export interface ConversationTransaction {
  readonly conversation: ConversationSnapshot;
  /** True when an inbound message with this provider id was already processed here. */
  hasProcessed(providerMessageId: string): Promise<boolean>;
  /** Writes everything the turn produced; the transaction commits when the work returns. */
  complete(turn: CompletedTurn): Promise<void>;
  /**
   * Stores `score` (1-5) as the answer to the satisfaction survey this conversation just asked:
   * true when its last message is that survey, unanswered and asked in the last three days;
   * false otherwise, and then the text is an ordinary message.
   */
  answerSurvey(score: number, at: Date): Promise<boolean>;
}

export interface ConversationStore {
  /** The account and debtor behind an account ref, for opening a conversation. */
  findAccount(
    accountRef: string,
  ): Promise<{ readonly accountId: AccountId; readonly debtorId: DebtorId } | undefined>;
  /** Opens a conversation; `locale` overrides the debtor's language for this conversation. */
  open(input: {
    readonly accountId: AccountId;
    readonly debtorId: DebtorId;
    readonly channel: Channel;
    readonly state: ConversationState;
    readonly locale?: string | undefined;
    readonly at: Date;
  }): Promise<ConversationId>;
  /**
   * The open conversation of a debtor on a messaging channel, opened (with `state`) when there
   * is none; two messages arriving together land in the same conversation. `open` is that
   * conversation as the caller just read it ("provider address" route), which spares the lookup.
   */
  openForRoute(input: {
    readonly accountId: AccountId;
    readonly debtorId: DebtorId;
    readonly channel: Channel;
    readonly provider: Provider;
    readonly address: string;
    readonly state: ConversationState;
    readonly at: Date;
    readonly open?: { readonly id: ConversationId; readonly route: string } | undefined;
  }): Promise<ConversationId>;
  /**
   * Runs `work` in one transaction holding the conversation's lock, so one conversation
   * processes one message at a time; undefined when there is no such conversation. Naming the
   * turn's `providerMessageId` lets the store answer `hasProcessed` for it along with the
   * snapshot instead of in a query of its own.
   */
  withConversation<T>(
    id: ConversationId,
    work: (tx: ConversationTransaction) => Promise<T>,
    options?: { readonly providerMessageId?: string | undefined },
  ): Promise<T | undefined>;
  /** The transcript in order, with its chain hashes. */
  transcript(
    id: ConversationId,
  ): Promise<(TranscriptEntry & { readonly prevHash: string | null; readonly hash: string })[]>;
}

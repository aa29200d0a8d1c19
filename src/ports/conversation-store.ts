import type { LocalDate } from '../domain/dates.js';
import type { ConversationState, EngineAction } from '../domain/engine/index.js';
import type { AccountId, Channel, ConversationId, DebtorId } from '../domain/model.js';
import type { CurrencyCode, Minor } from '../domain/money.js';
import type { TranscriptEntry } from '../domain/transcript.js';

/** A conversation as a turn sees it, read under the conversation's lock. */
export interface ConversationSnapshot {
  readonly id: ConversationId;
  readonly channel: Channel;
  readonly owner: 'bot' | 'agent';
  readonly status: 'open' | 'closed';
  readonly state: ConversationState;
  readonly turnCount: number;
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

/** The work one turn may do inside its transaction. */
export interface ConversationTransaction {
  readonly conversation: ConversationSnapshot;
  /** True when an inbound message with this provider id was already processed here. */
  hasProcessed(providerMessageId: string): Promise<boolean>;
  /** Appends messages in order to the tamper-evident transcript. */
  append(messages: readonly NewTranscriptMessage[], at: Date): Promise<void>;
  /** Writes the domain records a turn's actions stand for (promise, plan, opt-out...), and audits each. */
  record(actions: readonly EngineAction[], at: Date): Promise<void>;
  /** Saves the engine state (and the owner it implies). */
  save(state: ConversationState, at: Date): Promise<void>;
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
   * Runs `work` in one transaction holding the conversation's lock, so one conversation
   * processes one message at a time; undefined when there is no such conversation.
   */
  withConversation<T>(
    id: ConversationId,
    work: (tx: ConversationTransaction) => Promise<T>,
  ): Promise<T | undefined>;
  /** The transcript in order, with its chain hashes. */
  transcript(
    id: ConversationId,
  ): Promise<(TranscriptEntry & { readonly prevHash: string | null; readonly hash: string })[]>;
}

/**
 * The conversation engine's data: the serialisable state a conversation carries between turns,
 * the input of one turn, and what a turn decides (replies, actions to record, effects to carry
 * out). Money is always integer minor units plus an ISO 4217 code; dates are "YYYY-MM-DD".
 */
import type { LocalDate } from '../dates.js';
import type { InstallmentFrequency } from '../installments.js';
import type { Channel } from '../model.js';
import type { CurrencyCode, Minor } from '../money.js';
import type { Flow } from '../flow/schema.js';
import type { MessageCatalogs } from '../messages/render.js';
import type { NegotiationPolicy } from '../negotiation/policy.js';
import type { Entities, Intent, Understanding } from '../understanding/types.js';

/** One installment of an offered or created plan. */
export interface PlanInstallment {
  readonly amount: Minor;
  readonly dueDate: LocalDate;
}

/** Something the bot offered and that only an explicit yes turns into a promise or a plan. */
export type PendingOffer =
  | {
      readonly kind: 'promise';
      readonly amount: Minor;
      readonly currency: CurrencyCode;
      readonly dueDate: LocalDate;
      /** Set when the amount is a settlement (discounted) amount. */
      readonly discountBps?: number;
    }
  | {
      readonly kind: 'plan';
      readonly installments: readonly PlanInstallment[];
      readonly total: Minor;
      readonly currency: CurrencyCode;
      readonly frequency: InstallmentFrequency;
    };

/** Who answers the debtor: the bot, or a human agent after an escalation. */
export type ConversationOwner = 'bot' | 'agent';

/**
 * Everything the engine remembers between turns. Plain JSON (no undefined, no Date), so the
 * app can store it in a jsonb column as is.
 */
export interface ConversationState {
  readonly flowId: string;
  readonly flowVersion: number;
  /** The step awaiting the debtor's next message; null before the first turn. */
  readonly stepId: string | null;
  readonly isVerified: boolean;
  /** Wrong identity answers so far. */
  readonly identityAttempts: number;
  /** Too many wrong answers: nothing about the debt is said again in this conversation. */
  readonly isIdentityLocked: boolean;
  /** Consecutive messages the current step could not route. */
  readonly noMatchCount: number;
  readonly pendingOffer: PendingOffer | null;
  /** An amount the debtor named for a promise while the date is still being asked. */
  readonly draftAmount: Minor | null;
  readonly owner: ConversationOwner;
  /** Reminders are paused (payment claim, dispute). */
  readonly isPaused: boolean;
  /** Channels the debtor opted out of; the bot never replies on them again. */
  readonly optedOutChannels: readonly Channel[];
  readonly isWrongNumber: boolean;
  readonly isDisputed: boolean;
  readonly hasHardship: boolean;
  /** A payment claim was asked for details once; the next answer is recorded as is. */
  readonly hasAskedClaimDetails: boolean;
  readonly lastIntent: Intent | null;
  /**
   * A clarifying question is open: the intents offered as choices, and the entities of the
   * low-confidence turn, kept until the debtor picks one.
   */
  readonly clarifying: { readonly intents: readonly Intent[]; readonly entities: Entities } | null;
}

/** What the engine knows about the person; never shown before identity is verified. */
export interface DebtorFacts {
  readonly name: string;
  /** BCP 47, e.g. "es-AR"; picks the catalog and formats money and dates. */
  readonly locale: string;
  /** IANA zone; "today" is read in it. */
  readonly timeZone: string;
  /** The document number on file, compared digit by digit with the debtor's answer. */
  readonly documentId: string | undefined;
  readonly segment?: string | undefined;
}

/** What the engine knows about the debt; disclosed only after identity is verified. */
export interface AccountFacts {
  readonly balance: Minor;
  readonly currency: CurrencyCode;
  readonly dueDate: LocalDate;
  readonly product: string | undefined;
  readonly minPayment: Minor | undefined;
  readonly daysPastDue: number;
  readonly nextInstallment: PlanInstallment | undefined;
  /** How to pay, as operator text (bank details, a payment link). */
  readonly paymentDetails: string;
  readonly creditorName: string;
  readonly segment?: string | undefined;
}

/** What the app loads about the conversation's debtor and account for one turn. */
export interface EngineFacts {
  readonly debtor: DebtorFacts;
  readonly account: AccountFacts;
}

/** One turn's input. `now` is the conversation clock (UTC); the engine reads no clock itself. */
export interface StepInput {
  readonly flow: Flow;
  readonly policy: NegotiationPolicy;
  readonly catalog: MessageCatalogs;
  readonly state: ConversationState;
  readonly understanding: Understanding;
  readonly text: string;
  readonly facts: EngineFacts;
  readonly now: Date;
  readonly channel: Channel;
}

/** A message the bot sends, with what produced it (for audit and compliance review). */
export interface Reply {
  readonly text: string;
  readonly options?: readonly { readonly id: string; readonly label: string }[];
  readonly messageKey: string;
  readonly flowId: string;
  readonly flowVersion: number;
  /** The catalog locale the text came from ("es-419"). */
  readonly locale: string;
}

/** Domain records a turn produced; the app stores each one in the turn's transaction. */
export type EngineAction =
  | { readonly type: 'identity_verified' }
  | { readonly type: 'identity_failed'; readonly attempt: number; readonly isLocked: boolean }
  | { readonly type: 'balance_disclosed'; readonly amount: Minor; readonly currency: CurrencyCode }
  | {
      readonly type: 'promise_recorded';
      readonly amount: Minor;
      readonly currency: CurrencyCode;
      readonly dueDate: LocalDate;
    }
  | {
      readonly type: 'plan_offered';
      readonly installments: readonly PlanInstallment[];
      readonly total: Minor;
      readonly currency: CurrencyCode;
    }
  | {
      readonly type: 'plan_created';
      readonly installments: readonly PlanInstallment[];
      readonly total: Minor;
      readonly currency: CurrencyCode;
    }
  | { readonly type: 'payment_details_sent' }
  | { readonly type: 'payment_claimed'; readonly date?: LocalDate; readonly amount?: Minor }
  | { readonly type: 'dispute_recorded' }
  | { readonly type: 'wrong_number' }
  | { readonly type: 'hardship_flagged' }
  | { readonly type: 'escalated'; readonly reason: string }
  | { readonly type: 'opted_out'; readonly channel: Channel };

/** The `type` of an {@link EngineAction}. */
export type EngineActionType = EngineAction['type'];

/**
 * Operational effects beyond replies and records: the app carries them out (pause the
 * reminder schedule, hand the conversation to an agent queue, schedule a follow-up).
 */
export type EngineEffect =
  | { readonly type: 'pause_reminders'; readonly reason: 'payment_claim' | 'dispute' }
  | {
      readonly type: 'stop_contact';
      readonly reason: 'wrong_number' | 'opted_out';
      readonly channel: Channel;
    }
  | { readonly type: 'assign_agent'; readonly reason: string }
  | {
      readonly type: 'schedule_follow_up';
      /** ISO 8601 duration from now. */
      readonly after: string;
      readonly messageKey: string;
      readonly stepId: string;
    };

/** One turn's decision: the next state, what to send, what to record, what to do. */
export interface StepResult {
  readonly state: ConversationState;
  readonly replies: readonly Reply[];
  readonly actions: readonly EngineAction[];
  readonly effects: readonly EngineEffect[];
}

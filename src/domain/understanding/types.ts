/**
 * What understanding a debtor's message yields: one intent from a closed set, the entities
 * found, and a confidence. Rules produce it today; an LLM fallback (behind the same port) may
 * propose one later, and every value is validated by policy code before anything is decided.
 */
import type { LocalDate } from '../dates.js';
import type { CurrencyCode, Money } from '../money.js';

export const intents = [
  'greet',
  'affirm',
  'deny',
  'thanks',
  'goodbye',
  'ask_balance',
  'ask_details',
  'ask_how_to_pay',
  'ask_plan',
  'propose_plan',
  'promise_to_pay',
  'ask_discount',
  'payment_claim',
  'request_clearance',
  'ask_identity',
  'dispute',
  'wrong_number',
  'hardship',
  'talk_to_human',
  'opt_out',
  'abuse',
  'distress',
  'unknown',
] as const;
/** The closed set of intents the engine routes on. */
export type Intent = (typeof intents)[number];

/** A date the debtor named, resolved against the conversation's "now" in their time zone. */
export type DateEntity =
  | { readonly kind: 'date'; readonly date: LocalDate; readonly text: string }
  /** "cuando me paguen", "la otra semana": a date is meant but cannot be resolved; ask when. */
  | { readonly kind: 'vague'; readonly text: string };

export interface Entities {
  readonly date?: DateEntity;
  /** An amount in the account's currency (the only currency the debtor can pay in here). */
  readonly amount?: Money;
  /** The currency the debtor wrote when it differs from the account's ("USD 200" on a COP debt). */
  readonly foreignCurrency?: string;
  readonly installmentCount?: number;
  readonly frequency?: 'weekly' | 'biweekly' | 'monthly';
  /** Digits the debtor typed, e.g. an answer to "the last 4 digits of your document". */
  readonly digits?: string;
  /** An option id chosen from a menu (button id or a number typed in SMS). */
  readonly choice?: string;
}

export interface Understanding {
  readonly intent: Intent;
  /** 0..1; below the engine's threshold it asks a clarifying question instead of acting. */
  readonly confidence: number;
  readonly entities: Entities;
  /** Runner-up intents, best first, for clarifying questions and review. */
  readonly alternatives: readonly { readonly intent: Intent; readonly confidence: number }[];
  /** Which understander produced this ("rules", or "llm:<prompt id>@<version>"). */
  readonly source: string;
  /** Signals about the debtor's state; only the LLM path fills them. Never decide money. */
  readonly signals?: UnderstandingSignals;
  /** Set when the LLM was considered for this turn: what it was asked and answered, for review. */
  readonly llm?: LlmTrace;
}

/** How the debtor sounds, as the LLM read it: for agents and review, never for policy. */
export interface UnderstandingSignals {
  readonly sentiment: 'negative' | 'neutral' | 'positive';
  readonly hardship: boolean;
  readonly vulnerability: boolean;
  /** The language the debtor wrote in (ISO 639-1), which may differ from the account's locale. */
  readonly language: string;
}

/**
 * The compliance record of one turn's LLM consultation: the prompt id and version, the raw
 * model output, the validated result (or why it was rejected) and what it cost. Stored with the
 * inbound transcript message.
 */
export interface LlmTrace {
  /** used: the validated result drove the turn; otherwise the rules result did, and why. */
  readonly status:
    | 'used'
    | 'agreed'
    | 'rejected'
    | 'failed'
    | 'timeout'
    | 'skipped_injection'
    | 'skipped_cap'
    | 'skipped_breaker';
  readonly promptId?: string;
  readonly promptVersion?: number;
  readonly model?: string;
  /** The model's answer, verbatim (what it said, before any validation). */
  readonly raw?: string;
  /** Why the answer was not used (invalid_json, schema, intent_outside_set, invented_amount...). */
  readonly reason?: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** Estimated cost in millionths of a US dollar at the configured price. */
  readonly costMicroUsd?: number;
  readonly latencyMs?: number;
}

/** What an understander may know about the conversation; never the debt itself. */
export interface UnderstandingContext {
  /** The conversation's clock, UTC. */
  readonly now: Date;
  readonly timeZone: string;
  /** BCP 47; picks the lexicon (es-*, en-*, pt-*). */
  readonly locale: string;
  /** The account's currency, so "200" or "mil quinientos" become minor units of it. */
  readonly currency: CurrencyCode;
  /** Intents the current step expects; a hint that may raise their confidence. */
  readonly expected?: readonly Intent[];
  /** The conversation, for per-conversation LLM caps and usage; absent in evaluation. */
  readonly conversationId?: string;
  /** Identifiers on file (document number, phone) that must never reach a model. */
  readonly identifiers?: readonly string[];
}

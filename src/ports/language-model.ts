/**
 * A chat model behind a versioned prompt. The adapter renders the prompt, calls the model and
 * reports what it cost; it never interprets the answer (the domain validates it).
 */

/** One call: which prompt, in which language, with which values. Values are data, never instructions. */
export interface PromptCall {
  readonly promptId: string;
  /** BCP 47; the adapter picks the prompt's closest locale file. */
  readonly locale: string;
  readonly variables: Readonly<Record<string, string>>;
  /** Ask the model for a JSON object (OpenAI `response_format: json_object`). */
  readonly isJson: boolean;
  /** Gives up after this many milliseconds. */
  readonly timeoutMs: number;
}

/** What the model answered, verbatim, with the prompt version and usage. */
export interface ModelAnswer {
  readonly text: string;
  readonly promptId: string;
  readonly promptVersion: number;
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Wall time of the model call alone, in milliseconds. */
  readonly latencyMs: number;
}

/** Why a call produced no answer. */
export type ModelFailureKind =
  'timeout' | 'rate_limited' | 'server_error' | 'bad_request' | 'network';

/** Thrown by {@link LanguageModel.complete} when the model gave no usable answer. */
export class ModelCallError extends Error {
  constructor(
    readonly kind: ModelFailureKind,
    message: string,
    /** The prompt that was sent, when it was rendered. */
    readonly prompt?: { readonly id: string; readonly version: number },
  ) {
    super(message);
    this.name = 'ModelCallError';
  }
}

/** Calls a chat model with a versioned prompt. */
export interface LanguageModel {
  complete(call: PromptCall): Promise<ModelAnswer>;
}

/** One recorded model call, for caps and cost. */
export interface LlmUsage {
  readonly conversationId: string | undefined;
  readonly at: Date;
  readonly purpose: 'understand' | 'answer' | 'rephrase';
  readonly promptId: string | undefined;
  readonly promptVersion: number | undefined;
  readonly model: string | undefined;
  readonly status: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Estimated cost in millionths of a US dollar. */
  readonly costMicroUsd: number;
  readonly latencyMs: number;
}

/**
 * Decides whether a model may be called now (circuit breaker, per-conversation and per-day
 * caps) and keeps the tally. `allow` is synchronous on purpose: it runs inside a turn's
 * transaction, where the embedded store has no second connection to read from.
 */
export interface LlmGuard {
  allow(conversationId: string | undefined, now: Date): 'ok' | 'cap' | 'breaker';
  /** Records one call's outcome: counts it against the caps and feeds the breaker. */
  record(usage: LlmUsage, isFailure: boolean): void;
}

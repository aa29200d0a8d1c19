/**
 * What grounded answers and rewordings share: the reply type that carries the prompt that wrote
 * it, the compliance trace stored on the reply's transcript message, and one guarded model call
 * (circuit breaker and caps first, the per-turn timeout, usage and cost recorded).
 */
import type { Reply } from '../domain/engine/index.js';
import {
  ModelCallError,
  type LanguageModel,
  type LlmGuard,
  type ModelAnswer,
  type PromptCall,
} from '../ports/language-model.js';
import { costMicroUsd, type ModelPrice } from './llm-understander.js';

/** The record of one model consultation about a reply, stored in its transcript payload. */
export interface ReplyTrace {
  readonly purpose: 'answer' | 'rephrase';
  /**
   * used: the model's text was sent. unanswerable: the model said the sources do not answer.
   * rejected: its answer was refused by the checks. Otherwise the model gave nothing or was not asked.
   */
  readonly status:
    | 'used'
    | 'unanswerable'
    | 'rejected'
    | 'failed'
    | 'timeout'
    | 'skipped_injection'
    | 'skipped_cap'
    | 'skipped_breaker';
  readonly promptId?: string;
  readonly promptVersion?: number;
  readonly model?: string;
  /** The model's answer, verbatim. */
  readonly raw?: string;
  readonly reason?: string;
  readonly detail?: string;
  /** Rewording: the template text the model was asked to reword. */
  readonly template?: string;
  /** Grounded answers: the FAQ version the model was shown. */
  readonly faqVersion?: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly costMicroUsd?: number;
  readonly latencyMs?: number;
}

/** A reply, with the prompt whose answer decided its text and the consultation's trace. */
export interface AssistedReply extends Reply {
  readonly prompt?: { readonly id: string; readonly version: number };
  readonly llm?: ReplyTrace;
}

/** What a guarded call gave: the answer and its usage, or the trace of why there is none. */
export type GuardedAnswer =
  | {
      readonly ok: true;
      readonly answer: ModelAnswer;
      readonly usage: Omit<ReplyTrace, 'status' | 'purpose'>;
    }
  | { readonly ok: false; readonly trace: ReplyTrace };

/** Shared settings of the reply helpers: the same budget and price as understanding. */
export interface ReplyLlmOptions {
  readonly timeoutMs: number;
  readonly price: ModelPrice;
}

/**
 * Calls the model once if the guard allows it. A failure or timeout is recorded against the
 * breaker here; the caller records the outcome of a call that answered ({@link recordOutcome}).
 */
export async function callGuarded(
  model: LanguageModel,
  guard: LlmGuard,
  input: {
    readonly purpose: ReplyTrace['purpose'];
    readonly conversationId: string;
    readonly now: Date;
    readonly price: ModelPrice;
    readonly call: PromptCall;
  },
): Promise<GuardedAnswer> {
  const gate = guard.allow(input.conversationId, input.now);
  if (gate !== 'ok') {
    return {
      ok: false,
      trace: { purpose: input.purpose, status: gate === 'cap' ? 'skipped_cap' : 'skipped_breaker' },
    };
  }
  const started = performance.now();
  try {
    const answer = await model.complete(input.call);
    return {
      ok: true,
      answer,
      usage: {
        promptId: answer.promptId,
        promptVersion: answer.promptVersion,
        model: answer.model,
        raw: answer.text,
        inputTokens: answer.inputTokens,
        outputTokens: answer.outputTokens,
        costMicroUsd: costMicroUsd(input.price, answer.inputTokens, answer.outputTokens),
        latencyMs: answer.latencyMs,
      },
    };
  } catch (err) {
    if (!(err instanceof ModelCallError)) throw err;
    const trace: ReplyTrace = {
      purpose: input.purpose,
      status: err.kind === 'timeout' ? 'timeout' : 'failed',
      reason: err.kind,
      ...(err.prompt ? { promptId: err.prompt.id, promptVersion: err.prompt.version } : {}),
      latencyMs: Math.round(performance.now() - started),
    };
    recordOutcome(guard, input.conversationId, input.now, trace, true);
    return { ok: false, trace };
  }
}

/** Counts one call against the caps and feeds the breaker (a failure, or a usable answer). */
export function recordOutcome(
  guard: LlmGuard,
  conversationId: string,
  at: Date,
  trace: ReplyTrace,
  isFailure: boolean,
): void {
  guard.record(
    {
      conversationId,
      at,
      purpose: trace.purpose,
      promptId: trace.promptId,
      promptVersion: trace.promptVersion,
      model: trace.model,
      status: trace.reason === undefined ? trace.status : `${trace.status}:${trace.reason}`,
      inputTokens: trace.inputTokens ?? 0,
      outputTokens: trace.outputTokens ?? 0,
      costMicroUsd: trace.costMicroUsd ?? 0,
      latencyMs: trace.latencyMs ?? 0,
    },
    isFailure,
  );
}

/** Debtor text as a prompt variable: identifiers removed, and unable to close the tag that fences it. */
export function fenced(text: string): string {
  return text.replace(/</g, '‹').replace(/>/g, '›');
}

/**
 * Grounded answers: a verified debtor's question about the debt ("¿por qué me cobran
 * intereses?", "when is it due?") answered by a language model from the account's facts and the
 * operator's FAQ alone. The question is screened for injection first; the answer is parsed
 * (zod) and every number, amount, date, month, number word and link in it must appear in the
 * facts or the FAQ (src/domain/llm/grounding.ts). When the model says the sources do not answer,
 * or its answer fails a check, or it fails or times out, the bot sends the FAQ's `unanswered`
 * reply, which says so and tells the debtor how to reach a person. An answer only ever replaces
 * reply text: it never changes the conversation's state or records.
 */
import type { AccountFacts } from '../domain/engine/index.js';
import { faqFor, type Faq } from '../domain/llm/faq.js';
import {
  checkGrounding,
  factsForModel,
  GroundedAnswerSchema,
  parseModelJson,
} from '../domain/llm/grounding.js';
import { screenForInjection } from '../domain/llm/injection.js';
import { redactForModel } from '../domain/llm/redact.js';
import type { LanguageModel, LlmGuard } from '../ports/language-model.js';
import { defaultLlmUnderstanderOptions } from './llm-understander.js';
import {
  callGuarded,
  fenced,
  recordOutcome,
  type ReplyLlmOptions,
  type ReplyTrace,
} from './reply-llm.js';

/** What the answerer decided for one question. */
export type GroundedResult =
  /** The model's answer passed every check: send `text`. */
  | {
      readonly type: 'answered';
      readonly text: string;
      readonly prompt: { readonly id: string; readonly version: number };
      readonly trace: ReplyTrace;
    }
  /** The model was asked and gave nothing usable: send `text` (the FAQ's "unanswered"). */
  | {
      readonly type: 'unanswered';
      readonly text: string;
      readonly prompt: { readonly id: string; readonly version: number } | undefined;
      readonly trace: ReplyTrace;
    }
  /** The model was not asked (injection screen, breaker, caps): the engine's replies stand. */
  | { readonly type: 'skipped'; readonly trace: ReplyTrace };

export interface GroundedAnswerOptions extends ReplyLlmOptions {
  readonly promptId: string;
}

export class GroundedAnswerer {
  private readonly options: GroundedAnswerOptions;

  constructor(
    private readonly model: LanguageModel,
    private readonly guard: LlmGuard,
    private readonly faq: Faq,
    options: Partial<GroundedAnswerOptions> = {},
  ) {
    this.options = {
      timeoutMs: options.timeoutMs ?? defaultLlmUnderstanderOptions.timeoutMs,
      price: options.price ?? defaultLlmUnderstanderOptions.price,
      promptId: options.promptId ?? 'answer',
    };
  }

  /** Answers `question` from `account` and the FAQ. Call only once identity is verified. */
  async answer(input: {
    readonly question: string;
    readonly account: AccountFacts;
    readonly locale: string;
    readonly conversationId: string;
    readonly now: Date;
    /** Values on file that must never reach the model (the document number). */
    readonly identifiers: readonly string[];
  }): Promise<GroundedResult> {
    const screen = screenForInjection(input.question);
    if (screen.isSuspect) {
      return {
        type: 'skipped',
        trace: { purpose: 'answer', status: 'skipped_injection', reason: screen.signals.join(',') },
      };
    }
    const faq = faqFor(this.faq, input.locale);
    const facts = factsForModel(input.account, input.locale);
    const faqText = faq.entries.map((e) => `[${e.id}] ${e.question}\n${e.answer}`);
    const called = await callGuarded(this.model, this.guard, {
      purpose: 'answer',
      conversationId: input.conversationId,
      now: input.now,
      price: this.options.price,
      call: {
        promptId: this.options.promptId,
        locale: input.locale,
        isJson: true,
        timeoutMs: this.options.timeoutMs,
        variables: {
          facts: facts.join('\n'),
          faq: faqText.join('\n\n'),
          question: fenced(redactForModel(input.question, input.identifiers)),
        },
      },
    });
    const unanswered = (trace: ReplyTrace): GroundedResult => ({
      type: 'unanswered',
      text: faq.unanswered,
      prompt:
        trace.promptId === undefined || trace.promptVersion === undefined
          ? undefined
          : { id: trace.promptId, version: trace.promptVersion },
      trace: { ...trace, faqVersion: this.faq.version },
    });
    if (!called.ok) {
      return called.trace.status === 'skipped_cap' || called.trace.status === 'skipped_breaker'
        ? { type: 'skipped', trace: called.trace }
        : unanswered(called.trace);
    }
    const { answer, usage } = called;
    const record = (trace: ReplyTrace, isFailure: boolean): ReplyTrace => {
      recordOutcome(this.guard, input.conversationId, input.now, trace, isFailure);
      return trace;
    };
    const parsed = parseModelJson(answer.text, GroundedAnswerSchema);
    if (!parsed.ok) {
      return unanswered(
        record(
          {
            ...usage,
            purpose: 'answer',
            status: 'rejected',
            reason: parsed.reason,
            detail: parsed.detail,
          },
          true,
        ),
      );
    }
    const text = parsed.output.answer.trim();
    if (!parsed.output.answerable || text === '') {
      return unanswered(record({ ...usage, purpose: 'answer', status: 'unanswerable' }, false));
    }
    const grounding = checkGrounding(text, [...facts, ...faqText, faq.unanswered]);
    if (!grounding.ok) {
      return unanswered(
        record(
          {
            ...usage,
            purpose: 'answer',
            status: 'rejected',
            reason: grounding.reason,
            detail: grounding.detail,
          },
          false,
        ),
      );
    }
    const trace = record(
      { ...usage, purpose: 'answer', status: 'used', faqVersion: this.faq.version },
      false,
    );
    return {
      type: 'answered',
      text,
      prompt: { id: answer.promptId, version: answer.promptVersion },
      trace,
    };
  }
}

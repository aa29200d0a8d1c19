/**
 * Rules first, a language model where the rules are unsure. The rules understand every
 * message; the model is consulted only when their confidence is below the threshold or the
 * message is long and not a safety intent the rules are sure of, and only if the message
 * passes the injection screen, the circuit breaker is closed and the caps allow it. Its answer
 * is parsed (zod) and validated against the debtor's own words; anything else leaves the rules
 * result in charge. The turn keeps a trace (prompt id and version, raw answer, validated
 * result or the reason it was refused, tokens and cost) for compliance review.
 */
import { screenForInjection } from '../domain/llm/injection.js';
import { parseLlmOutput } from '../domain/llm/output-schema.js';
import { redactForModel } from '../domain/llm/redact.js';
import { validateLlmOutput } from '../domain/llm/validate.js';
import { localDateIn } from '../domain/dates.js';
import { understandByRules } from '../domain/understanding/rules-understander.js';
import type {
  Intent,
  LlmTrace,
  Understanding,
  UnderstandingContext,
} from '../domain/understanding/types.js';
import { intents } from '../domain/understanding/types.js';
import {
  ModelCallError,
  type LanguageModel,
  type LlmGuard,
  type ModelAnswer,
} from '../ports/language-model.js';
import type { Understander } from '../ports/understander.js';

/** How the model is priced, in US dollars per million tokens. */
export interface ModelPrice {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

export interface LlmUnderstanderOptions {
  /** Below this rules confidence the model is consulted; the flows' threshold (0.6 by default). */
  readonly threshold: number;
  /** Messages at least this long are read by the model too, unless rules are sure of a safety intent. */
  readonly longMessageChars: number;
  readonly timeoutMs: number;
  readonly price: ModelPrice;
  readonly promptId: string;
}

export const defaultLlmUnderstanderOptions: LlmUnderstanderOptions = {
  threshold: 0.6,
  longMessageChars: 180,
  timeoutMs: 4000,
  price: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  promptId: 'understand',
};

/** Intents the rules' word is final on when they are sure: nobody should have to say them twice. */
const safetyIntents: ReadonlySet<Intent> = new Set([
  'opt_out',
  'distress',
  'wrong_number',
  'dispute',
  'talk_to_human',
  'abuse',
]);

const weekday = new Intl.DateTimeFormat('en-US', { weekday: 'long', timeZone: 'UTC' });

/** Estimated cost of a call in millionths of a US dollar (USD per million tokens = µUSD per token). */
export function costMicroUsd(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  return Math.round(inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion);
}

/** The {@link Understander} that adds a language model behind the rules. */
export class LlmAssistedUnderstander implements Understander {
  private readonly options: LlmUnderstanderOptions;

  constructor(
    private readonly model: LanguageModel,
    private readonly guard: LlmGuard,
    options: Partial<LlmUnderstanderOptions> = {},
  ) {
    this.options = { ...defaultLlmUnderstanderOptions, ...options };
  }

  /** Whether a rules result on `text` would be sent to the model (before screen, breaker and caps). */
  needsModel(text: string, rules: Understanding): boolean {
    const isSure = rules.intent !== 'unknown' && rules.confidence >= this.options.threshold;
    if (!isSure) return true;
    return text.length >= this.options.longMessageChars && !safetyIntents.has(rules.intent);
  }

  async understand(text: string, context: UnderstandingContext): Promise<Understanding> {
    const rules = understandByRules(text, context);
    if (!this.needsModel(text, rules)) return rules;
    const screen = screenForInjection(text);
    if (screen.isSuspect) {
      return withTrace(rules, { status: 'skipped_injection', reason: screen.signals.join(',') });
    }
    const gate = this.guard.allow(context.conversationId, context.now);
    if (gate !== 'ok') {
      return withTrace(rules, { status: gate === 'cap' ? 'skipped_cap' : 'skipped_breaker' });
    }

    let answer: ModelAnswer;
    const started = performance.now();
    try {
      answer = await this.model.complete({
        promptId: this.options.promptId,
        locale: context.locale,
        isJson: true,
        timeoutMs: this.options.timeoutMs,
        variables: this.variables(text, context),
      });
    } catch (err) {
      if (!(err instanceof ModelCallError)) throw err;
      const trace: LlmTrace = {
        status: err.kind === 'timeout' ? 'timeout' : 'failed',
        reason: err.kind,
        ...(err.prompt ? { promptId: err.prompt.id, promptVersion: err.prompt.version } : {}),
        latencyMs: Math.round(performance.now() - started),
      };
      this.record(context, trace, true);
      return withTrace(rules, trace);
    }

    const usage = {
      promptId: answer.promptId,
      promptVersion: answer.promptVersion,
      model: answer.model,
      raw: answer.text,
      inputTokens: answer.inputTokens,
      outputTokens: answer.outputTokens,
      costMicroUsd: costMicroUsd(this.options.price, answer.inputTokens, answer.outputTokens),
      latencyMs: answer.latencyMs,
    };
    const parsed = parseLlmOutput(answer.text);
    if (!parsed.ok) {
      const trace: LlmTrace = { ...usage, status: 'rejected', reason: parsed.reason };
      this.record(context, trace, true);
      return withTrace(rules, trace);
    }
    const checked = validateLlmOutput(parsed.output, text, context, rules);
    if (!checked.ok) {
      const trace: LlmTrace = { ...usage, status: 'rejected', reason: checked.reason };
      this.record(context, trace, false);
      return withTrace(rules, trace);
    }
    const isModelSure =
      checked.intent !== 'unknown' && parsed.output.confidence >= this.options.threshold;
    const isRulesSure = rules.intent !== 'unknown' && rules.confidence >= this.options.threshold;
    if (!isModelSure || (isRulesSure && checked.intent !== rules.intent)) {
      // An unsure model adds nothing; a sure model that contradicts sure rules on a long
      // message does not overrule them either: the rules' deterministic reading stands.
      const trace: LlmTrace = {
        ...usage,
        status: 'rejected',
        reason: isModelSure ? 'contradicts_rules' : 'model_unsure',
      };
      this.record(context, trace, false);
      return { ...withTrace(rules, trace), signals: checked.signals };
    }
    const trace: LlmTrace = {
      ...usage,
      status: isRulesSure ? 'agreed' : 'used',
    };
    this.record(context, trace, false);
    if (isRulesSure) {
      // Agreement: the rules' reading, with what the model read where the rules read less.
      return { ...withTrace(rules, trace), entities: checked.entities, signals: checked.signals };
    }
    const alternatives = [
      ...(rules.intent === 'unknown'
        ? []
        : [{ intent: rules.intent, confidence: rules.confidence }]),
      ...rules.alternatives,
    ]
      .filter(
        (a, i, all) =>
          a.intent !== checked.intent && all.findIndex((b) => b.intent === a.intent) === i,
      )
      .slice(0, 3);
    return {
      intent: checked.intent,
      confidence: checked.confidence,
      entities: checked.entities,
      alternatives,
      source: `llm:${answer.promptId}@${answer.promptVersion}`,
      signals: checked.signals,
      llm: trace,
    };
  }

  private variables(text: string, context: UnderstandingContext): Record<string, string> {
    const today = localDateIn(context.now, context.timeZone);
    return {
      // Angle brackets are neutralised so the message cannot close the tag that fences it.
      message: redactForModel(text, context.identifiers ?? [])
        .replace(/</g, '‹')
        .replace(/>/g, '›'),
      today,
      weekday: weekday.format(new Date(`${today}T12:00:00Z`)),
      timeZone: context.timeZone,
      currency: context.currency,
      intents: intents.join(', '),
      expected: (context.expected ?? []).join(', ') || '(any)',
    };
  }

  private record(context: UnderstandingContext, trace: LlmTrace, isFailure: boolean): void {
    this.guard.record(
      {
        conversationId: context.conversationId,
        at: context.now,
        purpose: 'understand',
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
}

function withTrace(rules: Understanding, trace: LlmTrace): Understanding {
  return { ...rules, llm: trace };
}

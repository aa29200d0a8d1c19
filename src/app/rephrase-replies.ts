/**
 * Optional rewording of template replies in the debtor's register and language
 * (CUOTA_LLM_REPHRASE=true). One model call per turn rewords all of the turn's replies; each
 * rewording is kept only if every number, amount, date (digits, months, weekdays) and name of
 * its template appears in it unchanged and it adds no number of its own
 * (src/domain/llm/preserve.ts). Otherwise that template is sent as is. Legal and safety texts
 * (opt-out, distress, wrong number, dispute, payment details) are never reworded.
 */
import { checkPreservation } from '../domain/llm/preserve.js';
import { dateWordsAsWritten, parseModelJson, RephraseSchema } from '../domain/llm/grounding.js';
import { screenForInjection } from '../domain/llm/injection.js';
import { redactForModel } from '../domain/llm/redact.js';
import type { LanguageModel, LlmGuard } from '../ports/language-model.js';
import { defaultLlmUnderstanderOptions } from './llm-understander.js';
import {
  callGuarded,
  fenced,
  recordOutcome,
  type AssistedReply,
  type ReplyLlmOptions,
  type ReplyTrace,
} from './reply-llm.js';

/** Message keys (or key prefixes ending in ".") whose wording is sent exactly as written. */
export const verbatimMessageKeys: readonly string[] = [
  'opt_out.',
  'distress.',
  'wrong_number.',
  'dispute.',
  'pay.details',
  'identity.locked',
  'channel.',
];

function isVerbatim(messageKey: string): boolean {
  return verbatimMessageKeys.some((k) =>
    k.endsWith('.') ? messageKey.startsWith(k) : messageKey === k,
  );
}

export interface RephraseOptions extends ReplyLlmOptions {
  readonly promptId: string;
}

export class ReplyRephraser {
  private readonly options: RephraseOptions;

  constructor(
    private readonly model: LanguageModel,
    private readonly guard: LlmGuard,
    options: Partial<RephraseOptions> = {},
  ) {
    this.options = {
      timeoutMs: options.timeoutMs ?? defaultLlmUnderstanderOptions.timeoutMs,
      price: options.price ?? defaultLlmUnderstanderOptions.price,
      promptId: options.promptId ?? 'rephrase',
    };
  }

  /**
   * The turn's replies, each reworded where the rewording keeps its facts. `protectedTerms` are
   * names and texts that must survive verbatim wherever a template has them (the debtor's and
   * creditor's names, the product, the payment details).
   */
  async rephrase(
    replies: readonly AssistedReply[],
    input: {
      /** What the debtor wrote this turn: a sample of their register, never instructions. */
      readonly text: string;
      readonly locale: string;
      /** The language the debtor wrote in, when the understanding read it (ISO 639-1). */
      readonly language: string | undefined;
      readonly conversationId: string;
      readonly now: Date;
      readonly identifiers: readonly string[];
      readonly protectedTerms: readonly string[];
    },
  ): Promise<readonly AssistedReply[]> {
    const eligible = replies.flatMap((reply, index) =>
      isVerbatim(reply.messageKey) ? [] : [index],
    );
    if (eligible.length === 0) return replies;
    const withTrace = (trace: ReplyTrace): readonly AssistedReply[] =>
      replies.map((reply, index) => (index === eligible[0] ? { ...reply, llm: trace } : reply));

    const screen = screenForInjection(input.text);
    if (screen.isSuspect) {
      return withTrace({
        purpose: 'rephrase',
        status: 'skipped_injection',
        reason: screen.signals.join(','),
      });
    }
    const templates = eligible.map((index) => replies[index]?.text ?? '');
    const called = await callGuarded(this.model, this.guard, {
      purpose: 'rephrase',
      conversationId: input.conversationId,
      now: input.now,
      price: this.options.price,
      call: {
        promptId: this.options.promptId,
        locale: input.locale,
        isJson: true,
        timeoutMs: this.options.timeoutMs,
        variables: {
          language: input.language ?? (input.locale.split(/[-_]/)[0] ?? input.locale).toLowerCase(),
          templates: JSON.stringify(templates),
          message: fenced(redactForModel(input.text, input.identifiers)),
        },
      },
    });
    if (!called.ok) return withTrace(called.trace);
    const { answer, usage } = called;
    const parsed = parseModelJson(answer.text, RephraseSchema);
    if (!parsed.ok || parsed.output.texts.length !== templates.length) {
      const trace: ReplyTrace = {
        ...usage,
        purpose: 'rephrase',
        status: 'rejected',
        reason: parsed.ok ? 'count_mismatch' : parsed.reason,
        ...(parsed.ok ? {} : { detail: parsed.detail }),
      };
      recordOutcome(this.guard, input.conversationId, input.now, trace, true);
      return withTrace(trace);
    }
    const texts = parsed.output.texts;
    let usedAny = false;
    const out = replies.map((reply, index): AssistedReply => {
      const at = eligible.indexOf(index);
      const rephrased = texts[at]?.trim();
      if (at === -1 || rephrased === undefined) return reply;
      const protectedTerms = [...input.protectedTerms, ...dateWordsAsWritten(reply.text)];
      const kept = checkPreservation(reply.text, rephrased, protectedTerms);
      if (!kept.ok) {
        return {
          ...reply,
          llm: {
            ...usage,
            purpose: 'rephrase',
            status: 'rejected',
            reason: 'changed_facts',
            detail: JSON.stringify({ missing: kept.missing, added: kept.added }),
          },
        };
      }
      usedAny = true;
      return {
        ...reply,
        text: rephrased,
        prompt: { id: answer.promptId, version: answer.promptVersion },
        llm: { ...usage, purpose: 'rephrase', status: 'used', template: reply.text },
      };
    });
    recordOutcome(
      this.guard,
      input.conversationId,
      input.now,
      { ...usage, purpose: 'rephrase', status: usedAny ? 'used' : 'rejected' },
      false,
    );
    return out;
  }
}

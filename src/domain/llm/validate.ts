/**
 * Turns a model's parsed answer into an {@link Understanding} the engine may act on, or refuses
 * it. The model only proposes; this code checks every value against the debtor's own words:
 *
 * - the intent must be one of the engine's closed set;
 * - every entity must quote words that are really in the message, and its value must be what
 *   those words say (amounts and counts are re-read by the rules extractors; a date the rules
 *   can read must agree with the model's, and any date must lie within a year of today);
 * - a yes from the model never confirms anything: an offer turns into a promise or a plan only
 *   on the debtor's explicit yes (rules or a button), so the model's `affirm` is capped below
 *   any flow's threshold and becomes a clarifying question;
 * - where the rules already read an entity, the rules' value stands.
 *
 * What passes still goes through the engine's policy checks like any rules result.
 */
import { addDays, daysBetween, localDateIn, parseLocalDate, type LocalDate } from '../dates.js';
import { currencyExponent, minor, type CurrencyCode, type Money } from '../money.js';
import { extractEntities } from '../understanding/entities/extract-entities.js';
import { langOf, normalize } from '../understanding/normalize.js';
import type {
  Entities,
  Intent,
  Understanding,
  UnderstandingContext,
  UnderstandingSignals,
} from '../understanding/types.js';
import { intents } from '../understanding/types.js';
import type { LlmUnderstandingOutput } from './output-schema.js';

/** The highest confidence a model-proposed `affirm` may carry: below every flow's threshold. */
export const llmAffirmCap = 0.4;

/** How far from today (in days, either way) a model-resolved date may lie. */
export const llmDateHorizonDays = 366;

/** Why a model's answer was refused. */
export type LlmRejection =
  | 'intent_outside_set'
  | 'quote_not_in_message'
  | 'invented_amount'
  | 'invented_count'
  | 'date_mismatch'
  | 'date_out_of_range';

/** The validated result, or the reason it was refused. */
export type LlmValidation =
  | {
      readonly ok: true;
      readonly intent: Intent;
      readonly confidence: number;
      readonly entities: Entities;
      readonly signals: UnderstandingSignals;
    }
  | { readonly ok: false; readonly reason: LlmRejection; readonly detail: string };

/** Text reduced for finding a quote in a message: case, accents and punctuation ignored. */
function comparable(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function isQuoted(quote: string, message: string): boolean {
  const q = comparable(quote);
  return q !== '' && ` ${comparable(message)} `.includes(` ${q} `);
}

function isIntent(value: string): value is Intent {
  return (intents as readonly string[]).includes(value);
}

function readSpan(span: string, context: UnderstandingContext): Entities {
  const lang = langOf(context.locale);
  return extractEntities(normalize(span, lang), {
    lang,
    locale: context.locale,
    today: localDateIn(context.now, context.timeZone),
    currency: context.currency,
  });
}

/** The minor units a major-unit value stands for in `currency`, if it is exact. */
function toMinorUnits(value: number, currency: CurrencyCode): number | undefined {
  const scaled = Math.round(value * 10 ** currencyExponent(currency));
  return Number.isSafeInteger(scaled) && scaled > 0 ? scaled : undefined;
}

/**
 * Validates a model's answer for `text` against the debtor's words and the rules result
 * (`rules`, computed on the same text and context). Pure.
 */
export function validateLlmOutput(
  output: LlmUnderstandingOutput,
  text: string,
  context: UnderstandingContext,
  rules: Understanding,
): LlmValidation {
  if (!isIntent(output.intent)) {
    return { ok: false, reason: 'intent_outside_set', detail: output.intent.slice(0, 40) };
  }
  const entities: { -readonly [K in keyof Entities]: Entities[K] } = { ...rules.entities };
  const proposed = output.entities;
  const today = localDateIn(context.now, context.timeZone);

  if (proposed.amount) {
    const { text: quote, value } = proposed.amount;
    if (!isQuoted(quote, text))
      return { ok: false, reason: 'quote_not_in_message', detail: `amount "${quote}"` };
    const expected = toMinorUnits(value, context.currency);
    const read = readSpan(quote, context).amount;
    if (expected === undefined || read?.amount !== expected) {
      return {
        ok: false,
        reason: 'invented_amount',
        detail: `"${quote}" does not say ${value} ${context.currency}`,
      };
    }
    if (entities.amount === undefined) {
      const amount: Money = { amount: minor(expected), currency: context.currency };
      entities.amount = amount;
    }
  }

  if (proposed.installmentCount) {
    const { text: quote, value } = proposed.installmentCount;
    if (!isQuoted(quote, text))
      return { ok: false, reason: 'quote_not_in_message', detail: `count "${quote}"` };
    const read = readSpan(quote, context).installmentCount;
    const hasDigits = new RegExp(`(?<!\\d)${value}(?!\\d)`).test(quote);
    if (read !== undefined ? read !== value : !hasDigits) {
      return { ok: false, reason: 'invented_count', detail: `"${quote}" does not say ${value}` };
    }
    entities.installmentCount ??= value;
  }

  if (proposed.date) {
    const { text: quote, date } = proposed.date;
    if (!isQuoted(quote, text))
      return { ok: false, reason: 'quote_not_in_message', detail: `date "${quote}"` };
    if (date === null) {
      entities.date ??= { kind: 'vague', text: quote };
    } else {
      const resolved = parseLocalDate(date);
      if (resolved === undefined || !isNear(resolved, today)) {
        return { ok: false, reason: 'date_out_of_range', detail: date };
      }
      // Where the rules read the very same words as a date, the two readings must agree; a
      // longer expression the rules only partly read ("el jueves de la otra semana no, el
      // siguiente") is the model's to resolve, within the horizon.
      const read = readSpan(quote, context).date;
      const isWholeQuote = read !== undefined && comparable(read.text) === comparable(quote);
      if (read?.kind === 'date' && isWholeQuote && read.date !== resolved) {
        return {
          ok: false,
          reason: 'date_mismatch',
          detail: `"${quote}" is ${read.date}, not ${resolved}`,
        };
      }
      const ruled = entities.date;
      const isPartOfQuote =
        ruled !== undefined &&
        comparable(quote).length > comparable(ruled.text).length &&
        comparable(quote).includes(comparable(ruled.text));
      if (ruled === undefined || ruled.kind === 'vague' || isPartOfQuote) {
        entities.date = { kind: 'date', date: resolved, text: quote };
      }
    }
  }

  const confidence =
    output.intent === 'affirm' ? Math.min(output.confidence, llmAffirmCap) : output.confidence;
  return {
    ok: true,
    intent: output.intent,
    confidence: Math.round(confidence * 100) / 100,
    entities,
    signals: {
      sentiment: output.sentiment,
      hardship: output.hardship,
      vulnerability: output.vulnerability,
      language: output.language,
    },
  };
}

function isNear(date: LocalDate, today: LocalDate): boolean {
  const days = daysBetween(today, date);
  return (
    Math.abs(days) <= llmDateHorizonDays && addDays(today, days) === date // a real calendar day
  );
}

/**
 * The rules-first understander: normalize, score every intent with the language's weighted
 * patterns, let entities tip the balance, then pick. Pure and synchronous; regexes are built
 * once at module load, so a message costs a few hundred small regex tests.
 *
 * Picking, in order:
 * 1. Entities add evidence: an installment count or an amount with a frequency is a plan
 *    proposal; a date (or a vague "cuando me paguen") with a paying verb is a promise.
 * 2. Social intents (greet, affirm, deny, thanks, goodbye) halve when anything substantive
 *    scores 0.5 or more: "sí, ya pagué" is a payment claim.
 * 3. Global intents (distress, opt_out, wrong_number, dispute, talk_to_human, abuse) that
 *    score 0.6 or more win over every other intent, in that order of priority on ties.
 * 4. Intents the step expects gain a little (`context.expected`).
 * 5. Below 0.3 the answer is `unknown`.
 */
import { localDateIn } from '../dates.js';
import { extractEntities } from './entities/extract-entities.js';
import { en } from './lexicons/en.js';
import { es } from './lexicons/es.js';
import type { Lexicon } from './lexicons/lexicon.js';
import { pt } from './lexicons/pt.js';
import type { Lang } from './normalize.js';
import { langOf, normalize } from './normalize.js';
import type { Entities, Intent, Understanding, UnderstandingContext } from './types.js';

/** The `source` every rules understanding carries. */
export const rulesSource = 'rules';

interface CompiledPattern {
  readonly intent: Intent;
  readonly weight: number;
  readonly regex: RegExp;
}

function compile(lexicon: Lexicon): readonly CompiledPattern[] {
  const out: CompiledPattern[] = [];
  for (const [intent, patterns] of Object.entries(lexicon) as [Intent, Lexicon[Intent]][]) {
    for (const [weight, source] of patterns ?? []) {
      const regex = new RegExp(`(?<![\\p{L}\\p{N}])(?:${source})(?![\\p{L}\\p{N}])`, 'u');
      out.push({ intent, weight, regex });
    }
  }
  return out;
}

const compiled: Readonly<Record<Lang, readonly CompiledPattern[]>> = {
  es: compile(es),
  en: compile(en),
  pt: compile(pt),
};

const socialIntents: ReadonlySet<Intent> = new Set([
  'greet',
  'affirm',
  'deny',
  'thanks',
  'goodbye',
]);

/** Global intents, highest priority first. */
const globalIntents: readonly Intent[] = [
  'distress',
  'opt_out',
  'wrong_number',
  'dispute',
  'talk_to_human',
  'abuse',
];

const globalThreshold = 0.6;
const substantiveThreshold = 0.5;
const unknownThreshold = 0.3;
const expectedBoost = 0.15;
const maxConfidence = 0.98;

function add(scores: Map<Intent, number>, intent: Intent, weight: number): void {
  scores.set(intent, (scores.get(intent) ?? 0) + weight);
}

function entityEvidence(scores: Map<Intent, number>, entities: Entities): void {
  const hasDate = entities.date !== undefined;
  const hasMoney = entities.amount !== undefined || entities.foreignCurrency !== undefined;
  if (entities.installmentCount !== undefined) {
    add(scores, 'propose_plan', 0.8);
    scores.set('ask_plan', (scores.get('ask_plan') ?? 0) * 0.5);
  }
  if (hasMoney && entities.frequency !== undefined) add(scores, 'propose_plan', 0.8);
  else if (hasMoney && !hasDate) add(scores, 'propose_plan', 0.5);
  if (hasDate && hasMoney && entities.frequency === undefined) add(scores, 'promise_to_pay', 0.2);
  if (hasDate) {
    const promise = scores.get('promise_to_pay') ?? 0;
    add(scores, 'promise_to_pay', promise > 0 ? 0.45 : 0.35);
  } else if ((scores.get('promise_to_pay') ?? 0) > 0 && entities.installmentCount === undefined) {
    // "te pago" without a date is still a promise, but an incomplete one.
    scores.set('promise_to_pay', Math.min(scores.get('promise_to_pay') ?? 0, 0.45));
  }
}

function clamp(value: number): number {
  return Math.max(0, Math.min(1, value));
}

/**
 * Understands one debtor message with rules only: intent, entities and a confidence in 0..1.
 * Pure: the same text and context always give the same result.
 */
export function understandByRules(text: string, context: UnderstandingContext): Understanding {
  // Telegram's /start (what its "Start" button sends, possibly with a deep-link payload) opens
  // a conversation: a greeting in any language.
  if (/^\/start(?:@\w+)?(?:\s+\S+)?\s*$/i.test(text.trim())) {
    return { intent: 'greet', confidence: 0.9, entities: {}, alternatives: [], source: 'rules' };
  }
  const lang = langOf(context.locale);
  const normalized = normalize(text, lang);
  const entities = extractEntities(normalized, {
    lang,
    locale: context.locale,
    today: localDateIn(context.now, context.timeZone),
    currency: context.currency,
  });

  const scores = new Map<Intent, number>();
  for (const pattern of compiled[lang]) {
    if (pattern.regex.test(normalized)) add(scores, pattern.intent, pattern.weight);
  }
  entityEvidence(scores, entities);
  for (const [intent, score] of scores) scores.set(intent, clamp(score));

  const isSubstantive = [...scores].some(
    ([intent, score]) => !socialIntents.has(intent) && score >= substantiveThreshold,
  );
  if (isSubstantive) {
    for (const intent of socialIntents) {
      const score = scores.get(intent);
      if (score !== undefined) scores.set(intent, score * 0.5);
    }
  }

  const effective = new Map<Intent, number>();
  const hasGlobal = globalIntents.some((intent) => (scores.get(intent) ?? 0) >= globalThreshold);
  for (const [intent, score] of scores) {
    if (score <= 0) continue;
    const priority = globalIntents.indexOf(intent);
    let value = score;
    if (hasGlobal) {
      value =
        priority >= 0 && score >= globalThreshold
          ? 1 + score + (globalIntents.length - priority) * 0.01
          : score * 0.6;
    }
    if (context.expected?.includes(intent) === true) value += expectedBoost;
    effective.set(intent, value);
  }

  const ranked = [...effective].sort((a, b) => b[1] - a[1]);
  const confidenceOf = (intent: Intent): number => {
    const base = scores.get(intent) ?? 0;
    const boosted = context.expected?.includes(intent) === true ? base + expectedBoost : base;
    return Math.round(Math.min(maxConfidence, boosted) * 100) / 100;
  };
  const top = ranked[0];
  if (!top || confidenceOf(top[0]) < unknownThreshold) {
    return {
      intent: 'unknown',
      confidence: top ? Math.round((1 - confidenceOf(top[0])) * 50) / 100 : 0.5,
      entities,
      alternatives: ranked
        .slice(0, 3)
        .map(([intent]) => ({ intent, confidence: confidenceOf(intent) })),
      source: rulesSource,
    };
  }
  const second = ranked[1];
  let confidence = confidenceOf(top[0]);
  // A close runner-up makes the pick less certain, unless a global intent overrode it.
  if (second && !hasGlobal && confidenceOf(second[0]) >= confidence * 0.85) {
    confidence = Math.round(confidence * 0.85 * 100) / 100;
  }
  return {
    intent: top[0],
    confidence,
    entities,
    alternatives: ranked
      .slice(1, 4)
      .map(([intent]) => ({ intent, confidence: confidenceOf(intent) })),
    source: rulesSource,
  };
}

/**
 * {@link understandByRules} behind the async `Understander` port (src/ports/understander.ts).
 * The domain may not import ports, so this class satisfies the port structurally; a type
 * test in tests/domain/understanding pins the fit.
 */
export class RulesUnderstander {
  understand(text: string, context: UnderstandingContext): Promise<Understanding> {
    return Promise.resolve(understandByRules(text, context));
  }
}

/**
 * Installment counts ("en 3 cuotas", "tres cuotas", "a 6 meses", "6 parcelas", "12x",
 * "in 4 installments") and payment frequency ("semanal", "cada quincena", "por mes").
 */
import type { Lang } from '../normalize.js';
import type { Entities } from '../types.js';
import type { Masked } from './mask.js';
import { consume } from './mask.js';
import { smallNumber } from './number-words.js';

type Frequency = NonNullable<Entities['frequency']>;

/** The most installments a debtor can sensibly name; larger numbers are something else. */
const maxInstallments = 72;

const numberToken = '(\\d{1,2}|[a-z]+)';

interface CountRules {
  /** A count whose unit alone says it is an installment count ("3 cuotas", "6 parcelas"). */
  readonly withUnit: RegExp;
  /** A count of periods that needs a preposition ("en 6 meses", "a 12 quincenas"). */
  readonly withPreposition: RegExp;
  readonly frequencies: readonly (readonly [RegExp, Frequency])[];
}

const unitFrequency: Readonly<Record<string, Frequency>> = {
  meses: 'monthly',
  mensualidades: 'monthly',
  months: 'monthly',
  mensualidad: 'monthly',
  quincenas: 'biweekly',
  quinzenas: 'biweekly',
  semanas: 'weekly',
  weeks: 'weekly',
};

const countRules: Readonly<Record<Lang, CountRules>> = {
  es: {
    withUnit: new RegExp(
      `\\b${numberToken} (cuotas|mensualidades|abonos|pagos|partes|plazos|letras)\\b|\\b(\\d{1,2})x\\b`,
      'g',
    ),
    withPreposition: new RegExp(
      `\\b(?:en|a|por|durante|dividido en|dividirlo en|de) ${numberToken} (meses|quincenas|semanas)\\b`,
      'g',
    ),
    frequencies: [
      [
        /\b(?:semanal(?:es|mente)?|cada semana|por semana|a la semana|x semana|semana a semana)\b/g,
        'weekly',
      ],
      [
        /\b(?:quincenal(?:es|mente)?|cada quincena|por quincena|cada 15 dias|cada dos semanas)\b/g,
        'biweekly',
      ],
      [
        /\b(?:mensual(?:es|mente)?|por mes|al mes|cada mes|mes a mes|x mes|mensualidad(?:es)?)\b/g,
        'monthly',
      ],
    ],
  },
  pt: {
    withUnit: new RegExp(
      `\\b${numberToken} (parcelas|prestacoes|vezes|pagamentos|mensalidades|cotas)\\b|\\b(\\d{1,2})x\\b`,
      'g',
    ),
    withPreposition: new RegExp(
      `\\b(?:em|por|durante|de) ${numberToken} (meses|quinzenas|semanas)\\b`,
      'g',
    ),
    frequencies: [
      [/\b(?:semana(?:l|is)|semanalmente|por semana|toda semana|cada semana)\b/g, 'weekly'],
      [
        /\b(?:quinzena(?:l|is)|quinzenalmente|a cada 15 dias|cada quinzena|por quinzena)\b/g,
        'biweekly',
      ],
      [
        /\b(?:mensa(?:l|is)|mensalmente|por mes|ao mes|todo mes|cada mes|todos os meses)\b/g,
        'monthly',
      ],
    ],
  },
  en: {
    withUnit: new RegExp(
      `\\b${numberToken} (installments|instalments|payments|monthly payments|parts|chunks)\\b|\\b(\\d{1,2})x\\b`,
      'g',
    ),
    withPreposition: new RegExp(`\\b(?:in|over|for|across) ${numberToken} (months|weeks)\\b`, 'g'),
    frequencies: [
      [/\b(?:weekly|a week|per week|every week|each week)\b/g, 'weekly'],
      [
        /\b(?:biweekly|bi weekly|every (?:two|2) weeks|every other week|fortnightly)\b/g,
        'biweekly',
      ],
      [/\b(?:monthly|a month|per month|every month|each month|a mo)\b/g, 'monthly'],
    ],
  },
};

/** What {@link extractInstallments} found. */
export interface InstallmentEntities {
  readonly installmentCount?: number;
  readonly frequency?: Frequency;
}

/** Finds an installment count and a frequency, blanking the count out of `masked`. */
export function extractInstallments(masked: Masked, lang: Lang): InstallmentEntities {
  const rules = countRules[lang];
  let installmentCount: number | undefined;
  let frequency: Frequency | undefined;
  for (const pattern of [rules.withUnit, rules.withPreposition]) {
    if (installmentCount !== undefined) break;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(masked.text); m; m = pattern.exec(masked.text)) {
      const count = smallNumber(m[1] ?? m[3] ?? '', lang, maxInstallments);
      if (count === undefined || count < 1) continue;
      installmentCount = count;
      const unit = m[2];
      if (unit !== undefined && unitFrequency[unit] !== undefined) frequency = unitFrequency[unit];
      consume(masked, m.index, m.index + m[0].length);
      break;
    }
  }
  for (const [pattern, value] of rules.frequencies) {
    if (frequency !== undefined) break;
    pattern.lastIndex = 0;
    if (pattern.test(masked.text)) frequency = value;
  }
  return {
    ...(installmentCount !== undefined ? { installmentCount } : {}),
    ...(frequency !== undefined ? { frequency } : {}),
  };
}

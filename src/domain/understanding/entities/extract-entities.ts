/**
 * Runs the entity extractors in a fixed order over one normalized message. Order matters:
 * identity digits, then installment counts, then dates, then amounts, so that "el 30" stays
 * a date, "3 cuotas" a count and "mi cédula termina en 5678" digits, never amounts.
 */
import type { LocalDate } from '../../dates.js';
import type { CurrencyCode } from '../../money.js';
import type { Lang } from '../normalize.js';
import type { Entities } from '../types.js';
import { extractAmount } from './amounts.js';
import { extractDate } from './dates.js';
import { extractDigits } from './digits.js';
import { extractInstallments } from './installments.js';
import type { Masked } from './mask.js';

/** What the extractors need to know besides the text. */
export interface ExtractionContext {
  readonly lang: Lang;
  readonly locale: string;
  /** The debtor's local calendar day, against which relative dates resolve. */
  readonly today: LocalDate;
  readonly currency: CurrencyCode;
}

/** Extracts every entity from a normalized message. */
export function extractEntities(normalized: string, context: ExtractionContext): Entities {
  const masked: Masked = { text: normalized };
  const digits = extractDigits(masked, normalized);
  if (
    digits.choice !== undefined ||
    (digits.digits !== undefined && /^[\d\s-]+$/.test(normalized))
  ) {
    return digits;
  }
  const installments = extractInstallments(masked, context.lang);
  const date = extractDate(masked, context.lang, context.locale, context.today);
  const amount = extractAmount(masked, context.lang, context.currency);
  return {
    ...digits,
    ...(date ? { date } : {}),
    ...installments,
    ...(amount?.type === 'amount' ? { amount: amount.money } : {}),
    ...(amount?.type === 'foreign' ? { foreignCurrency: amount.currency } : {}),
  };
}

/**
 * Amounts of money a debtor writes ("$1.500", "1.500,50", "1500 pesos", "mil quinientos",
 * "1,5k", "2 lucas", "USD 200", "S/ 100", "R$ 150"), converted to minor units of the account's
 * currency with integer arithmetic only.
 *
 * A bare number is an amount only with a sign of money: a currency sign or word, a multiplier
 * ("mil", "k", "lucas"), thousands grouping or decimals, a frequency after it ("200 por mes"),
 * or a paying verb before it ("te pago 200"). "1234" alone is left for the digits extractor.
 */
import type { CurrencyCode, Money } from '../../money.js';
import { currencyExponent, minor, parseDecimalAmount } from '../../money.js';
import type { Lang } from '../normalize.js';
import type { Masked } from './mask.js';
import { consume } from './mask.js';
import { findNumberWords } from './number-words.js';

const pesoCurrencies = new Set(['MXN', 'COP', 'ARS', 'CLP', 'UYU', 'DOP', 'CUP', 'PHP']);

/** Currency words and codes as they appear in normalized text; `peso` resolves by context. */
const currencyWords: Readonly<Record<string, string>> = {
  peso: 'peso',
  pesos: 'peso',
  pesitos: 'peso',
  mangos: 'peso',
  sol: 'PEN',
  soles: 'PEN',
  s$: 'PEN',
  real: 'BRL',
  reales: 'BRL',
  reais: 'BRL',
  r$: 'BRL',
  dolar: 'USD',
  dolares: 'USD',
  dollar: 'USD',
  dollars: 'USD',
  bucks: 'USD',
  verdes: 'USD',
  usd: 'USD',
  euro: 'EUR',
  euros: 'EUR',
  eur: 'EUR',
  mxn: 'MXN',
  cop: 'COP',
  ars: 'ARS',
  clp: 'CLP',
  pen: 'PEN',
  brl: 'BRL',
  uyu: 'UYU',
  bs: 'VES',
  bolivares: 'VES',
  $: 'local',
};

const multipliers: Readonly<Record<string, bigint>> = {
  mil: 1000n,
  k: 1000n,
  luca: 1000n,
  lucas: 1000n,
  grand: 1000n,
  thousand: 1000n,
  palo: 1_000_000n,
  palos: 1_000_000n,
  millon: 1_000_000n,
  millones: 1_000_000n,
  milhao: 1_000_000n,
  milhoes: 1_000_000n,
  million: 1_000_000n,
};

const currencyAlt = Object.keys(currencyWords)
  .map((word) => word.replace(/\$/g, '\\$'))
  .sort((a, b) => b.length - a.length)
  .join('|');
const multiplierAlt = Object.keys(multipliers).join('|');

/** prefix? number multiplier? suffix?: groups 1 prefix, 2 number, 3 multiplier, 4 suffix. */
const numericAmount = new RegExp(
  `(?:(?<![\\p{L}\\p{N}])(${currencyAlt}) ?)?(?<![\\d.,_])(\\d{1,3}(?:[.,]\\d{3})+(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?)(?![\\d_]|[.,]\\d)` +
    `(?: ?(${multiplierAlt})(?![\\p{L}\\p{N}]))?(?: ?(?:de )?(${currencyAlt})(?![\\p{L}\\p{N}]))?`,
  'gu',
);

const payingVerbs: Readonly<Record<Lang, RegExp>> = {
  es: /\b(?:pag\w*|abon\w*|d[oa]y|dar(?:le|te|les)?|dej\w*|deposit\w*|transfier\w*|transferir\w*|ofrec\w*|ofrezco|propong\w*|junt\w*|mand\w*|consign\w*|yape\w*|plin\w*|cuotas? de|de a|unos|solo|solamente|hasta)(?: (?:unos|como|solo|solamente|hasta|de|a|le|les|te|lo|la|el|los|mas|menos|por|mes|al|cada|quincena|semana)){0,3} $/,
  pt: /\b(?:pag\w*|d[oa]u|dar|deposit\w*|transfir\w*|transferir|ofere\w*|propon\w*|tenho|junt\w*|mand\w*|faco|fazer|consigo|parcelas? de|uns|so|ate)(?: (?:uns|tipo|so|ate|de|a|o|os|lhe|te|voce|por|mes|mais|menos)){0,3} $/,
  en: /\b(?:pay\w*|give|send|offer|do|have|afford|manage|put down)(?: (?:you|about|around|only|just|like|up to|the|a|an|by|per|you guys|them)){0,3} $/,
};

const frequencyAfter: Readonly<Record<Lang, RegExp>> = {
  es: /^ (?:mensual|semanal|quincenal|por|al|a la|cada|x|de cuota|diarios)/,
  pt: /^ (?:mensa|semana|quinzena|por|ao|a cada|cada|de parcela)/,
  en: /^ (?:a |per |each |every |monthly|weekly)/,
};

/** After a bare number, only the end of the message or a connector keeps it money. */
const endsPhrase =
  /^(?:$| (?:y|e|and|para|pa|hoy|manana|el|la|este|esta|ya|ahora|now|today|agora|hoje|amanha|tomorrow|on|by|de|a|al|por|cada|x|ou|o|or|no|na)\b)/;

/** What {@link extractAmount} found: an amount in the account's currency, or a foreign one. */
export type AmountFound =
  | { readonly type: 'amount'; readonly money: Money }
  | { readonly type: 'foreign'; readonly currency: string };

function resolveCurrency(word: string | undefined, account: CurrencyCode): string | undefined {
  if (word === undefined) return undefined;
  const code = currencyWords[word];
  if (code === undefined || code === 'local') return account;
  if (code === 'peso') return pesoCurrencies.has(account) ? account : 'peso';
  return code;
}

/** Splits "1.500,50" / "1,500.50" / "1,5" into integer and fraction digits. */
function splitNumber(raw: string): { whole: string; fraction: string } {
  const lastDot = raw.lastIndexOf('.');
  const lastComma = raw.lastIndexOf(',');
  const last = Math.max(lastDot, lastComma);
  if (last < 0) return { whole: raw, fraction: '' };
  const mark = raw[last] ?? '.';
  const occurrences = raw.split(mark).length - 1;
  const tail = raw.slice(last + 1);
  const hasBoth = lastDot >= 0 && lastComma >= 0;
  // One separator followed by exactly three digits groups thousands in every style we meet.
  const isDecimal = hasBoth || (occurrences === 1 && tail.length <= 2);
  if (!isDecimal) return { whole: raw.replace(/[.,]/g, ''), fraction: '' };
  return { whole: raw.slice(0, last).replace(/[.,]/g, ''), fraction: tail };
}

function toMinor(raw: string, multiplier: bigint, currency: CurrencyCode): number | undefined {
  const { whole, fraction } = splitNumber(raw);
  if (multiplier === 1n) {
    const parsed = parseDecimalAmount(fraction ? `${whole}.${fraction}` : whole, 'point', currency);
    return parsed.ok ? parsed.amount : undefined;
  }
  const scale = 10n ** BigInt(currencyExponent(currency));
  const numerator = BigInt(whole + fraction) * multiplier * scale;
  const denominator = 10n ** BigInt(fraction.length);
  if (numerator % denominator !== 0n) return undefined;
  const value = numerator / denominator;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

/**
 * Finds the first amount in the normalized text and blanks it out of `masked`. When the
 * debtor wrote another currency than the account's, reports it instead of converting.
 */
export function extractAmount(
  masked: Masked,
  lang: Lang,
  currency: CurrencyCode,
): AmountFound | undefined {
  const text = masked.text;
  numericAmount.lastIndex = 0;
  for (let m = numericAmount.exec(text); m; m = numericAmount.exec(text)) {
    const [whole, prefix, number = '', multiplierWord, suffix] = m;
    if (whole.trim() === '') continue;
    const multiplier = multiplierWord ? (multipliers[multiplierWord] ?? 1n) : 1n;
    const before = text.slice(0, m.index);
    const after = text.slice(m.index + whole.length);
    const isFormatted = /[.,]/.test(number);
    const hasMoneySign =
      prefix !== undefined ||
      suffix !== undefined ||
      multiplierWord !== undefined ||
      (isFormatted && number.replace(/\D/g, '').length >= 4) ||
      frequencyAfter[lang].test(after) ||
      (payingVerbs[lang].test(before) && endsPhrase.test(after));
    if (!hasMoneySign) continue;
    const written = resolveCurrency(prefix ?? suffix, currency) ?? currency;
    consume(masked, m.index, m.index + whole.length);
    if (written !== currency) return { type: 'foreign', currency: written };
    const amount = toMinor(number, multiplier, currency);
    if (amount === undefined || amount <= 0) continue;
    return { type: 'amount', money: { amount: minor(amount), currency } };
  }
  return extractSpelledAmount(masked, lang, currency);
}

function extractSpelledAmount(
  masked: Masked,
  lang: Lang,
  currency: CurrencyCode,
): AmountFound | undefined {
  const tokens = masked.text.split(' ');
  for (const found of findNumberWords(tokens, lang)) {
    const next = tokens[found.end];
    const multiplier = next !== undefined ? multipliers[next] : undefined;
    const currencyWord =
      next !== undefined && multiplier === undefined ? currencyWords[next] : undefined;
    const value = BigInt(found.value) * (multiplier ?? 1n);
    const isSingleWord = found.end - found.start === 1 && multiplier === undefined;
    const before = tokens.slice(0, found.start).join(' ') + ' ';
    if (
      currencyWord === undefined &&
      (value < 100n || (isSingleWord && !payingVerbs[lang].test(before)))
    ) {
      continue;
    }
    const written = currencyWord !== undefined ? resolveCurrency(next, currency) : currency;
    const start = tokens.slice(0, found.start).join(' ').length + (found.start > 0 ? 1 : 0);
    const end =
      start +
      tokens
        .slice(
          found.start,
          found.end + (next !== undefined && (multiplier ?? currencyWord) !== undefined ? 1 : 0),
        )
        .join(' ').length;
    consume(masked, start, end);
    if (written !== currency) return { type: 'foreign', currency: written ?? currency };
    const amount = value * 10n ** BigInt(currencyExponent(currency));
    return { type: 'amount', money: { amount: minor(Number(amount)), currency } };
  }
  return undefined;
}

/**
 * The checks that let a model answer a debtor's question about the debt without saying
 * anything the account's facts and the operator's FAQ do not say. The model proposes an answer;
 * this code refuses it when it names a number, an amount, a date, a month or weekday, a number
 * in words or a link that is not in those sources. A refused answer is never sent: the bot says
 * it cannot answer and offers a person instead.
 */
import { z } from 'zod';
import type { LocalDate } from '../dates.js';
import type { AccountFacts } from '../engine/types.js';
import { formatMoney, money } from '../money.js';
import { numbersIn } from './preserve.js';

/** The longest answer the bot sends: a chat message, not a letter. */
export const groundedAnswerMaxChars = 700;

/**
 * What the model must answer: whether the sources answer the question, and the answer. The
 * shape is strict; anything else is refused as a schema error.
 */
export const GroundedAnswerSchema = z
  .object({
    answerable: z.boolean(),
    answer: z.string().max(groundedAnswerMaxChars).default(''),
    /** Which FAQ entries the answer used, by id (for review; not trusted). */
    faq: z.array(z.string().max(60)).max(10).default([]),
  })
  .strict();

export type GroundedAnswerOutput = z.infer<typeof GroundedAnswerSchema>;

/** Why a model's output was not used. */
export type ModelOutputRejection = 'invalid_json' | 'schema';

function parseJson(raw: string): { ok: true; json: unknown } | { ok: false; detail: string } {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(raw);
  try {
    return { ok: true, json: JSON.parse(fenced?.[1] ?? raw) };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

/** Parses a model's raw text against `schema`: JSON first (optionally inside a ```json fence). */
export function parseModelJson<S extends z.ZodType>(
  raw: string,
  schema: S,
):
  | { readonly ok: true; readonly output: z.infer<S> }
  | { readonly ok: false; readonly reason: ModelOutputRejection; readonly detail: string } {
  const json = parseJson(raw);
  if (!json.ok) return { ok: false, reason: 'invalid_json', detail: json.detail };
  const parsed = schema.safeParse(json.json);
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'schema',
      detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  return { ok: true, output: parsed.data };
}

/** Lower case, accents stripped: how words are compared. */
function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

function wordsOf(text: string): string[] {
  return fold(text).match(/\p{L}+/gu) ?? [];
}

/** Month and weekday names in Spanish, English and Portuguese (accents folded). */
const dateWords = new Set([
  ...'enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre'.split(
    ' ',
  ),
  ...'january february march april june july august september october november december'.split(' '),
  ...'janeiro fevereiro marco maio junho julho setembro outubro novembro dezembro'.split(' '),
  ...'lunes martes miercoles jueves viernes sabado domingo'.split(' '),
  ...'monday tuesday wednesday thursday friday saturday sunday'.split(' '),
  ...'segunda terca quarta quinta sexta'.split(' '),
]);

/**
 * Numbers in words. Words that are also everyday words in one of the languages ("uno"/"una"
 * articles, English "once", Portuguese "dos") are left out: they would refuse honest answers.
 */
const numberWords = new Set([
  ...'cero zero dos tres cuatro cinco seis siete ocho nueve diez doce quince veinte treinta cuarenta cincuenta sesenta noventa cien ciento cientos mil millon millones billon'.split(
    ' ',
  ),
  ...'two three four five six seven eight nine ten twelve fifteen twenty thirty forty fifty sixty ninety hundred thousand million millions billion half'.split(
    ' ',
  ),
  ...'dois duas tres quatro cinco seis sete oito nove dez doze quinze vinte trinta quarenta cinquenta cem cento mil milhao milhoes bilhao metade'.split(
    ' ',
  ),
]);

/** The month, weekday and number words in `text`, folded, in order. */
export function factWordsIn(text: string): string[] {
  return wordsOf(text).filter((w) => dateWords.has(w) || numberWords.has(w));
}

/** Month and weekday names as written in `text` (for keeping a date unchanged in a rewording). */
export function dateWordsAsWritten(text: string): string[] {
  return (text.match(/\p{L}+/gu) ?? []).filter((w) => dateWords.has(fold(w)));
}

const linkPattern =
  /\bhttps?:\/\/[^\s)>\]]+|\bwww\.[^\s)>\]]+|[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;

function linksIn(text: string): string[] {
  return [...text.matchAll(linkPattern)].map((m) => m[0].replace(/[.,;:!?]+$/, ''));
}

/** Whether an answer stays within its sources, or what it added. */
export type Grounding =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'invented_number' | 'invented_date_or_number_word' | 'foreign_link';
      readonly detail: string;
    };

/**
 * Checks a model's answer against the texts it was given (the facts and the FAQ). Every number
 * token in the answer must be, digit for digit, a number token of a source ("$ 1.250.000" and
 * "1250000" are the same number; "1,25 millones" is not); every month, weekday and number word
 * must appear in a source; every link or e-mail address must appear verbatim. Pure.
 */
export function checkGrounding(answer: string, sources: readonly string[]): Grounding {
  const joined = sources.join('\n');
  // "$ 1.250.000,00" may be written "$ 1.250.000": zero cents are the same amount.
  const knownNumbers = new Set(
    numbersIn(joined).flatMap((n) =>
      [n, n.replace(/[.,]0+$/, '')].map((t) => t.replace(/\D/g, '')),
    ),
  );
  const invented = numbersIn(answer).filter((n) => !knownNumbers.has(n.replace(/\D/g, '')));
  if (invented.length > 0) {
    return { ok: false, reason: 'invented_number', detail: invented.join(', ') };
  }
  const knownWords = new Set(wordsOf(joined));
  const words = factWordsIn(answer).filter((w) => !knownWords.has(w));
  if (words.length > 0) {
    return { ok: false, reason: 'invented_date_or_number_word', detail: words.join(', ') };
  }
  const links = linksIn(answer).filter((l) => !joined.includes(l));
  if (links.length > 0) return { ok: false, reason: 'foreign_link', detail: links.join(', ') };
  return { ok: true };
}

/** Words that open a question even without a question mark (accents folded). */
const questionStart = /^(?:por ?que|cuando|de que|a que|why|what|when|how come|quando|o que)\b/;

/** Whether a debtor's message reads as a question ("¿cuándo vence?", "when is it due"). */
export function isQuestion(text: string): boolean {
  const folded = fold(text).trim();
  return /[?¿]/.test(folded) || questionStart.test(folded);
}

/** What the model must answer when rewording replies: the same number of texts, in order. */
export const RephraseSchema = z
  .object({ texts: z.array(z.string().min(1).max(1000)).min(1).max(10) })
  .strict();

const factLabels = {
  es: {
    creditor: 'entidad acreedora',
    product: 'producto',
    balance: 'saldo pendiente',
    dueDate: 'fecha de vencimiento',
    daysPastDue: 'días de atraso',
    minPayment: 'pago mínimo',
    nextInstallment: 'próxima cuota',
    due: 'vence el',
    howToPay: 'cómo pagar',
  },
  en: {
    creditor: 'creditor',
    product: 'product',
    balance: 'outstanding balance',
    dueDate: 'due date',
    daysPastDue: 'days past due',
    minPayment: 'minimum payment',
    nextInstallment: 'next installment',
    due: 'due on',
    howToPay: 'how to pay',
  },
  pt: {
    creditor: 'instituição credora',
    product: 'produto',
    balance: 'saldo pendente',
    dueDate: 'data de vencimento',
    daysPastDue: 'dias de atraso',
    minPayment: 'pagamento mínimo',
    nextInstallment: 'próxima parcela',
    due: 'vence em',
    howToPay: 'como pagar',
  },
} as const;

function longDate(date: LocalDate, locale: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const written = new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
  return `${written} (${date})`;
}

/**
 * The account's facts as the grounded-answer prompt shows them, one per line, amounts and dates
 * already written in the debtor's locale so the model can copy rather than compute. Never the
 * debtor's name or document. Pure.
 */
export function factsForModel(account: AccountFacts, locale: string): string[] {
  const language = (locale.split(/[-_]/)[0] ?? '').toLowerCase();
  const labels = language === 'es' || language === 'pt' ? factLabels[language] : factLabels.en;
  let formatLocale = 'en';
  try {
    formatLocale = Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    // A tag Intl cannot read is formatted in English rather than failing the turn.
  }
  const amount = (value: number): string =>
    formatMoney(money(value, account.currency), formatLocale);
  return [
    `${labels.creditor}: ${account.creditorName}`,
    ...(account.product === undefined ? [] : [`${labels.product}: ${account.product}`]),
    `${labels.balance}: ${amount(account.balance)} (${account.currency})`,
    `${labels.dueDate}: ${longDate(account.dueDate, formatLocale)}`,
    `${labels.daysPastDue}: ${account.daysPastDue}`,
    ...(account.minPayment === undefined
      ? []
      : [`${labels.minPayment}: ${amount(account.minPayment)}`]),
    ...(account.nextInstallment === undefined
      ? []
      : [
          `${labels.nextInstallment}: ${amount(account.nextInstallment.amount)}, ${labels.due} ${longDate(account.nextInstallment.dueDate, formatLocale)}`,
        ]),
    `${labels.howToPay}: ${account.paymentDetails}`,
  ];
}

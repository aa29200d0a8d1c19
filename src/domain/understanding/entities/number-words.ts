/**
 * Spelled-out numbers in Spanish, Portuguese and English ("mil quinientos", "dois mil",
 * "two hundred"), read from normalized text (lower case, no accents).
 */
import type { Lang } from '../normalize.js';

type WordValue =
  | { readonly type: 'unit'; readonly value: number }
  | { readonly type: 'hundred' }
  | { readonly type: 'scale'; readonly value: number }
  | { readonly type: 'and' };

function units(list: string, start: number): Record<string, number> {
  const out: Record<string, number> = {};
  list.split(' ').forEach((word, index) => {
    for (const variant of word.split('|')) out[variant] = start + index;
  });
  return out;
}

function tens(list: string, step: number): Record<string, number> {
  const out: Record<string, number> = {};
  list.split(' ').forEach((word, index) => {
    for (const variant of word.split('|')) out[variant] = step * (index + 1);
  });
  return out;
}

function table(
  small: Record<string, number>,
  hundredWords: readonly string[],
  scales: Record<string, number>,
  connectors: readonly string[],
): ReadonlyMap<string, WordValue> {
  const map = new Map<string, WordValue>();
  for (const [word, value] of Object.entries(small)) map.set(word, { type: 'unit', value });
  for (const word of hundredWords) map.set(word, { type: 'hundred' });
  for (const [word, value] of Object.entries(scales)) map.set(word, { type: 'scale', value });
  for (const word of connectors) map.set(word, { type: 'and' });
  return map;
}

const spanish = table(
  {
    ...units(
      'un|uno|una dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince ' +
        'dieciseis diecisiete dieciocho diecinueve veinte veintiun|veintiuno|veintiuna veintidos ' +
        'veintitres veinticuatro veinticinco veintiseis veintisiete veintiocho veintinueve',
      1,
    ),
    ...tens('diez veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa', 10),
    ...tens(
      'cien|ciento doscientos|doscientas trescientos|trescientas cuatrocientos|cuatrocientas ' +
        'quinientos|quinientas seiscientos|seiscientas setecientos|setecientas ' +
        'ochocientos|ochocientas novecientos|novecientas',
      100,
    ),
  },
  [],
  { mil: 1000, millon: 1_000_000, millones: 1_000_000 },
  ['y'],
);

const portuguese = table(
  {
    ...units(
      'um|uma dois|duas tres quatro cinco seis sete oito nove dez onze doze treze ' +
        'catorze|quatorze quinze dezesseis|dezeseis dezessete|dezesete dezoito dezenove',
      1,
    ),
    ...tens('dez vinte trinta quarenta cinquenta sessenta setenta oitenta noventa', 10),
    ...tens(
      'cem|cento duzentos|duzentas trezentos|trezentas quatrocentos|quatrocentas ' +
        'quinhentos|quinhentas seiscentos|seiscentas setecentos|setecentas ' +
        'oitocentos|oitocentas novecentos|novecentas',
      100,
    ),
  },
  [],
  { mil: 1000, milhao: 1_000_000, milhoes: 1_000_000 },
  ['e'],
);

const english = table(
  {
    ...units(
      'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen ' +
        'sixteen seventeen eighteen nineteen',
      1,
    ),
    ...tens('ten twenty thirty forty fifty sixty seventy eighty ninety', 10),
    a: 1,
  },
  ['hundred'],
  { thousand: 1000, grand: 1000, million: 1_000_000 },
  ['and'],
);

const tables: Readonly<Record<Lang, ReadonlyMap<string, WordValue>>> = {
  es: spanish,
  pt: portuguese,
  en: english,
};

/** A number read from consecutive words: its value and the token range it covers. */
export interface NumberWords {
  readonly value: number;
  /** Index of the first token. */
  readonly start: number;
  /** Index one past the last token. */
  readonly end: number;
}

/**
 * Finds every run of number words in the tokens ("mil quinientos" -> 1500, "tres" -> 3).
 * Connectors ("y", "e", "and") only join numbers; a run never starts or ends with one.
 */
export function findNumberWords(tokens: readonly string[], lang: Lang): NumberWords[] {
  const words = tables[lang];
  const found: NumberWords[] = [];
  let index = 0;
  while (index < tokens.length) {
    const first = words.get(tokens[index] ?? '');
    if (!first || first.type === 'and' || (tokens[index] === 'a' && lang === 'en')) {
      if (!(tokens[index] === 'a' && words.get(tokens[index + 1] ?? '')?.type === 'hundred')) {
        index += 1;
        continue;
      }
    }
    let total = 0;
    let current = 0;
    let end = index;
    let cursor = index;
    while (cursor < tokens.length) {
      const word = words.get(tokens[cursor] ?? '');
      if (!word) break;
      if (word.type === 'and') {
        const next = words.get(tokens[cursor + 1] ?? '');
        if (!next || next.type === 'and') break;
        cursor += 1;
        continue;
      }
      if (word.type === 'unit') current += word.value;
      else if (word.type === 'hundred') current = (current === 0 ? 1 : current) * 100;
      else {
        total += (current === 0 ? 1 : current) * word.value;
        current = 0;
      }
      cursor += 1;
      end = cursor;
    }
    if (end > index) {
      found.push({ value: total + current, start: index, end });
      index = end;
    } else {
      index += 1;
    }
  }
  return found;
}

/** The value of a single number word or digit string up to `max`, else undefined. */
export function smallNumber(token: string, lang: Lang, max: number): number | undefined {
  if (/^\d{1,3}$/.test(token)) {
    const value = Number(token);
    return value <= max ? value : undefined;
  }
  const word = tables[lang].get(token);
  return word?.type === 'unit' && word.value <= max && token !== 'a' ? word.value : undefined;
}

/**
 * Reads a debtor's contact preference out of a message ("escríbeme después de las 6", "after
 * 6pm", "só depois das 18h", "no me escribas los sábados") in Spanish, English or Portuguese.
 *
 * How hours are read, so the same words always mean the same time:
 * - an explicit marker wins: "6pm", "6 p.m.", "6 de la tarde", "6 da noite" -> 18:00;
 *   "8am", "8 de la mañana", "8 da manhã" -> 08:00; 24-hour forms ("18:30", "18h") as written;
 * - a bare 1..7 is afternoon or evening (+12 h): nobody asks to be written to at 1..7 a.m., and
 *   "después de las 6" in a collections chat means 18:00; a bare 8..12 is as written (12 is noon);
 * - periods: morning = before 12:00, afternoon = 12:00-18:00, evening/night = from 18:00.
 * - "no ... antes de las 8" means not before 08:00 (earliest); "no ... después de las 8" means
 *   nothing from 20:00 on (latest). Days named after a negation ("no me escribas los sábados",
 *   "except Saturdays") are excluded; days named otherwise are the only ones allowed.
 */
import type { ContactPreference } from './decide-contact.js';

interface Found {
  earliest?: number;
  latest?: number;
  days?: Set<number>;
}

const markerPm = [
  'pm',
  'p m',
  'de la tarde',
  'de la noche',
  'da tarde',
  'da noite',
  'in the evening',
  'in the afternoon',
  'at night',
];
const markerAm = ['am', 'a m', 'de la manana', 'da manha', 'in the morning'];
const marker = [...markerPm, ...markerAm].sort((a, b) => b.length - a.length).join('|');
/** "6", "6pm", "18:30", "18h", "18h30", "6 de la tarde", "mediodia". */
const timeToken = `(?:(\\d{1,2})(?:[:h](\\d{2}))?\\s*(?:hs|hrs|horas|h)?\\.?\\s*(${marker})?\\b|(mediodia|meio dia|noon))`;

const afterWords =
  'despues de(?: las?)?|a partir de(?: las?)?|desde las?|after|from|depois d[ae]s?|a partir d[ae]s?|apos as?|not before';
const beforeWords =
  'antes de(?: las?)?|hasta las?|before|until|till|by|antes d[ae]s?|ate as?|no later than';
const negation =
  /\b(no|not|dont|don t|never|nunca|nao|jamas|except|excepto|menos|salvo|exceto|sin)\b/;

const dayNames: readonly [RegExp, number][] = [
  [/\b(lunes|mondays?|segunda(?: feira)?s?)\b/, 1],
  [/\b(martes|tuesdays?|tercas?(?: feiras?)?)\b/, 2],
  [/\b(miercoles|wednesdays?|quartas?(?: feiras?)?)\b/, 3],
  [/\b(jueves|thursdays?|quintas?(?: feiras?)?)\b/, 4],
  [/\b(viernes|fridays?|sextas?(?: feiras?)?)\b/, 5],
  [/\b(sabados?|saturdays?)\b/, 6],
  [/\b(domingos?|sundays?)\b/, 7],
];

function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’'`-]/g, ' ')
    .replace(/\./g, (dot, offset: number, whole: string) =>
      // keep "p.m." and "18.30" readable, turn sentence ends into clause breaks
      /[ap]$/.test(whole.slice(0, offset)) || /\d$/.test(whole.slice(0, offset)) ? ' ' : ' ; ',
    )
    .replace(
      /\b(buen[oa]s? (dias|tardes|noches)|boa (tarde|noite)|bom dia|good (morning|afternoon|evening|night))\b/g,
      ' ',
    )
    .replace(/\s+/g, ' ')
    .trim();
}

function hourOf(match: RegExpMatchArray, offset: number): number | undefined {
  if (match[offset + 3] !== undefined) return 12 * 60;
  const hour = Number(match[offset]);
  const minute = match[offset + 1] === undefined ? 0 : Number(match[offset + 1]);
  const mark = match[offset + 2];
  if (!Number.isInteger(hour) || hour > 24 || minute > 59) return undefined;
  let h = hour;
  if (mark !== undefined && markerPm.includes(mark)) h = hour < 12 ? hour + 12 : hour;
  else if (mark !== undefined && markerAm.includes(mark)) h = hour === 12 ? 0 : hour;
  else if (hour >= 1 && hour <= 7 && match[offset + 1] === undefined) h = hour + 12;
  if (h > 24 || (h === 24 && minute > 0)) return undefined;
  return h * 60 + minute;
}

function narrowEarliest(found: Found, minute: number): void {
  found.earliest = Math.max(found.earliest ?? 0, minute);
}
function narrowLatest(found: Found, minute: number): void {
  found.latest = Math.min(found.latest ?? 1440, minute);
}

function readHours(clause: string, found: Found): string {
  let rest = clause;
  const isNegated = negation.test(clause);
  const between = new RegExp(
    `\\b(?:entre|between|from|de|desde)(?: las?| as?)? ${timeToken} (?:y|and|to|a|e|ate|hasta)(?: las?| as?)? ${timeToken}`,
    'g',
  );
  for (const match of rest.matchAll(between)) {
    const from = hourOf(match, 1);
    const to = hourOf(match, 5);
    if (from === undefined || to === undefined) continue;
    narrowEarliest(found, from);
    narrowLatest(found, to);
    rest = rest.replace(match[0], ' ');
  }
  for (const [words, isAfter] of [
    [afterWords, true],
    [beforeWords, false],
  ] as const) {
    const pattern = new RegExp(`\\b(?:${words}) ${timeToken}`, 'g');
    for (const match of rest.matchAll(pattern)) {
      const minute = hourOf(match, 1);
      if (minute === undefined) continue;
      // "not before 8" = from 8; "not after 8pm" = until 8pm
      if (isAfter !== isNegated) narrowEarliest(found, minute);
      else narrowLatest(found, minute);
      rest = rest.replace(match[0], ' ');
    }
  }
  return rest;
}

function readPeriods(clause: string, found: Found): void {
  const isNegated = negation.test(clause);
  const periods: [RegExp, number, number][] = [
    [
      /\b(mornings?|(la|las|en la|por la|en las|por las|de|pela|na|nas|pelas) mananas?|manhas?)\b/,
      0,
      12 * 60,
    ],
    [
      /\b(afternoons?|(la|las|en la|por la|en las|por las|a|de|pela|na|nas|pelas) tardes?)\b/,
      12 * 60,
      18 * 60,
    ],
    [/\b(evenings?|nights?|noches?|noites?)\b/, 18 * 60, 1440],
  ];
  for (const [pattern, from, to] of periods) {
    if (!pattern.test(clause)) continue;
    if (isNegated) {
      // "not in the mornings" -> from noon; "not at night" -> until 18:00
      if (from === 0) narrowEarliest(found, to);
      else if (to === 1440) narrowLatest(found, from);
      continue;
    }
    if (from > 0) narrowEarliest(found, from);
    if (to < 1440) narrowLatest(found, to);
  }
}

function readDays(clause: string, found: Found): void {
  const days = new Set<number>();
  const dayOf = (word: string): number | undefined => dayNames.find(([p]) => p.test(word))?.[1];
  let rangeFrom: number | undefined;
  let rangeTo: number | undefined;
  for (const range of clause.matchAll(
    /\b(?:de|from|entre) (\w+)(?: feira)? (?:a|to|through|al|y|e|and) (\w+)/g,
  )) {
    rangeFrom = dayOf(range[1] ?? '');
    rangeTo = dayOf(range[2] ?? '');
    if (rangeFrom !== undefined && rangeTo !== undefined) break;
  }
  if (rangeFrom !== undefined && rangeTo !== undefined) {
    for (let d = rangeFrom; ; d = (d % 7) + 1) {
      days.add(d);
      if (d === rangeTo) break;
    }
  } else {
    for (const [pattern, day] of dayNames) if (pattern.test(clause)) days.add(day);
  }
  if (/\b(fin(es)? de semana|weekends?|fi(m|ns) de semana)\b/.test(clause)) {
    days.add(6);
    days.add(7);
  }
  if (/\b(entre semana|dias de semana|weekdays?|dias (uteis|habiles|laborales))\b/.test(clause))
    for (const d of [1, 2, 3, 4, 5]) days.add(d);
  if (days.size === 0) return;
  const allowed = negation.test(clause)
    ? new Set([1, 2, 3, 4, 5, 6, 7].filter((d) => !days.has(d)))
    : days;
  found.days = found.days ? new Set([...found.days].filter((d) => allowed.has(d))) : allowed;
}

/**
 * The contact preference a message states, or undefined when it states none. `locale` ("es",
 * "es-CO", "en", "pt-BR") is accepted for the API's sake; the vocabularies of all three
 * languages are small and disjoint enough to read together, which also covers mixed messages.
 */
export function parseContactPreference(
  text: string,
  locale: string,
): ContactPreference | undefined {
  void locale;
  const found: Found = {};
  const clauses = normalise(text).split(/\s*(?:[,;!?]|\b(?:but|pero|mas|porem|y no|and not)\b)\s*/);
  for (const clause of clauses) {
    if (clause === '') continue;
    const rest = readHours(clause, found);
    readPeriods(rest, found);
    readDays(rest, found);
  }
  const out: { earliest?: string; latest?: string; days?: number[] } = {};
  const hhmm = (m: number): string =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  if (found.earliest !== undefined && found.earliest > 0)
    out.earliest = hhmm(Math.min(found.earliest, 23 * 60 + 59));
  if (found.latest !== undefined && found.latest < 1440) out.latest = hhmm(found.latest);
  if (found.days !== undefined && found.days.size < 7)
    out.days = [...found.days].sort((a, b) => a - b);
  return Object.keys(out).length === 0 ? undefined : out;
}

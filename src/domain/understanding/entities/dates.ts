/**
 * Dates a debtor names ("mañana", "el viernes", "fin de mes", "la quincena", "el 30",
 * "15/12", "15 de diciembre", "cuando me paguen"), resolved to a calendar day against today in
 * the debtor's time zone. Own rules run first; chrono-node is a fallback for the rest.
 *
 * Decisions:
 * - A weekday ("el viernes", "el próximo viernes", "next friday") is the next such day
 *   strictly after today, never today and never the week after. Marked as past ("el sábado
 *   pasado", "last friday") it is the last such day strictly before today.
 * - "ayer" / "antier" (and "ontem", "yesterday") are past days: a payment already made.
 * - A day of month ("el 30", "el día 5", "dia 10", "the 15th") is its next occurrence, today
 *   included; a day a month lacks ("el 31" in November) moves to the next month having it.
 * - "la quincena" is the 15th or the month's last day, whichever comes strictly after today.
 * - "fin de mes" is the last day of the current month (today when today is that day).
 * - "la semana que viene", "la otra semana", "next week", "semana que vem" are vague: a
 *   promise needs a day, so the engine asks which day rather than assume Monday.
 * - A day and month without year ("15/12", "15 de diciembre") is the next occurrence, today
 *   included. Numeric dates are day-first except in en-US, which is month-first.
 */
import * as chrono from 'chrono-node';
import type { LocalDate } from '../../dates.js';
import { addDays, addMonths, dayOfWeek, endOfMonth, localDate } from '../../dates.js';
import type { Lang } from '../normalize.js';
import type { DateEntity } from '../types.js';
import type { Masked } from './mask.js';
import { consume } from './mask.js';

const monthNames: Readonly<Record<Lang, Readonly<Record<string, number>>>> = {
  es: monthTable(
    'enero|ene febrero|feb marzo|mar abril|abr mayo|may junio|jun julio|jul agosto|ago ' +
      'septiembre|setiembre|sep|sept|set octubre|oct noviembre|nov diciembre|dic',
  ),
  pt: monthTable(
    'janeiro|jan fevereiro|fev marco|mar abril|abr maio|mai junho|jun julho|jul agosto|ago ' +
      'setembro|set outubro|out novembro|nov dezembro|dez',
  ),
  en: monthTable(
    'january|jan february|feb march|mar april|apr may june|jun july|jul august|aug ' +
      'september|sep|sept october|oct november|nov december|dec',
  ),
};

function monthTable(list: string): Record<string, number> {
  const out: Record<string, number> = {};
  list.split(' ').forEach((group, index) => {
    for (const name of group.split('|')) out[name] = index + 1;
  });
  return out;
}

const weekdayNames: Readonly<Record<Lang, string>> = {
  es: 'domingo lunes martes miercoles jueves viernes sabado',
  pt: 'domingo segunda terca quarta quinta sexta sabado',
  en: 'sunday monday tuesday wednesday thursday friday saturday',
};

interface LangRules {
  readonly dayMonth: RegExp;
  readonly monthDay: RegExp;
  readonly numeric: RegExp;
  readonly dayAfterTomorrow: RegExp;
  readonly tomorrow: RegExp;
  /** Days already gone, for payments made ("ya pagué ayer"). */
  readonly dayBeforeYesterday: RegExp;
  readonly yesterday: RegExp;
  /** A weekday marked as past ("el sábado pasado", "last friday"): the last one before today. */
  readonly lastWeekday: RegExp;
  readonly today: RegExp;
  readonly monthEnd: RegExp;
  readonly nextMonthEnd: RegExp;
  readonly quincena: RegExp | undefined;
  readonly weekday: RegExp;
  readonly dayOfMonth: RegExp;
  readonly vague: RegExp;
  readonly chronoTrigger: RegExp;
  readonly weekdayIndex: ReadonlyMap<string, number>;
  readonly months: Readonly<Record<string, number>>;
}

const notUnit =
  '(?! ?(?:de |del )?(?:cuotas?|pagos?|meses|mes|parcelas?|vezes|x|mil|lucas?|pesos?|soles?|' +
  'reales|reais|dolares|dollars|por ?ciento|porcento|percent|semanas?|dias|days|anos|quincenas|' +
  'partes|mensualidades|abonos|installments|payments|months|weeks|k)\\b)(?![.,/]\\d)';

function rules(lang: Lang): LangRules {
  const months = monthNames[lang];
  const monthAlt = Object.keys(months)
    .sort((a, b) => b.length - a.length)
    .join('|');
  const yearPart = `(?:,? (?:de |del |of )?(\\d{4}))?`;
  const weekdays = weekdayNames[lang].split(' ');
  const weekdayIndex = new Map<string, number>(weekdays.map((name, index) => [name, index]));
  const common = {
    dayMonth: new RegExp(
      `\\b(\\d{1,2})(?:st|nd|rd|th)? (?:de |of )?(${monthAlt})\\b${yearPart}`,
      'g',
    ),
    monthDay: new RegExp(
      `\\b(${monthAlt}) (\\d{1,2})(?:st|nd|rd|th)?\\b(?![.,]\\d)${yearPart}`,
      'g',
    ),
    numeric: /(?<![\d.,/])(\d{1,2})[/-](\d{1,2})(?:[/-](\d{4}|\d{2}))?(?![\d.,/])/g,
    weekdayIndex,
    months,
  };
  switch (lang) {
    case 'es':
      return {
        ...common,
        dayAfterTomorrow: /\bpasado manana\b/g,
        tomorrow: /(?<!\b(?:la|esta|en la|por la|de la|una|de) )\bmanana\b/g,
        dayBeforeYesterday: /\b(?:antier|anteayer|antes de ayer)\b/g,
        yesterday: /\bayer\b/g,
        lastWeekday: new RegExp(
          `\\b(?:el |este )?(${weekdays.join('|')}) (?:pasado|anterior)(?! manana)\\b`,
          'g',
        ),
        today: /\b(?:hoy(?: mismo)?|el dia de hoy|ahorita mismo|ahora mismo)\b/g,
        nextMonthEnd:
          /\b(?:a |para |al )?(?:fin|final|fines|finales) (?:de|del) (?:proximo mes|mes que viene|otro mes)\b/g,
        monthEnd:
          /\b(?:a |para |al )?(?:fin|final|fines|finales) (?:de|del) (?:este )?mes\b|\bultimo (?:dia )?del mes\b/g,
        quincena: /(?<!\b(?:cada|por|x|de|al) )\bquincena\b/g,
        weekday: new RegExp(
          `\\b(?:el |este |para el |hasta el |proximo |el proximo |este proximo )*(${weekdays.join('|')})\\b(?: que viene| proximo)?`,
          'g',
        ),
        dayOfMonth: new RegExp(
          `\\b(?:(?:el|para el|hasta el|antes del|este|el proximo|el dia|para el dia|hasta el dia) (?:dia )?|dia )(\\d{1,2})\\b${notUnit}`,
          'g',
        ),
        vague:
          /\bcuando (?:me (?:paguen|pagan|llegue|depositen|caiga|den|salga|entre)|cobre|tenga|reciba|pueda|consiga|junte)\b|\bapenas (?:pueda|tenga|cobre|me paguen|me llegue)\b|\blo (?:antes|mas pronto) posible\b|\bmas adelante\b|\ben (?:unos|estos|los proximos) dias\b|\b(?:la )?(?:semana que viene|proxima semana|otra semana|semana entrante)\b|\b(?:el )?(?:mes que viene|proximo mes|otro mes|mes entrante)\b|\bpronto\b/g,
        chronoTrigger: /\b(?:en|dentro de|despues de)\b.*\b(?:dias?|semanas?)\b/,
      };
    case 'pt':
      return {
        ...common,
        dayAfterTomorrow: /\bdepois de amanha\b/g,
        tomorrow: /\bamanha\b/g,
        dayBeforeYesterday: /\banteontem\b/g,
        yesterday: /\bontem\b/g,
        lastWeekday: new RegExp(
          `\\b(?:(?:na|no|nessa|nesse) )?(?:(${weekdays.join('|')})(?: feira)? passad[oa]|(?:ultima|ultimo) (${weekdays.join('|')})(?: feira)?)\\b`,
          'g',
        ),
        today: /\b(?:hoje(?: mesmo)?|agora mesmo)\b/g,
        nextMonthEnd: /\b(?:no )?(?:fim|final) do (?:proximo mes|mes que vem)\b/g,
        monthEnd:
          /\b(?:no |ate o |para o |ate )?(?:fim|final) (?:do|de) mes\b|\bultimo dia do mes\b/g,
        quincena: /(?<!\b(?:cada|por) )\bquinzena\b/g,
        weekday: new RegExp(
          `\\b(?:(?:na|nessa|essa|esta|nesta|ate|proxima|a|de|para|pra|no|neste|este|proximo|ate a|ate o) )+(${weekdays.join('|')})(?: feira)?\\b(?: que vem)?|\\b(${weekdays.slice(1, 6).join('|')}) feira\\b|\\b(sabado|domingo)\\b`,
          'g',
        ),
        dayOfMonth: new RegExp(
          `\\b(?:(?:no |ate o |ate |para o |pro )?dia|(?:ate o|no)) (\\d{1,2})\\b${notUnit}`,
          'g',
        ),
        vague:
          /\bquando (?:eu )?(?:receber|tiver|puder|cair|sair|conseguir|me pagarem|pagarem)\b|\bassim que (?:eu )?(?:puder|receber|tiver)\b|\b(?:semana que vem|proxima semana|mes que vem|proximo mes|em breve|mais pra frente|mais para frente)\b/g,
        chronoTrigger: /\b(?:em|daqui a|dentro de|depois de)\b.*\b(?:dias?|semanas?)\b/,
      };
    case 'en':
      return {
        ...common,
        dayAfterTomorrow: /\bday after tomorrow\b/g,
        tomorrow: /\btomorrow\b/g,
        dayBeforeYesterday: /\bday before yesterday\b/g,
        yesterday: /\byesterday\b/g,
        lastWeekday: new RegExp(`\\b(?:on )?last (${weekdays.join('|')})\\b`, 'g'),
        today: /\b(?:today|tonight|right now)\b/g,
        nextMonthEnd: /\bend of next month\b/g,
        monthEnd:
          /\b(?:by |at |on )?(?:the )?end of (?:the |this )?month\b|\bmonth end\b|\blast day of (?:the |this )?month\b/g,
        quincena: undefined,
        weekday: new RegExp(
          `\\b(?:(?:on|this|next|by|this coming|coming) )*(${weekdays.join('|')})\\b`,
          'g',
        ),
        dayOfMonth:
          /\b(?:(?:on |by )?the )?(\d{1,2})(?:st|nd|rd|th)\b|\b(?:on|by) the (\d{1,2})\b/g,
        vague:
          /\bwhen i (?:get paid|get my (?:check|paycheck)|can|have (?:the )?money|get (?:the )?money)\b|\bnext (?:week|month)\b|\bas soon as (?:possible|i can)\b|\bsoon\b|\bpayday\b/g,
        chronoTrigger: /\b(?:in|within|after)\b.*\b(?:days?|weeks?)\b/,
      };
  }
}

const rulesByLang: Readonly<Record<Lang, LangRules>> = {
  es: rules('es'),
  pt: rules('pt'),
  en: rules('en'),
};

const chronoParsers: Readonly<Record<Lang, chrono.Chrono>> = {
  es: chrono.es.casual,
  pt: chrono.pt.casual,
  en: chrono.en.casual,
};

function nextDayOfMonth(today: LocalDate, day: number): LocalDate | undefined {
  if (day < 1 || day > 31) return undefined;
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  for (let offset = day >= d ? 0 : 1; offset < 14; offset += 1) {
    const first = addMonths(localDate(y, m, 1) as LocalDate, offset);
    const [fy, fm] = first.split('-').map(Number) as [number, number];
    const candidate = localDate(fy, fm, day);
    if (candidate) return candidate;
  }
  return undefined;
}

function nextDayMonth(
  today: LocalDate,
  day: number,
  month: number,
  year?: number,
): LocalDate | undefined {
  if (year !== undefined) return localDate(year < 100 ? 2000 + year : year, month, day);
  const thisYear = Number(today.slice(0, 4));
  const candidate = localDate(thisYear, month, day);
  if (candidate && candidate >= today) return candidate;
  return localDate(thisYear + 1, month, day);
}

/** The 15th or the month's last day, whichever comes strictly after today. */
export function nextQuincena(today: LocalDate): LocalDate {
  const day = Number(today.slice(8, 10));
  if (day < 15) return `${today.slice(0, 8)}15` as LocalDate;
  const last = endOfMonth(today);
  if (today < last) return last;
  return `${addDays(today, 1).slice(0, 8)}15` as LocalDate;
}

function lastWeekday(today: LocalDate, weekday: number): LocalDate {
  const delta = (dayOfWeek(today) - weekday + 7) % 7;
  return addDays(today, -(delta === 0 ? 7 : delta));
}

function nextWeekday(today: LocalDate, weekday: number): LocalDate {
  const delta = (weekday - dayOfWeek(today) + 7) % 7;
  return addDays(today, delta === 0 ? 7 : delta);
}

type Found = {
  readonly date: LocalDate | 'vague';
  readonly index: number;
  readonly length: number;
};

function resolveWith(
  masked: Masked,
  pattern: RegExp | undefined,
  resolve: (match: RegExpExecArray) => LocalDate | 'vague' | undefined,
): Found | undefined {
  if (!pattern) return undefined;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(masked.text); match; match = pattern.exec(masked.text)) {
    const date = resolve(match);
    if (date) return { date, index: match.index, length: match[0].length };
  }
  return undefined;
}

function chronoDate(original: string, lang: Lang, today: LocalDate): LocalDate | undefined {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  // Noon UTC of the local day with a zero offset: chrono's implied fields are then the local day.
  const reference = { instant: new Date(Date.UTC(y, m - 1, d, 12)), timezone: 0 };
  for (const result of chronoParsers[lang].parse(original, reference, { forwardDate: true })) {
    const start = result.start;
    if (!start.isCertain('day') && !start.isCertain('weekday') && !start.isCertain('month'))
      continue;
    const date = localDate(start.get('year') ?? y, start.get('month') ?? m, start.get('day') ?? d);
    if (date && date >= today) return date;
  }
  return undefined;
}

/**
 * Finds the first date in the normalized text, resolved against `today` (the debtor's local
 * day), and blanks it out of `masked`. The chrono fallback reads what earlier extractors left.
 */
export function extractDate(
  masked: Masked,
  lang: Lang,
  locale: string,
  today: LocalDate,
): DateEntity | undefined {
  const r = rulesByLang[lang];
  const isMonthFirst = locale.toLowerCase() === 'en-us' || locale.toLowerCase() === 'en';
  const month = (name: string | undefined): number | undefined => r.months[name ?? ''];
  const found =
    resolveWith(masked, r.dayMonth, (m) => {
      const mo = month(m[2]);
      return mo
        ? nextDayMonth(today, Number(m[1]), mo, m[3] ? Number(m[3]) : undefined)
        : undefined;
    }) ??
    resolveWith(masked, r.monthDay, (m) => {
      const mo = month(m[1]);
      return mo
        ? nextDayMonth(today, Number(m[2]), mo, m[3] ? Number(m[3]) : undefined)
        : undefined;
    }) ??
    resolveWith(masked, r.numeric, (m) => {
      const first = Number(m[1]);
      const second = Number(m[2]);
      const year = m[3] ? Number(m[3]) : undefined;
      const [day, mo] = isMonthFirst && first <= 12 ? [second, first] : [first, second];
      return nextDayMonth(today, day, mo, year);
    }) ??
    resolveWith(masked, r.dayAfterTomorrow, () => addDays(today, 2)) ??
    resolveWith(masked, r.tomorrow, () => addDays(today, 1)) ??
    resolveWith(masked, r.today, () => today) ??
    resolveWith(masked, r.nextMonthEnd, () => endOfMonth(addMonths(today, 1))) ??
    resolveWith(masked, r.monthEnd, () => endOfMonth(today)) ??
    resolveWith(masked, r.quincena, () => nextQuincena(today)) ??
    resolveWith(masked, r.lastWeekday, (m) => {
      const index = r.weekdayIndex.get(m[1] ?? m[2] ?? '');
      return index === undefined ? undefined : lastWeekday(today, index);
    }) ??
    resolveWith(masked, r.weekday, (m) => {
      const name = m[1] ?? m[2] ?? m[3];
      const index = r.weekdayIndex.get(name ?? '');
      return index === undefined ? undefined : nextWeekday(today, index);
    }) ??
    resolveWith(masked, r.dayOfMonth, (m) => nextDayOfMonth(today, Number(m[1] ?? m[2]))) ??
    // Past days last: "ayer no pude, pero el viernes le pago" is about Friday.
    resolveWith(masked, r.dayBeforeYesterday, () => addDays(today, -2)) ??
    resolveWith(masked, r.yesterday, () => addDays(today, -1)) ??
    resolveWith(masked, r.vague, () => 'vague');
  if (found) {
    const text = masked.text.slice(found.index, found.index + found.length).trim();
    consume(masked, found.index, found.index + found.length);
    return found.date === 'vague'
      ? { kind: 'vague', text }
      : { kind: 'date', date: found.date, text };
  }
  if (r.chronoTrigger.test(masked.text)) {
    const rest = masked.text.replace(/_+/g, ' ');
    const date = chronoDate(rest, lang, today);
    if (date) return { kind: 'date', date, text: rest.trim() };
  }
  return undefined;
}

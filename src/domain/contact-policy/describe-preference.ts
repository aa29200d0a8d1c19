/**
 * Around a debtor's contact preference in a conversation: whether a message is about being
 * contacted at all ("escríbeme después de las 6" is; "te pago el viernes después de las 6" is a
 * promise, not a wish about messages), and how to say back what was understood.
 */
import type { ContactPreference } from './decide-contact.js';

/** Words for writing, calling or contacting someone, accents removed, in es, en and pt. */
const contactWords =
  /\b(escrib\w*|escriban|llam\w*|contact\w*|mensaj\w*|habl\w*|whatsapp\w*|write|text\w*|call\w*|messag\w*|reach\w*|escrev\w*|lig\w*|mensag\w*|fal[ae]\w*|manda\w*)\b/;

/** True when the text talks about being contacted, so an hour in it is a contact preference. */
export function mentionsContact(text: string): boolean {
  const plain = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return contactWords.test(plain);
}

type Lang = 'es' | 'en' | 'pt';

const phrases: Readonly<
  Record<
    Lang,
    {
      between: (from: string, to: string) => string;
      after: (from: string) => string;
      before: (to: string) => string;
      days: (list: string) => string;
    }
  >
> = {
  es: {
    between: (from, to) => `entre las ${from} y las ${to}`,
    after: (from) => `después de las ${from}`,
    before: (to) => `antes de las ${to}`,
    days: (list) => `los ${list}`,
  },
  en: {
    between: (from, to) => `between ${from} and ${to}`,
    after: (from) => `after ${from}`,
    before: (to) => `before ${to}`,
    days: (list) => `on ${list}`,
  },
  pt: {
    between: (from, to) => `entre ${from} e ${to}`,
    after: (from) => `depois das ${from}`,
    before: (to) => `antes das ${to}`,
    days: (list) => `às ${list}`,
  },
};

function langOf(locale: string): Lang {
  const language = locale.slice(0, 2).toLowerCase();
  return language === 'en' || language === 'pt' ? language : 'es';
}

/** 2026-11-23 is a Monday: day n (1 = Monday) is 2026-11-(22 + n). */
function weekdayName(day: number, locale: string): string {
  const name = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2026, 10, 22 + day)),
  );
  return langOf(locale) === 'en' ? `${name}s` : name;
}

/**
 * "después de las 18:00", "between 09:00 and 12:00 on Mondays and Fridays": the window a
 * preference leaves, in the debtor's language, for the bot to confirm it.
 */
export function describePreference(preference: ContactPreference, locale: string): string {
  const say = phrases[langOf(locale)];
  const parts: string[] = [];
  const { earliest, latest, days } = preference;
  if (earliest !== undefined && latest !== undefined) parts.push(say.between(earliest, latest));
  else if (earliest !== undefined) parts.push(say.after(earliest));
  else if (latest !== undefined) parts.push(say.before(latest));
  if (days !== undefined && days.length > 0 && days.length < 7) {
    const list = new Intl.ListFormat(locale, { type: 'conjunction' }).format(
      [...days].sort((a, b) => a - b).map((d) => weekdayName(d, locale)),
    );
    parts.push(say.days(list));
  }
  return parts.join(' ');
}

/**
 * Renders catalog messages (ICU MessageFormat) in the debtor's locale. Catalogs are data the
 * adapter loads and passes in; money and dates arrive as typed values and are formatted here
 * for the debtor's locale (es-AR "$ 1.250,00", pt-BR "R$ 1.250,00"), never as floats.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import type { LocalDate } from '../dates.js';
import { AppError } from '../errors.js';
import { formatMoney, type Money } from '../money.js';

/** Messages of one catalog, flat: "identity.ask" -> ICU string. */
export type MessageCatalog = Readonly<Record<string, string>>;
/** Catalogs by catalog locale: "es-419", "en", "pt-BR". */
export type MessageCatalogs = Readonly<Record<string, MessageCatalog>>;

/** A variable of a message: text, a count (for plurals), money or a calendar date. */
export type MessageVar = string | number | { readonly money: Money } | { readonly date: LocalDate };
/** The variables of one message, by name. */
export type MessageVars = Readonly<Record<string, MessageVar>>;

/** The catalog used when nothing closer to the debtor's locale exists. */
export const fallbackCatalogLocale = 'es-419';

/**
 * Picks the catalog for a BCP 47 tag: an exact match, then the language's regional family
 * (any es-* -> es-419, any pt-* -> pt-BR, any en-* -> en), then the language alone, then
 * {@link fallbackCatalogLocale}.
 */
export function resolveCatalogLocale(catalogs: MessageCatalogs, locale: string): string {
  const available = Object.keys(catalogs);
  const exact = available.find((tag) => tag.toLowerCase() === locale.toLowerCase());
  if (exact) return exact;
  const language = (locale.split(/[-_]/)[0] ?? '').toLowerCase();
  const family = available.filter((tag) => tag.split('-')[0]?.toLowerCase() === language);
  const preferred = family.find((tag) => tag === `${language}-419`) ?? family[0];
  if (preferred) return preferred;
  if (fallbackCatalogLocale in catalogs) return fallbackCatalogLocale;
  const first = available[0];
  if (first === undefined) throw new AppError('internal', 'no message catalogs loaded');
  return first;
}

/** A formatting locale Intl understands; the debtor's own tag when valid ("es-CO"). */
function formattingLocale(locale: string, catalogLocale: string): string {
  const key = `${locale}\u0000${catalogLocale}`;
  let resolved = canonicalLocales.get(key);
  if (resolved === undefined) {
    try {
      resolved = Intl.getCanonicalLocales(locale)[0] ?? catalogLocale;
    } catch {
      resolved = catalogLocale;
    }
    canonicalLocales.set(key, resolved);
  }
  return resolved;
}

const canonicalLocales = new Map<string, string>();

/** "viernes, 28 de noviembre" in the locale; the date is a calendar day, formatted in UTC. */
export function formatLocalDate(date: LocalDate, locale: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  let format = dateFormatters.get(locale);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      timeZone: 'UTC',
    });
    dateFormatters.set(locale, format);
  }
  return format.format(new Date(Date.UTC(y, m - 1, d)));
}

// Building an Intl formatter costs far more than using one; cache one per locale.
const dateFormatters = new Map<string, Intl.DateTimeFormat>();

const compiled = new Map<string, IntlMessageFormat>();

function compile(message: string, locale: string): IntlMessageFormat {
  const cacheKey = `${locale}\u0000${message}`;
  let format = compiled.get(cacheKey);
  if (!format) {
    format = new IntlMessageFormat(message, locale, undefined, { ignoreTag: true });
    compiled.set(cacheKey, format);
  }
  return format;
}

/** The argument names a message uses (for checking which variables a step may reveal). */
export function messageArguments(message: string): string[] {
  const names = new Set<string>();
  const visit = (elements: readonly unknown[]): void => {
    for (const element of elements) {
      if (typeof element !== 'object' || element === null) continue;
      const node = element as { type: number; value?: unknown; options?: unknown };
      // Types 1..6 are argument, number, date, time, select, plural (intl-messageformat AST).
      if (node.type >= 1 && node.type <= 6 && typeof node.value === 'string') names.add(node.value);
      if (node.options && typeof node.options === 'object') {
        for (const option of Object.values(node.options as Record<string, { value: unknown[] }>)) {
          visit(option.value);
        }
      }
    }
  };
  visit(compile(message, 'en').getAst());
  return [...names];
}

/**
 * Renders `key` for the debtor's `locale`. A missing key or variable is a bug (the loader
 * checks every key a flow uses exists in every catalog), so it throws.
 */
export function renderMessage(
  catalogs: MessageCatalogs,
  key: string,
  vars: MessageVars,
  locale: string,
): string {
  const catalogLocale = resolveCatalogLocale(catalogs, locale);
  const message = catalogs[catalogLocale]?.[key];
  if (message === undefined) {
    throw new AppError('internal', `message "${key}" is missing from catalog ${catalogLocale}`);
  }
  const formatLocale = formattingLocale(locale, catalogLocale);
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value === 'string' || typeof value === 'number') values[name] = value;
    else if ('money' in value) values[name] = formatMoney(value.money, formatLocale);
    else values[name] = formatLocalDate(value.date, formatLocale);
  }
  const format = compile(message, formatLocale);
  try {
    const out = format.format(values);
    return typeof out === 'string' ? out : String(out);
  } catch (cause) {
    throw new AppError('internal', `message "${key}" (${catalogLocale}) failed to render`, {
      cause,
    });
  }
}

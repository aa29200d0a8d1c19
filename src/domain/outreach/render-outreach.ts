/**
 * The content of a message cuota sends first. WhatsApp Cloud gets the approved template itself
 * (the only thing it delivers outside the 24-hour window); every other channel gets the same
 * template's text with its variables filled in, so a debtor reads the same words everywhere.
 */
import { formatLocalDate } from '../messages/render.js';
import type { LocalDate } from '../dates.js';
import { formatMoney, type Money } from '../money.js';
import type { OutboundContent, Provider } from '../messaging/message.js';

/** A template as the registry holds it: positional variables and one body per language. */
export interface OutreachTemplate {
  readonly name: string;
  readonly variables: readonly string[];
  readonly languages: Readonly<Record<string, string>>;
}

/** Template lookup, satisfied by the WhatsApp template registry. */
export interface OutreachTemplates {
  get(name: string): OutreachTemplate | undefined;
  /** The template's language closest to a BCP 47 locale. */
  languageFor(template: OutreachTemplate, locale: string): string;
}

/** The values a template's variables are named after. */
export interface OutreachValues {
  /** The debtor's first name only. */
  readonly name: string;
  readonly due_date?: LocalDate | undefined;
  readonly amount?: Money | undefined;
  readonly date?: LocalDate | undefined;
}

/** Survey answers travel as choice ids `survey:1` .. `survey:5`. */
export const surveyChoicePrefix = 'survey:';

export type RenderedOutreach =
  | { readonly ok: true; readonly content: OutboundContent; readonly text: string }
  | { readonly ok: false; readonly reason: string };

/** The first word of a full name ("María José Pérez" -> "María"). */
export function firstName(fullName: string): string {
  return fullName.trim().split(/\s+/)[0] ?? fullName;
}

function valueOf(values: OutreachValues, variable: string, locale: string): string | undefined {
  switch (variable) {
    case 'name':
      return values.name;
    case 'due_date':
      return values.due_date === undefined ? undefined : formatLocalDate(values.due_date, locale);
    case 'date':
      return values.date === undefined ? undefined : formatLocalDate(values.date, locale);
    case 'amount':
      return values.amount === undefined ? undefined : formatMoney(values.amount, locale);
    default:
      return undefined;
  }
}

/**
 * Renders `templateName` for `provider` in the debtor's `locale`. Fails (a value, not a throw)
 * when the template is unknown or a variable it needs has no value, so one bad account never
 * stops a batch.
 */
export function renderOutreach(
  templates: OutreachTemplates,
  templateName: string,
  values: OutreachValues,
  locale: string,
  provider: Provider,
  /** The satisfaction survey: offered as choices 1-5 where the channel can show them. */
  isSurvey = false,
): RenderedOutreach {
  const template = templates.get(templateName);
  if (template === undefined) return { ok: false, reason: `unknown template "${templateName}"` };
  const language = templates.languageFor(template, locale);
  const body = template.languages[language];
  if (body === undefined) return { ok: false, reason: `template "${templateName}" has no text` };
  const filled: string[] = [];
  for (const variable of template.variables) {
    const value = valueOf(values, variable, locale);
    if (value === undefined)
      return { ok: false, reason: `template "${templateName}" needs a value for ${variable}` };
    filled.push(value);
  }
  const text = body.replace(/\{\{(\d+)\}\}/g, (_, n: string) => filled[Number(n) - 1] ?? '');
  if (provider === 'whatsapp-cloud') {
    return {
      ok: true,
      content: { type: 'template', name: template.name, language, variables: filled },
      text,
    };
  }
  return {
    ok: true,
    content: isSurvey
      ? {
          type: 'choices',
          text,
          options: [1, 2, 3, 4, 5].map((n) => ({
            id: `${surveyChoicePrefix}${n}`,
            label: String(n),
          })),
        }
      : { type: 'text', text },
    text,
  };
}

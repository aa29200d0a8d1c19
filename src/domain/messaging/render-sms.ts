/**
 * SMS rendering: turns {@link OutboundContent} into the one plain-text body an SMS can carry,
 * and counts what that body costs in GSM 03.38 / UCS-2 segments. Pure: no SDK, no I/O.
 *
 * SMS has no buttons, so choices become numbered lines plus a localized prompt ("Responde 1,
 * 2 o 3"); the engine already maps a typed number back to the option's id.
 */
import type { OutboundContent } from './message.js';

/** Why a content could not become an SMS body. */
export type RenderSmsFailure = 'empty' | 'template-unknown' | 'template-variable-missing';

export type RenderSmsResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reason: RenderSmsFailure; readonly detail?: string | undefined };

export interface RenderSmsOptions {
  /** BCP 47 locale of the conversation; picks the prompt's language (es, pt, en; es otherwise). */
  readonly locale: string;
  /**
   * Plain-text bodies of templates, keyed `name:language` (checked first) or `name`, with
   * positional placeholders `{{1}}`, `{{2}}`… as in WhatsApp templates. SMS has no template
   * approval, so a template is just text; an unknown one is a failure, never a guess.
   */
  readonly templates?: Readonly<Record<string, string>> | undefined;
}

/** The language family of a BCP 47 tag that SMS chrome is written in. */
type PromptLanguage = 'es' | 'pt' | 'en';

function promptLanguageOf(locale: string): PromptLanguage {
  const language = (locale.split(/[-_]/)[0] ?? '').toLowerCase();
  return language === 'pt' || language === 'en' ? language : 'es';
}

/** Spanish writes "u" instead of "o" before a word that starts with an o sound: "7 u 8". */
function spanishOr(next: number): string {
  const startsWithO = String(next).startsWith('8') || next === 11;
  return startsWithO ? 'u' : 'o';
}

/**
 * The prompt under numbered options: "Responde 1, 2 o 3", "Reply 1, 2 or 3",
 * "Responda 1, 2 ou 3". One option reads "Responde 1".
 */
export function choicePrompt(count: number, locale: string): string {
  const language = promptLanguageOf(locale);
  const verb = { es: 'Responde', pt: 'Responda', en: 'Reply' }[language];
  const numbers = Array.from({ length: Math.max(count, 0) }, (_, i) => i + 1);
  const last = numbers.pop();
  if (last === undefined) return verb;
  if (numbers.length === 0) return `${verb} ${last}`;
  const or = { es: spanishOr(last), pt: 'ou', en: 'or' }[language];
  return `${verb} ${numbers.join(', ')} ${or} ${last}`;
}

function fillTemplate(body: string, variables: readonly string[]): RenderSmsResult {
  let missing: string | undefined;
  const text = body.replace(/\{\{\s*(\d+)\s*\}\}/g, (placeholder, index: string) => {
    const value = variables[Number(index) - 1];
    if (value === undefined) {
      missing ??= placeholder;
      return placeholder;
    }
    return value;
  });
  if (missing !== undefined) {
    return { ok: false, reason: 'template-variable-missing', detail: missing };
  }
  return { ok: true, text };
}

/**
 * Renders one outbound content as an SMS body. Choices become `1. Label` lines and a prompt;
 * a template is filled from {@link RenderSmsOptions.templates}; a document becomes its caption
 * (or file name) and its URL. An empty body is a failure: Twilio rejects it (error 21602).
 */
export function renderSms(content: OutboundContent, options: RenderSmsOptions): RenderSmsResult {
  const result = renderBody(content, options);
  if (result.ok && result.text.trim() === '') return { ok: false, reason: 'empty' };
  return result;
}

function renderBody(content: OutboundContent, options: RenderSmsOptions): RenderSmsResult {
  switch (content.type) {
    case 'text':
      return { ok: true, text: content.text };
    case 'choices': {
      if (content.options.length === 0) return { ok: true, text: content.text };
      const lines = content.options.map((option, i) => `${i + 1}. ${option.label}`);
      const prompt = choicePrompt(content.options.length, options.locale);
      const head = content.text.trim() === '' ? [] : [content.text];
      return { ok: true, text: [...head, ...lines, prompt].join('\n') };
    }
    case 'template': {
      const templates = options.templates ?? {};
      const body = templates[`${content.name}:${content.language}`] ?? templates[content.name];
      if (body === undefined) {
        return { ok: false, reason: 'template-unknown', detail: content.name };
      }
      return fillTemplate(body, content.variables);
    }
    case 'document': {
      const label = content.caption?.trim() ? content.caption : content.fileName;
      return { ok: true, text: label.trim() === '' ? content.url : `${label}\n${content.url}` };
    }
  }
}

// GSM 03.38 default alphabet (escape 0x1B left out: it is not a character a text can hold).
const gsmBasic = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
// Extension table: each costs an escape plus the character, two septets.
const gsmExtension = new Set('\f^{}\\[~]|€');

/** Whether a character is in the GSM 03.38 basic set or its extension table. */
export function isGsmCharacter(char: string): boolean {
  return gsmBasic.has(char) || gsmExtension.has(char);
}

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  readonly encoding: SmsEncoding;
  /** How many SMS the text is sent as (0 for an empty text). */
  readonly segments: number;
  /** Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  readonly units: number;
}

/**
 * Greedy packing the way handsets and carriers split a long text: a character (an escape pair
 * in GSM-7, a surrogate pair in UCS-2) is never split across two segments, so the count can
 * exceed `ceil(units / perSegment)`.
 */
function pack(costs: readonly number[], single: number, multi: number): number {
  const units = costs.reduce((sum, c) => sum + c, 0);
  if (units === 0) return 0;
  if (units <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > multi) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return segments;
}

/**
 * Encoding, segment count and units of an SMS body. GSM-7 when every character is in GSM 03.38
 * (basic set, or the extension table at two septets each): 160 septets in one SMS, 153 per
 * segment once concatenated. Otherwise UCS-2: 70 code units in one SMS, 67 per segment. Note
 * for Spanish and Portuguese: é, É, ñ, Ñ, ü, Ü, à, è, ù, ì, ò, Ç, ¡ and ¿ are GSM-7, but á, í,
 * ó, ú, ã, õ, ê, ç (lower case) are not, so one of them turns the whole text into UCS-2.
 */
export function smsSegments(text: string): SmsSegments {
  const chars = Array.from(text);
  if (chars.every(isGsmCharacter)) {
    const costs = chars.map((c) => (gsmExtension.has(c) ? 2 : 1));
    const units = costs.reduce((sum, c) => sum + c, 0);
    return { encoding: 'GSM-7', segments: pack(costs, 160, 153), units };
  }
  const costs = chars.map((c) => c.length);
  const units = text.length;
  return { encoding: 'UCS-2', segments: pack(costs, 70, 67), units };
}

// Typographic punctuation and invisible spacing that needlessly force UCS-2. Accents stay:
// "está" is worth a UCS-2 segment; a curly quote is not.
const gsmFriendlyReplacements: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\u2018\u2019\u201A\u201B\u2032\u00B4`]/g, "'"],
  [/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"'],
  [/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
  [/\u2022/g, '-'],
  [/[\u00A0\u2000-\u200A\u202F\u205F\u3000\t]/g, ' '],
  [/[\u200B-\u200D\u2060\uFEFF]/g, ''],
];

/**
 * Replaces typographic quotes, dashes, ellipses, bullets and odd spaces with their GSM
 * equivalents, so a text that is otherwise GSM-7 does not fall back to UCS-2 (70 characters per
 * SMS instead of 160). Leaves letters, accents and emoji alone.
 */
export function toGsmFriendly(text: string): string {
  return gsmFriendlyReplacements.reduce(
    (acc, [pattern, replacement]) => acc.replace(pattern, replacement),
    text,
  );
}

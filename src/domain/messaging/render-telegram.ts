/**
 * Renders {@link OutboundContent} as Telegram Bot API calls (`sendMessage`, `sendDocument`
 * parameters). Pure: every Telegram limit is applied here so the API never rejects a message for
 * its shape.
 *
 * Care taken with limits: text past 4,096 characters is split into several messages at a
 * paragraph, line or word boundary, never inside a character; option ids are never altered
 * (the engine routes on them, and a hash could not be routed back), so an id over 64 bytes of
 * `callback_data` is refused; Telegram has no templates, so a template becomes plain text.
 */
import type { OutboundContent } from './message.js';

/** Telegram Bot API limits. Lengths in UTF-16 code units unless the name says bytes. */
export const telegramLimits = {
  text: 4096,
  caption: 1024,
  callbackDataBytes: 64,
  /** Keep choices readable: one button per row up to this many, then two per row. */
  oneButtonPerRowUpTo: 8,
  /** Telegram's cap on buttons in one inline keyboard. */
  maxButtons: 100,
} as const;

/**
 * The option id that renders as Telegram's "share my phone number" button: a reply keyboard
 * button with `request_contact`, whose answer is the debtor's own contact (see the parser). It
 * must be the only option of its `choices` message.
 */
export const shareContactOptionId = 'share-contact';

export interface InlineKeyboardButton {
  readonly text: string;
  readonly callback_data: string;
}

export interface KeyboardButton {
  readonly text: string;
  readonly request_contact?: boolean;
}

export type TelegramReplyMarkup =
  | { readonly inline_keyboard: readonly (readonly InlineKeyboardButton[])[] }
  | {
      readonly keyboard: readonly (readonly KeyboardButton[])[];
      readonly one_time_keyboard: true;
      readonly resize_keyboard: true;
    };

export interface SendMessageParams {
  /** A Telegram chat id, as text (the API takes either). */
  readonly chat_id: string;
  readonly text: string;
  readonly reply_markup?: TelegramReplyMarkup;
}

export interface SendDocumentParams {
  readonly chat_id: string;
  /** An HTTP URL Telegram downloads itself (by URL it takes PDF, ZIP and GIF files). */
  readonly document: string;
  readonly caption?: string;
}

/** One Bot API call; a message may need several, sent in order. */
export type TelegramCall =
  | { readonly method: 'sendMessage'; readonly params: SendMessageParams }
  | { readonly method: 'sendDocument'; readonly params: SendDocumentParams };

export type RenderTelegramError =
  | 'empty-text'
  | 'callback-data-too-long'
  | 'callback-data-empty'
  | 'too-many-options'
  | 'share-contact-mixed';

export type RenderTelegramResult =
  | { readonly ok: true; readonly calls: readonly TelegramCall[] }
  | { readonly ok: false; readonly reason: RenderTelegramError; readonly detail?: string };

export interface RenderTelegramOptions {
  /**
   * Plain text for a template, since Telegram has none (for example the locale's text for the
   * template name with its variables filled in). Undefined, or no option: the variables joined
   * by line breaks.
   */
  readonly renderTemplate?: (template: {
    readonly name: string;
    readonly language: string;
    readonly variables: readonly string[];
  }) => string | undefined;
}

function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Splits text into pieces of at most `max` UTF-16 code units, cutting at the last paragraph
 * break, else line break, else space in the window, else just before `max` (never between the
 * two halves of a surrogate pair). The separator at a cut is dropped.
 */
export function splitTelegramText(text: string, max: number = telegramLimits.text): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = -1;
    let skip = 0;
    for (const separator of ['\n\n', '\n', ' ']) {
      const at = window.lastIndexOf(separator, max - separator.length);
      if (at > 0) {
        cut = at;
        skip = separator.length;
        break;
      }
    }
    if (cut === -1) {
      cut = isHighSurrogate(rest.charCodeAt(max - 1)) ? max - 1 : max;
      skip = 0;
    }
    const piece = rest.slice(0, cut).trimEnd();
    if (piece !== '') pieces.push(piece);
    rest = rest.slice(cut + skip).trimStart();
  }
  if (rest.trim() !== '') pieces.push(rest);
  return pieces;
}

function textCalls(
  chatId: string,
  text: string,
  replyMarkup?: TelegramReplyMarkup,
): RenderTelegramResult {
  const pieces = splitTelegramText(text);
  if (pieces.length === 0) return { ok: false, reason: 'empty-text' };
  const calls = pieces.map((piece, i): TelegramCall => {
    const isLast = i === pieces.length - 1;
    return {
      method: 'sendMessage',
      params:
        isLast && replyMarkup !== undefined
          ? { chat_id: chatId, text: piece, reply_markup: replyMarkup }
          : { chat_id: chatId, text: piece },
    };
  });
  return { ok: true, calls };
}

/** The reply keyboard asking for the debtor's phone number, shown once. */
export function contactRequestMarkup(buttonLabel: string): TelegramReplyMarkup {
  return {
    keyboard: [[{ text: buttonLabel, request_contact: true }]],
    one_time_keyboard: true,
    resize_keyboard: true,
  };
}

/** A message with a "share my phone number" button, for linking an unknown chat to a debtor. */
export function renderContactRequest(
  chatId: string,
  text: string,
  buttonLabel: string,
): RenderTelegramResult {
  return textCalls(chatId, text, contactRequestMarkup(buttonLabel));
}

function choicesMarkup(
  options: readonly { readonly id: string; readonly label: string }[],
): { ok: true; markup: TelegramReplyMarkup } | Extract<RenderTelegramResult, { ok: false }> {
  if (options.length > telegramLimits.maxButtons) {
    return { ok: false, reason: 'too-many-options', detail: String(options.length) };
  }
  const buttons: InlineKeyboardButton[] = [];
  for (const option of options) {
    if (option.id === '') return { ok: false, reason: 'callback-data-empty' };
    if (utf8Bytes(option.id) > telegramLimits.callbackDataBytes) {
      return { ok: false, reason: 'callback-data-too-long', detail: option.id };
    }
    buttons.push({ text: option.label, callback_data: option.id });
  }
  const perRow = buttons.length <= telegramLimits.oneButtonPerRowUpTo ? 1 : 2;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return { ok: true, markup: { inline_keyboard: rows } };
}

/**
 * The Bot API calls that deliver `content` to `chatId`, in order. Choices become an inline
 * keyboard (`callback_data` = option id) on the last piece of text; a document whose caption is
 * over 1,024 characters is sent bare and followed by the caption as text.
 */
export function renderTelegram(
  content: OutboundContent,
  chatId: string,
  options: RenderTelegramOptions = {},
): RenderTelegramResult {
  switch (content.type) {
    case 'text':
      return textCalls(chatId, content.text);
    case 'choices': {
      if (content.options.some((o) => o.id === shareContactOptionId)) {
        const [only, ...others] = content.options;
        if (only === undefined || others.length > 0) {
          return { ok: false, reason: 'share-contact-mixed' };
        }
        return renderContactRequest(chatId, content.text, only.label);
      }
      if (content.options.length === 0) return textCalls(chatId, content.text);
      const markup = choicesMarkup(content.options);
      if (!markup.ok) return markup;
      return textCalls(chatId, content.text, markup.markup);
    }
    case 'template': {
      const text =
        options.renderTemplate?.({
          name: content.name,
          language: content.language,
          variables: content.variables,
        }) ?? content.variables.join('\n');
      return textCalls(chatId, text);
    }
    case 'document': {
      const caption = content.caption ?? '';
      if (caption.trim() === '') {
        return {
          ok: true,
          calls: [{ method: 'sendDocument', params: { chat_id: chatId, document: content.url } }],
        };
      }
      if (caption.length <= telegramLimits.caption) {
        return {
          ok: true,
          calls: [
            { method: 'sendDocument', params: { chat_id: chatId, document: content.url, caption } },
          ],
        };
      }
      const followUp = textCalls(chatId, caption);
      if (!followUp.ok) return followUp;
      return {
        ok: true,
        calls: [
          { method: 'sendDocument', params: { chat_id: chatId, document: content.url } },
          ...followUp.calls,
        ],
      };
    }
  }
}

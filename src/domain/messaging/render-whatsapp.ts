/**
 * Renders {@link OutboundContent} as the message part of a WhatsApp Cloud API
 * `POST /{phone-number-id}/messages` body (the sender adds `messaging_product`, `to` and
 * `biz_opaque_callback_data`). Pure: every WhatsApp limit is applied here so the API never
 * rejects a message for its shape.
 *
 * Care taken with limits: option ids are never altered (the engine routes on them); labels are
 * shortened with an ellipsis at a grapheme boundary; a body too long for an interactive message
 * falls back to a numbered text message instead of losing words; text is shortened only past
 * WhatsApp's 4,096 characters, at a word boundary.
 */
import type { ChoiceOption, OutboundContent } from './message.js';

/** WhatsApp Cloud API limits, in UTF-16 code units (what the API counts, conservatively). */
export const whatsAppLimits = {
  textBody: 4096,
  interactiveBody: 1024,
  maxReplyButtons: 3,
  replyButtonTitle: 20,
  replyButtonId: 256,
  maxListRows: 10,
  listRowTitle: 24,
  listRowDescription: 72,
  listRowId: 200,
  listButtonLabel: 20,
  mediaCaption: 1024,
  templateName: 512,
} as const;

export interface WhatsAppReplyButton {
  readonly type: 'reply';
  readonly reply: { readonly id: string; readonly title: string };
}

export interface WhatsAppListRow {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
}

/** The type-specific part of a Graph API message body. */
export type WhatsAppMessageBody =
  | {
      readonly type: 'text';
      readonly text: { readonly body: string; readonly preview_url: boolean };
    }
  | {
      readonly type: 'interactive';
      readonly interactive: {
        readonly type: 'button';
        readonly body: { readonly text: string };
        readonly action: { readonly buttons: readonly WhatsAppReplyButton[] };
      };
    }
  | {
      readonly type: 'interactive';
      readonly interactive: {
        readonly type: 'list';
        readonly body: { readonly text: string };
        readonly action: {
          readonly button: string;
          readonly sections: readonly [{ readonly rows: readonly WhatsAppListRow[] }];
        };
      };
    }
  | {
      readonly type: 'template';
      readonly template: {
        readonly name: string;
        readonly language: { readonly code: string };
        readonly components?: readonly [
          {
            readonly type: 'body';
            readonly parameters: readonly { readonly type: 'text'; readonly text: string }[];
          },
        ];
      };
    }
  | {
      readonly type: 'document';
      readonly document: {
        readonly link: string;
        readonly filename: string;
        readonly caption?: string;
      };
    };

/** A body, or why the content cannot be sent on WhatsApp at all (a bug upstream, not a retry). */
export type WhatsAppRenderResult =
  | { readonly ok: true; readonly body: WhatsAppMessageBody }
  | { readonly ok: false; readonly reason: string };

interface Chrome {
  /** The label of the button that opens a list. */
  readonly listButton: string;
  /** Closes a numbered list of options. */
  readonly numberedHint: string;
}

const chromeByLanguage: Readonly<Record<'es' | 'en' | 'pt', Chrome>> = {
  es: { listButton: 'Ver opciones', numberedHint: 'Responde con el número de tu opción.' },
  en: { listButton: 'See options', numberedHint: 'Reply with the number of your choice.' },
  pt: { listButton: 'Ver opções', numberedHint: 'Responda com o número da sua opção.' },
};

/** Channel chrome for a BCP 47 locale: Spanish unless the language is English or Portuguese. */
function chromeFor(locale: string): Chrome {
  const language = (locale.split(/[-_]/)[0] ?? '').toLowerCase();
  return language === 'en' || language === 'pt' ? chromeByLanguage[language] : chromeByLanguage.es;
}

/**
 * Renders one outbound message for WhatsApp in the conversation's locale (BCP 47; it only picks
 * channel chrome such as the list button label). Never throws.
 */
export function renderWhatsApp(content: OutboundContent, locale: string): WhatsAppRenderResult {
  switch (content.type) {
    case 'text':
      return renderText(content.text);
    case 'choices':
      return renderChoices(content.text, content.options, chromeFor(locale));
    case 'template':
      return renderTemplate(content.name, content.language, content.variables);
    case 'document':
      return renderDocument(content.url, content.fileName, content.caption);
  }
}

function renderText(text: string): WhatsAppRenderResult {
  const body = text.trim();
  if (body === '') return { ok: false, reason: 'empty text' };
  return {
    ok: true,
    body: {
      type: 'text',
      text: { body: shortenAtWord(body, whatsAppLimits.textBody), preview_url: false },
    },
  };
}

function renderChoices(
  text: string,
  options: readonly ChoiceOption[],
  chrome: Chrome,
): WhatsAppRenderResult {
  if (options.length === 0) return renderText(text);
  const ids = new Set(options.map((o) => o.id));
  if (ids.size !== options.length) return { ok: false, reason: 'duplicate option ids' };
  const body = text.trim();
  const isInteractive =
    body !== '' &&
    body.length <= whatsAppLimits.interactiveBody &&
    options.length <= whatsAppLimits.maxListRows &&
    options.every((o) => o.id !== '' && o.label.trim() !== '');

  if (isInteractive && options.length <= whatsAppLimits.maxReplyButtons) {
    const fitsButtons = options.every((o) => o.id.length <= whatsAppLimits.replyButtonId);
    const titles = options.map((o) => shorten(o.label.trim(), whatsAppLimits.replyButtonTitle));
    // WhatsApp rejects reply buttons whose titles repeat; shortening can make them repeat.
    if (fitsButtons && new Set(titles).size === titles.length) {
      return {
        ok: true,
        body: {
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: body },
            action: {
              buttons: options.map((o, i) => ({
                type: 'reply',
                reply: { id: o.id, title: titles[i] ?? '' },
              })),
            },
          },
        },
      };
    }
  }
  if (isInteractive && options.every((o) => o.id.length <= whatsAppLimits.listRowId)) {
    return {
      ok: true,
      body: {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: body },
          action: {
            button: shorten(chrome.listButton, whatsAppLimits.listButtonLabel),
            sections: [{ rows: options.map(listRow) }],
          },
        },
      },
    };
  }
  return renderNumbered(body, options, chrome);
}

function listRow(option: ChoiceOption): WhatsAppListRow {
  const label = option.label.trim();
  const title = shorten(label, whatsAppLimits.listRowTitle);
  // A shortened title keeps the whole label readable in the row's description.
  return title === label
    ? { id: option.id, title }
    : { id: option.id, title, description: shorten(label, whatsAppLimits.listRowDescription) };
}

/** Text with "1. label" lines: more than ten options, or a body too long for interactive. */
function renderNumbered(
  body: string,
  options: readonly ChoiceOption[],
  chrome: Chrome,
): WhatsAppRenderResult {
  const lines = options.map((o, i) => `${i + 1}. ${o.label.trim()}`).join('\n');
  const tail = `\n\n${lines}\n\n${chrome.numberedHint}`;
  // The options are what the debtor answers with, so the lead-in gives way first.
  const room = whatsAppLimits.textBody - tail.length;
  const lead = room > 0 ? shortenAtWord(body, room) : '';
  const text = lead === '' ? tail.trimStart() : `${lead}${tail}`;
  return {
    ok: true,
    body: {
      type: 'text',
      text: { body: shortenAtWord(text, whatsAppLimits.textBody), preview_url: false },
    },
  };
}

function renderTemplate(
  name: string,
  language: string,
  variables: readonly string[],
): WhatsAppRenderResult {
  if (!/^[a-z0-9_]+$/.test(name) || name.length > whatsAppLimits.templateName) {
    return { ok: false, reason: `invalid template name ${JSON.stringify(name)}` };
  }
  if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(language)) {
    return { ok: false, reason: `invalid template language ${JSON.stringify(language)}` };
  }
  // WhatsApp rejects parameters with new lines, tabs or more than four consecutive spaces.
  const parameters = variables.map((v) => v.replace(/\s+/g, ' ').trim());
  const emptyAt = parameters.findIndex((p) => p === '');
  if (emptyAt >= 0) return { ok: false, reason: `template variable ${emptyAt + 1} is empty` };
  return {
    ok: true,
    body: {
      type: 'template',
      template:
        parameters.length === 0
          ? { name, language: { code: language } }
          : {
              name,
              language: { code: language },
              components: [
                { type: 'body', parameters: parameters.map((text) => ({ type: 'text', text })) },
              ],
            },
    },
  };
}

function renderDocument(
  url: string,
  fileName: string,
  caption: string | undefined,
): WhatsAppRenderResult {
  if (!/^https?:\/\/\S+$/.test(url)) return { ok: false, reason: 'document url is not http(s)' };
  const filename = fileName.trim();
  if (filename === '') return { ok: false, reason: 'document file name is empty' };
  const text = caption?.trim() ?? '';
  return {
    ok: true,
    body: {
      type: 'document',
      document:
        text === ''
          ? { link: url, filename }
          : { link: url, filename, caption: shortenAtWord(text, whatsAppLimits.mediaCaption) },
    },
  };
}

const ellipsis = '…';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * At most `max` UTF-16 code units; when cut, ends in an ellipsis and never splits a grapheme
 * (an emoji, a flag, an accented letter written with a combining mark).
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  for (const { segment } of graphemes.segment(text)) {
    if (kept.length + segment.length > max - ellipsis.length) break;
    kept += segment;
  }
  return `${kept.trimEnd()}${ellipsis}`;
}

/** Like {@link shorten}, but cuts at the last word break when one is reasonably near. */
export function shortenAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const hard = shorten(text, max).slice(0, -ellipsis.length);
  const breakAt = hard.search(/\s\S*$/);
  const kept = breakAt >= hard.length * 0.8 ? hard.slice(0, breakAt) : hard;
  return `${kept.trimEnd()}${ellipsis}`;
}

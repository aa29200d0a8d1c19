import { describe, expect, it } from '@jest/globals';
import type { ChoiceOption, OutboundContent } from '../../../src/domain/messaging/message.js';
import {
  renderWhatsApp,
  shorten,
  shortenAtWord,
  whatsAppLimits,
  type WhatsAppMessageBody,
} from '../../../src/domain/messaging/render-whatsapp.js';

function body(content: OutboundContent, locale = 'es-419'): WhatsAppMessageBody {
  const result = renderWhatsApp(content, locale);
  if (!result.ok) throw new Error(`expected a body, got ${result.reason}`);
  return result.body;
}

function options(count: number, label = (i: number) => `Opción ${i}`): ChoiceOption[] {
  return Array.from({ length: count }, (_, i) => ({ id: `opt.${i + 1}`, label: label(i + 1) }));
}

function textOf(b: WhatsAppMessageBody): string {
  if (b.type !== 'text') throw new Error(`expected text, got ${b.type}`);
  return b.text.body;
}

describe('renderWhatsApp: text', () => {
  it('sends short text as is, without link previews', () => {
    expect(body({ type: 'text', text: 'Tu saldo es $ 1.250.000.' })).toEqual({
      type: 'text',
      text: { body: 'Tu saldo es $ 1.250.000.', preview_url: false },
    });
  });

  it('keeps exactly 4096 characters', () => {
    const text = 'a'.repeat(whatsAppLimits.textBody);
    expect(textOf(body({ type: 'text', text }))).toBe(text);
  });

  it('shortens past 4096 characters at a word break, ending in an ellipsis', () => {
    const text = 'palabra '.repeat(600); // 4800 characters
    const out = textOf(body({ type: 'text', text }));
    expect(out.length).toBeLessThanOrEqual(whatsAppLimits.textBody);
    expect(out.endsWith('palabra…')).toBe(true);
  });

  it('never splits an emoji when shortening', () => {
    const text = `${'a'.repeat(4094)}👍🏽 fin`;
    const out = textOf(body({ type: 'text', text }));
    expect(out.length).toBeLessThanOrEqual(whatsAppLimits.textBody);
    expect(out).toBe(`${'a'.repeat(4094)}…`);
  });

  it('refuses empty text', () => {
    expect(renderWhatsApp({ type: 'text', text: '  ' }, 'es')).toEqual({
      ok: false,
      reason: 'empty text',
    });
  });
});

describe('renderWhatsApp: choices as reply buttons (1 to 3 options)', () => {
  it('renders up to three options as reply buttons, ids kept', () => {
    expect(
      body({
        type: 'choices',
        text: '¿Quieres pagar el total o en cuotas?',
        options: [
          { id: 'pay.full', label: 'Pagar el total' },
          { id: 'pay.plan', label: 'En cuotas' },
          { id: 'agent', label: 'Hablar con alguien' },
        ],
      }),
    ).toEqual({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: '¿Quieres pagar el total o en cuotas?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'pay.full', title: 'Pagar el total' } },
            { type: 'reply', reply: { id: 'pay.plan', title: 'En cuotas' } },
            { type: 'reply', reply: { id: 'agent', title: 'Hablar con alguien' } },
          ],
        },
      },
    });
  });

  it('keeps a 20-character title and shortens a 21-character one with an ellipsis', () => {
    const b = body({
      type: 'choices',
      text: 'Elige',
      options: [
        { id: 'a', label: '12345678901234567890' },
        { id: 'b', label: 'Quiero un plan de pagos' },
      ],
    });
    if (b.type !== 'interactive' || b.interactive.type !== 'button') throw new Error(b.type);
    const titles = b.interactive.action.buttons.map((x) => x.reply.title);
    expect(titles).toEqual(['12345678901234567890', 'Quiero un plan de p…']);
    for (const t of titles) expect(t.length).toBeLessThanOrEqual(whatsAppLimits.replyButtonTitle);
    expect(b.interactive.action.buttons.map((x) => x.reply.id)).toEqual(['a', 'b']);
  });

  it('uses a list when shortening would make two button titles equal', () => {
    const b = body({
      type: 'choices',
      text: 'Elige',
      options: [
        { id: 'a', label: 'Pagar en cuotas mensuales fijas' },
        { id: 'b', label: 'Pagar en cuotas mensuales variables' },
      ],
    });
    expect(b.type === 'interactive' && b.interactive.type).toBe('list');
  });

  it('accepts a 1024-character body and falls back to numbered text past it', () => {
    const opts = options(2);
    const fits = body({ type: 'choices', text: 'x'.repeat(1024), options: opts });
    expect(fits.type).toBe('interactive');
    const long = body({ type: 'choices', text: 'x '.repeat(520), options: opts });
    expect(textOf(long)).toContain('1. Opción 1\n2. Opción 2');
    expect(textOf(long)).toContain('x x x');
  });

  it('falls back to numbered text when an id is longer than 256', () => {
    const b = body({
      type: 'choices',
      text: 'Elige',
      options: [{ id: 'i'.repeat(257), label: 'Uno' }],
    });
    expect(textOf(b)).toBe('Elige\n\n1. Uno\n\nResponde con el número de tu opción.');
  });

  it('refuses duplicate option ids, which the engine could not route', () => {
    expect(
      renderWhatsApp(
        {
          type: 'choices',
          text: 'x',
          options: [
            { id: 'a', label: 'A' },
            { id: 'a', label: 'B' },
          ],
        },
        'es',
      ),
    ).toEqual({ ok: false, reason: 'duplicate option ids' });
  });

  it('sends choices without options as plain text', () => {
    expect(body({ type: 'choices', text: 'Hola', options: [] }).type).toBe('text');
  });
});

describe('renderWhatsApp: choices as a list (4 to 10 options)', () => {
  it('renders four options as a list with a localized button', () => {
    const b = body({ type: 'choices', text: '¿En cuántas cuotas?', options: options(4) });
    expect(b).toEqual({
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: '¿En cuántas cuotas?' },
        action: {
          button: 'Ver opciones',
          sections: [
            {
              rows: [
                { id: 'opt.1', title: 'Opción 1' },
                { id: 'opt.2', title: 'Opción 2' },
                { id: 'opt.3', title: 'Opción 3' },
                { id: 'opt.4', title: 'Opción 4' },
              ],
            },
          ],
        },
      },
    });
  });

  it.each([
    ['es-419', 'Ver opciones'],
    ['es-CO', 'Ver opciones'],
    ['en', 'See options'],
    ['en-US', 'See options'],
    ['pt-BR', 'Ver opções'],
    ['fr-FR', 'Ver opciones'],
  ])('labels the list button for %s as %s', (locale, label) => {
    const b = body({ type: 'choices', text: 'x', options: options(5) }, locale);
    if (b.type !== 'interactive' || b.interactive.type !== 'list') throw new Error(b.type);
    expect(b.interactive.action.button).toBe(label);
    expect(label.length).toBeLessThanOrEqual(whatsAppLimits.listButtonLabel);
  });

  it('keeps ten rows, a 24-character title, and moves a longer label into the description', () => {
    const labels = (i: number): string =>
      i === 1 ? '123456789012345678901234' : `${i} cuotas mensuales de $ 125.000 sin intereses`;
    const b = body({ type: 'choices', text: 'Elige', options: options(10, labels) });
    if (b.type !== 'interactive' || b.interactive.type !== 'list') throw new Error(b.type);
    const rows = b.interactive.action.sections[0].rows;
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual({ id: 'opt.1', title: '123456789012345678901234' });
    expect(rows[1]).toEqual({
      id: 'opt.2',
      title: '2 cuotas mensuales de $…',
      description: '2 cuotas mensuales de $ 125.000 sin intereses',
    });
    for (const row of rows) {
      expect(row.title.length).toBeLessThanOrEqual(whatsAppLimits.listRowTitle);
      expect((row.description ?? '').length).toBeLessThanOrEqual(whatsAppLimits.listRowDescription);
    }
  });

  it('shortens a description past 72 characters', () => {
    const b = body({
      type: 'choices',
      text: 'Elige',
      options: options(4, (i) => `${i} ${'muy '.repeat(30)}largo`),
    });
    if (b.type !== 'interactive' || b.interactive.type !== 'list') throw new Error(b.type);
    const description = b.interactive.action.sections[0].rows[0]?.description ?? '';
    expect(description.length).toBe(whatsAppLimits.listRowDescription);
    expect(description.endsWith('…')).toBe(true);
  });

  it('falls back to numbered text when a row id is longer than 200', () => {
    const opts = options(4);
    opts[3] = { id: 'r'.repeat(201), label: 'Cuatro' };
    expect(textOf(body({ type: 'choices', text: 'Elige', options: opts }))).toContain('4. Cuatro');
  });
});

describe('renderWhatsApp: more than 10 options', () => {
  it('writes eleven options as numbered text with a localized hint', () => {
    const out = textOf(
      body({ type: 'choices', text: 'Elige una fecha', options: options(11) }, 'pt-BR'),
    );
    expect(out.split('\n')).toEqual([
      'Elige una fecha',
      '',
      ...Array.from({ length: 11 }, (_, i) => `${i + 1}. Opción ${i + 1}`),
      '',
      'Responda com o número da sua opção.',
    ]);
  });

  it('shortens the lead-in, never the options, to stay within 4096', () => {
    const out = textOf(
      body({ type: 'choices', text: 'palabra '.repeat(600), options: options(12) }, 'en'),
    );
    expect(out.length).toBeLessThanOrEqual(whatsAppLimits.textBody);
    expect(out).toContain('…\n\n1. Opción 1');
    expect(out.endsWith('12. Opción 12\n\nReply with the number of your choice.')).toBe(true);
  });
});

describe('renderWhatsApp: template', () => {
  it('renders name, language code and positional body parameters', () => {
    expect(
      body({
        type: 'template',
        name: 'account_reminder',
        language: 'pt_BR',
        variables: ['Ana', '30/11/2026'],
      }),
    ).toEqual({
      type: 'template',
      template: {
        name: 'account_reminder',
        language: { code: 'pt_BR' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ana' },
              { type: 'text', text: '30/11/2026' },
            ],
          },
        ],
      },
    });
  });

  it('omits components for a template without variables', () => {
    expect(body({ type: 'template', name: 'hello', language: 'es', variables: [] })).toEqual({
      type: 'template',
      template: { name: 'hello', language: { code: 'es' } },
    });
  });

  it('flattens new lines, tabs and long runs of spaces WhatsApp rejects in parameters', () => {
    const b = body({
      type: 'template',
      name: 't',
      language: 'es',
      variables: ['Ana\n\tMaría     Pérez'],
    });
    if (b.type !== 'template') throw new Error(b.type);
    expect(b.template.components?.[0].parameters[0]?.text).toBe('Ana María Pérez');
  });

  it('refuses empty variables, bad names and bad language codes', () => {
    expect(
      renderWhatsApp({ type: 'template', name: 't', language: 'es', variables: [' '] }, 'es'),
    ).toEqual({
      ok: false,
      reason: 'template variable 1 is empty',
    });
    expect(
      renderWhatsApp({ type: 'template', name: 'Bad-Name', language: 'es', variables: [] }, 'es')
        .ok,
    ).toBe(false);
    expect(
      renderWhatsApp({ type: 'template', name: 't', language: 'pt-BR', variables: [] }, 'es').ok,
    ).toBe(false);
  });
});

describe('renderWhatsApp: document', () => {
  it('renders link, file name and caption', () => {
    expect(
      body({
        type: 'document',
        url: 'https://files.example.com/acuerdo-4711.pdf',
        fileName: 'acuerdo-de-pago.pdf',
        caption: 'Tu acuerdo de pago',
      }),
    ).toEqual({
      type: 'document',
      document: {
        link: 'https://files.example.com/acuerdo-4711.pdf',
        filename: 'acuerdo-de-pago.pdf',
        caption: 'Tu acuerdo de pago',
      },
    });
  });

  it('omits an empty caption and shortens one past 1024 characters', () => {
    const plain = body({ type: 'document', url: 'https://x.example/a.pdf', fileName: 'a.pdf' });
    expect(plain).toEqual({
      type: 'document',
      document: { link: 'https://x.example/a.pdf', filename: 'a.pdf' },
    });
    const long = body({
      type: 'document',
      url: 'https://x.example/a.pdf',
      fileName: 'a.pdf',
      caption: 'texto '.repeat(200),
    });
    if (long.type !== 'document') throw new Error(long.type);
    expect((long.document.caption ?? '').length).toBeLessThanOrEqual(whatsAppLimits.mediaCaption);
  });

  it('refuses a non-http link or an empty file name', () => {
    expect(
      renderWhatsApp({ type: 'document', url: 'file:///etc/passwd', fileName: 'a' }, 'es').ok,
    ).toBe(false);
    expect(
      renderWhatsApp({ type: 'document', url: 'https://x.example/a', fileName: ' ' }, 'es').ok,
    ).toBe(false);
  });
});

describe('shorten', () => {
  it('leaves text within the limit alone', () => {
    expect(shorten('hola', 4)).toBe('hola');
  });

  it('cuts to the limit, ellipsis included, without trailing spaces', () => {
    expect(shorten('hola mundo', 6)).toBe('hola…');
    expect(shorten('abcdefghij', 5)).toBe('abcd…');
  });

  it('keeps accented letters written with combining marks whole', () => {
    const decomposed = 'Jose\u0301 Pe\u0301rez';
    const out = shorten(decomposed, 6);
    expect(out).toBe('Jose\u0301…');
  });

  it('cuts at a word when one is near the end, otherwise mid-word', () => {
    expect(shortenAtWord('uno dos tres cuatro', 16)).toBe('uno dos tres…');
    expect(shortenAtWord('a supercalifragilistic', 10)).toBe('a superca…');
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  renderContactRequest,
  renderTelegram,
  shareContactOptionId,
  splitTelegramText,
  telegramLimits,
} from '../../../src/domain/messaging/render-telegram.js';

const chat = '6112345678';

describe('renderTelegram', () => {
  it('renders short text as one sendMessage', () => {
    expect(renderTelegram({ type: 'text', text: 'Hola Camila' }, chat)).toEqual({
      ok: true,
      calls: [{ method: 'sendMessage', params: { chat_id: chat, text: 'Hola Camila' } }],
    });
  });

  it('refuses empty text rather than earning a 400 from Telegram', () => {
    expect(renderTelegram({ type: 'text', text: '  \n ' }, chat)).toEqual({
      ok: false,
      reason: 'empty-text',
    });
  });

  it('splits text over 4096 characters at paragraph breaks, losing no words', () => {
    const paragraph = 'Tu saldo es $1.250.000. '.repeat(100).trim();
    const text = [paragraph, paragraph, paragraph].join('\n\n');
    expect(text.length).toBeGreaterThan(telegramLimits.text);
    const result = renderTelegram({ type: 'text', text }, chat);
    if (!result.ok) throw new Error(result.reason);
    const texts = result.calls.map((c) => (c.method === 'sendMessage' ? c.params.text : ''));
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(telegramLimits.text);
    expect(texts.join('\n\n')).toBe(text);
  });

  it('puts the keyboard of a long choices message on its last piece only', () => {
    const text = `${'palabra '.repeat(700)}¿Qué prefieres?`;
    const result = renderTelegram(
      { type: 'choices', text, options: [{ id: 'plan', label: 'Un plan' }] },
      chat,
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.calls).toHaveLength(2);
    expect(result.calls[0]!.params).not.toHaveProperty('reply_markup');
    expect(result.calls[1]!.params).toHaveProperty('reply_markup');
  });

  it('renders choices as an inline keyboard, one button per row, callback_data = option id', () => {
    const result = renderTelegram(
      {
        type: 'choices',
        text: '¿Cómo quieres ponerte al día?',
        options: [
          { id: 'pay-in-full', label: 'Pagar todo hoy' },
          { id: 'plan', label: 'Un plan en cuotas' },
          { id: 'agent', label: 'Hablar con una persona' },
        ],
      },
      chat,
    );
    expect(result).toEqual({
      ok: true,
      calls: [
        {
          method: 'sendMessage',
          params: {
            chat_id: chat,
            text: '¿Cómo quieres ponerte al día?',
            reply_markup: {
              inline_keyboard: [
                [{ text: 'Pagar todo hoy', callback_data: 'pay-in-full' }],
                [{ text: 'Un plan en cuotas', callback_data: 'plan' }],
                [{ text: 'Hablar con una persona', callback_data: 'agent' }],
              ],
            },
          },
        },
      ],
    });
  });

  it('packs two buttons per row past eight options', () => {
    const options = Array.from({ length: 10 }, (_, i) => ({ id: `d${i}`, label: `Día ${i}` }));
    const result = renderTelegram({ type: 'choices', text: '¿Qué día?', options }, chat);
    if (!result.ok) throw new Error(result.reason);
    const params = result.calls[0]!.params;
    const markup = 'reply_markup' in params ? params.reply_markup : undefined;
    expect(markup && 'inline_keyboard' in markup ? markup.inline_keyboard.length : 0).toBe(5);
  });

  it('refuses an option id over 64 bytes of callback_data instead of altering it', () => {
    // 33 two-byte characters: 66 bytes.
    const id = 'ñ'.repeat(33);
    expect(
      renderTelegram({ type: 'choices', text: 'x', options: [{ id, label: 'Sí' }] }, chat),
    ).toMatchObject({ ok: false, reason: 'callback-data-too-long' });
    const fits = 'a'.repeat(64);
    expect(
      renderTelegram({ type: 'choices', text: 'x', options: [{ id: fits, label: 'Sí' }] }, chat).ok,
    ).toBe(true);
  });

  it('renders the share-contact option as a one-time request_contact keyboard', () => {
    const result = renderTelegram(
      {
        type: 'choices',
        text: 'Para encontrar tu cuenta, comparte tu número.',
        options: [{ id: shareContactOptionId, label: 'Compartir mi número' }],
      },
      chat,
    );
    expect(result).toEqual(
      renderContactRequest(
        chat,
        'Para encontrar tu cuenta, comparte tu número.',
        'Compartir mi número',
      ),
    );
    expect(result).toEqual({
      ok: true,
      calls: [
        {
          method: 'sendMessage',
          params: {
            chat_id: chat,
            text: 'Para encontrar tu cuenta, comparte tu número.',
            reply_markup: {
              keyboard: [[{ text: 'Compartir mi número', request_contact: true }]],
              one_time_keyboard: true,
              resize_keyboard: true,
            },
          },
        },
      ],
    });
    expect(
      renderTelegram(
        {
          type: 'choices',
          text: 'x',
          options: [
            { id: shareContactOptionId, label: 'Compartir' },
            { id: 'no', label: 'No' },
          ],
        },
        chat,
      ),
    ).toEqual({ ok: false, reason: 'share-contact-mixed' });
  });

  it('renders a template as plain text, through the caller or by joining its variables', () => {
    const template = {
      type: 'template' as const,
      name: 'payment_reminder',
      language: 'es',
      variables: ['Camila', '$120.000', '15 de enero'],
    };
    expect(renderTelegram(template, chat)).toEqual({
      ok: true,
      calls: [
        {
          method: 'sendMessage',
          params: { chat_id: chat, text: 'Camila\n$120.000\n15 de enero' },
        },
      ],
    });
    const result = renderTelegram(template, chat, {
      renderTemplate: ({ variables }) =>
        `Hola ${variables[0]}, tu cuota de ${variables[1]} vence el ${variables[2]}.`,
    });
    expect(result).toMatchObject({
      ok: true,
      calls: [{ params: { text: 'Hola Camila, tu cuota de $120.000 vence el 15 de enero.' } }],
    });
  });

  it('renders a document as sendDocument by URL, with its caption', () => {
    expect(
      renderTelegram(
        {
          type: 'document',
          url: 'https://cuota.example.com/files/acuerdo.pdf',
          fileName: 'acuerdo.pdf',
          caption: 'Tu acuerdo de pago',
        },
        chat,
      ),
    ).toEqual({
      ok: true,
      calls: [
        {
          method: 'sendDocument',
          params: {
            chat_id: chat,
            document: 'https://cuota.example.com/files/acuerdo.pdf',
            caption: 'Tu acuerdo de pago',
          },
        },
      ],
    });
  });

  it('sends a caption over 1024 characters as text after the bare document', () => {
    const caption = 'Detalle. '.repeat(200);
    const result = renderTelegram(
      { type: 'document', url: 'https://x.example/a.pdf', fileName: 'a.pdf', caption },
      chat,
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.calls.map((c) => c.method)).toEqual(['sendDocument', 'sendMessage']);
    expect(result.calls[0]!.params).not.toHaveProperty('caption');
  });
});

describe('splitTelegramText', () => {
  it('never cuts a surrogate pair in half', () => {
    const text = '💸'.repeat(3000); // 6000 UTF-16 code units, no spaces
    const pieces = splitTelegramText(text);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(telegramLimits.text);
      expect(piece).toBe(Array.from(piece).join(''));
      expect(
        piece.charCodeAt(piece.length - 1) >= 0xd800 &&
          piece.charCodeAt(piece.length - 1) <= 0xdbff,
      ).toBe(false);
    }
  });

  it('cuts at a space when there is no line break', () => {
    const pieces = splitTelegramText('uno dos tres cuatro', 9);
    expect(pieces).toEqual(['uno dos', 'tres', 'cuatro']);
  });
});

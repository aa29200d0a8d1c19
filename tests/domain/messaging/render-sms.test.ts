import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  choicePrompt,
  isGsmCharacter,
  renderSms,
  smsSegments,
  toGsmFriendly,
} from '../../../src/domain/messaging/render-sms.js';

const options = [
  { id: 'pay_now', label: 'Pagar hoy' },
  { id: 'plan', label: 'Acordar un plan' },
  { id: 'agent', label: 'Hablar con una persona' },
];

describe('renderSms', () => {
  it('sends text as is', () => {
    expect(renderSms({ type: 'text', text: 'Hola Ana' }, { locale: 'es-CO' })).toEqual({
      ok: true,
      text: 'Hola Ana',
    });
  });

  it('numbers choices and adds a Spanish prompt', () => {
    const result = renderSms(
      { type: 'choices', text: '¿Cómo quieres seguir?', options },
      { locale: 'es-419' },
    );
    expect(result).toEqual({
      ok: true,
      text: '¿Cómo quieres seguir?\n1. Pagar hoy\n2. Acordar un plan\n3. Hablar con una persona\nResponde 1, 2 o 3',
    });
  });

  it('localizes the prompt for English and Portuguese, and falls back to Spanish', () => {
    const content = { type: 'choices', text: 'Next?', options } as const;
    const last = (locale: string): string | undefined => {
      const result = renderSms(content, { locale });
      return result.ok ? result.text.split('\n').at(-1) : undefined;
    };
    expect(last('en')).toBe('Reply 1, 2 or 3');
    expect(last('en-US')).toBe('Reply 1, 2 or 3');
    expect(last('pt-BR')).toBe('Responda 1, 2 ou 3');
    expect(last('es-MX')).toBe('Responde 1, 2 o 3');
    expect(last('fr-FR')).toBe('Responde 1, 2 o 3');
  });

  it('writes the prompt for one, two and eight options (Spanish "u" before 8)', () => {
    expect(choicePrompt(1, 'es')).toBe('Responde 1');
    expect(choicePrompt(2, 'es')).toBe('Responde 1 o 2');
    expect(choicePrompt(2, 'en')).toBe('Reply 1 or 2');
    expect(choicePrompt(8, 'es')).toBe('Responde 1, 2, 3, 4, 5, 6, 7 u 8');
    expect(choicePrompt(11, 'es')).toMatch(/10 u 11$/);
    expect(choicePrompt(8, 'pt')).toBe('Responda 1, 2, 3, 4, 5, 6, 7 ou 8');
  });

  it('sends choices without options as their text, and options without text as a list', () => {
    expect(renderSms({ type: 'choices', text: 'Hola', options: [] }, { locale: 'es' })).toEqual({
      ok: true,
      text: 'Hola',
    });
    expect(
      renderSms({ type: 'choices', text: '', options: options.slice(0, 2) }, { locale: 'en' }),
    ).toEqual({ ok: true, text: '1. Pagar hoy\n2. Acordar un plan\nReply 1 or 2' });
  });

  it('fills a template from its text, preferring the name:language entry', () => {
    const templates = {
      payment_reminder: 'Hola {{1}}, tu saldo es {{2}}.',
      'payment_reminder:en': 'Hi {{1}}, your balance is {{2}}.',
    };
    const content = {
      type: 'template',
      name: 'payment_reminder',
      language: 'es',
      variables: ['Ana', '$ 120.000'],
    } as const;
    expect(renderSms(content, { locale: 'es', templates })).toEqual({
      ok: true,
      text: 'Hola Ana, tu saldo es $ 120.000.',
    });
    expect(renderSms({ ...content, language: 'en' }, { locale: 'en', templates })).toEqual({
      ok: true,
      text: 'Hi Ana, your balance is $ 120.000.',
    });
  });

  it('refuses an unknown template or a missing variable instead of guessing', () => {
    const content = { type: 'template', name: 'x', language: 'es', variables: ['a'] } as const;
    expect(renderSms(content, { locale: 'es' })).toEqual({
      ok: false,
      reason: 'template-unknown',
      detail: 'x',
    });
    expect(renderSms(content, { locale: 'es', templates: { x: '{{1}} y {{2}}' } })).toEqual({
      ok: false,
      reason: 'template-variable-missing',
      detail: '{{2}}',
    });
  });

  it('renders a document as caption (or file name) and URL', () => {
    const doc = {
      type: 'document',
      url: 'https://cuota.example/d/abc',
      fileName: 'acuerdo.pdf',
    } as const;
    expect(renderSms({ ...doc, caption: 'Tu acuerdo de pago' }, { locale: 'es' })).toEqual({
      ok: true,
      text: 'Tu acuerdo de pago\nhttps://cuota.example/d/abc',
    });
    expect(renderSms(doc, { locale: 'es' })).toEqual({
      ok: true,
      text: 'acuerdo.pdf\nhttps://cuota.example/d/abc',
    });
  });

  it('refuses an empty body (Twilio error 21602)', () => {
    expect(renderSms({ type: 'text', text: '  ' }, { locale: 'es' })).toEqual({
      ok: false,
      reason: 'empty',
    });
  });
});

describe('smsSegments', () => {
  it('counts an empty text as nothing to send', () => {
    expect(smsSegments('')).toEqual({ encoding: 'GSM-7', segments: 0, units: 0 });
  });

  it('fits 160 GSM-7 septets in one SMS and splits 161 into two of 153', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, units: 161 });
    expect(smsSegments('a'.repeat(306))).toEqual({ encoding: 'GSM-7', segments: 2, units: 306 });
    expect(smsSegments('a'.repeat(307))).toEqual({ encoding: 'GSM-7', segments: 3, units: 307 });
  });

  it('counts extension-table characters as two septets', () => {
    expect(smsSegments('€')).toEqual({ encoding: 'GSM-7', segments: 1, units: 2 });
    expect(smsSegments('[]{}~^|\\\f€')).toEqual({ encoding: 'GSM-7', segments: 1, units: 20 });
    expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(smsSegments(`${'a'.repeat(159)}€`)).toEqual({
      encoding: 'GSM-7',
      segments: 2,
      units: 161,
    });
  });

  it('never splits an escape pair across segments', () => {
    // 152 septets then a euro: 154 would straddle the 153 boundary, so the euro moves on.
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(smsSegments(text)).toEqual({ encoding: 'GSM-7', segments: 3, units: 306 });
  });

  it('keeps Spanish with é, ñ, ü, ¿ and ¡ in GSM-7', () => {
    for (const char of ['é', 'ñ', 'Ñ', 'ü', 'Ü', 'à', 'è', 'ù', 'ì', 'ò', 'Ç', '¿', '¡', 'É']) {
      expect({ char, gsm: isGsmCharacter(char) }).toEqual({ char, gsm: true });
    }
    expect(smsSegments('¿Señor Muñoz, pagó usted?').encoding).toBe('UCS-2');
    expect(smsSegments('¡Señor Muñoz, gracias! Café.').encoding).toBe('GSM-7');
  });

  it('falls back to UCS-2 for á, í, ó, ú, ã, ç and emoji', () => {
    for (const char of ['á', 'í', 'ó', 'ú', 'Á', 'ã', 'õ', 'ê', 'ç', '’', '—']) {
      expect({ char, gsm: isGsmCharacter(char) }).toEqual({ char, gsm: false });
    }
    expect(smsSegments('Tu pago está al día')).toEqual({
      encoding: 'UCS-2',
      segments: 1,
      units: 19,
    });
    expect(smsSegments('á'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(smsSegments('á'.repeat(71))).toEqual({ encoding: 'UCS-2', segments: 2, units: 71 });
    expect(smsSegments('á'.repeat(134))).toEqual({ encoding: 'UCS-2', segments: 2, units: 134 });
    expect(smsSegments('á'.repeat(135))).toEqual({ encoding: 'UCS-2', segments: 3, units: 135 });
  });

  it('counts an emoji as two UTF-16 units and never splits it', () => {
    expect(smsSegments('👍')).toEqual({ encoding: 'UCS-2', segments: 1, units: 2 });
    // 66 units then an emoji: 68 would straddle the 67 boundary.
    expect(smsSegments(`${'á'.repeat(66)}👍${'á'.repeat(66)}`)).toEqual({
      encoding: 'UCS-2',
      segments: 3,
      units: 134,
    });
  });

  it('never counts fewer segments than the units need (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        const { encoding, segments, units } = smsSegments(text);
        if (units === 0) return segments === 0;
        const [single, multi] = encoding === 'GSM-7' ? [160, 153] : [70, 67];
        if (units <= single) return segments === 1;
        return segments >= Math.ceil(units / multi) && segments <= Math.ceil(units / (multi - 1));
      }),
    );
  });
});

describe('toGsmFriendly', () => {
  it('replaces typographic quotes, dashes, ellipses and odd spaces', () => {
    const text = '“Hola” – tu cuota vence… mañana\u00a0‘sin falta’ — gracias';
    expect(toGsmFriendly(text)).toBe('"Hola" - tu cuota vence... mañana \'sin falta\' - gracias');
    expect(smsSegments(text).encoding).toBe('UCS-2');
    expect(smsSegments(toGsmFriendly(text)).encoding).toBe('GSM-7');
  });

  it('leaves accents and emoji alone', () => {
    expect(toGsmFriendly('Está al día 👍')).toBe('Está al día 👍');
  });

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const once = toGsmFriendly(text);
        return toGsmFriendly(once) === once;
      }),
    );
  });
});

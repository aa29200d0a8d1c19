/**
 * Issue 6: a grounded answer may only say what the account's facts and the operator's FAQ say.
 * The checks below are what stands between a model's invented number and the debtor.
 */
import { describe, expect, it } from '@jest/globals';
import type { AccountFacts } from '../../../src/domain/engine/index.js';
import { faqFor, FaqSchema } from '../../../src/domain/llm/faq.js';
import {
  checkGrounding,
  dateWordsAsWritten,
  factsForModel,
  isQuestion,
} from '../../../src/domain/llm/grounding.js';
import { minor, toCurrencyCode } from '../../../src/domain/money.js';
import { parseLocalDate } from '../../../src/domain/dates.js';

const account: AccountFacts = {
  balance: minor(125000000),
  currency: toCurrencyCode('COP')!,
  dueDate: parseLocalDate('2026-10-01')!,
  product: 'tarjeta de crédito',
  minPayment: undefined,
  daysPastDue: 54,
  nextInstallment: undefined,
  paymentDetails: 'https://pagos.example.com/ref',
  creditorName: 'Financiera Andina',
};

describe('factsForModel', () => {
  it('writes amounts and dates as the debtor reads them, and never the debtor', () => {
    const facts = factsForModel(account, 'es-CO');
    expect(facts).toEqual([
      'entidad acreedora: Financiera Andina',
      'producto: tarjeta de crédito',
      'saldo pendiente: $\u00a01.250.000,00 (COP)',
      'fecha de vencimiento: jueves, 1 de octubre de 2026 (2026-10-01)',
      'días de atraso: 54',
      'cómo pagar: https://pagos.example.com/ref',
    ]);
  });
});

describe('checkGrounding', () => {
  const sources = factsForModel(account, 'es-CO');

  it('accepts an answer whose amounts and dates are copied from the facts', () => {
    expect(
      checkGrounding(
        'Tu saldo con Financiera Andina es de $ 1.250.000 y venció el jueves, 1 de octubre de 2026: llevas 54 días de atraso.',
        sources,
      ),
    ).toEqual({ ok: true });
  });

  it.each([
    ['an invented amount', 'Tu saldo es de $ 1.300.000.', 'invented_number'],
    ['an invented rate', 'El interés es del 2,5% mensual.', 'invented_number'],
    ['a rounded amount', 'Debes unos 1,25 millones.', 'invented_number'],
    ['a zero balance', 'Tu saldo es 0, ya no debes nada.', 'invented_number'],
    ['another month', 'Vence el 1 de noviembre de 2026.', 'invented_date_or_number_word'],
    ['a number in words', 'Tienes diez días para pagar.', 'invented_date_or_number_word'],
    ['a foreign link', 'Paga en https://evil.example.net/pay', 'foreign_link'],
  ])('refuses %s', (_what, answer, reason) => {
    expect(checkGrounding(answer, sources)).toMatchObject({ ok: false, reason });
  });

  it('accepts numbers and words that the FAQ itself uses', () => {
    expect(
      checkGrounding('Te respondemos en diez días hábiles.', [
        ...sources,
        'La constancia llega en diez días hábiles.',
      ]),
    ).toEqual({ ok: true });
  });
});

describe('isQuestion', () => {
  it.each([
    '¿cuándo vence?',
    'cuando vence',
    'when is it due',
    'what is this charge for',
    'o que é isso',
  ])('reads %s as a question', (text) => expect(isQuestion(text)).toBe(true));
  it.each(['ok gracias', 'hola', 'mañana pago'])('does not read %s as one', (text) =>
    expect(isQuestion(text)).toBe(false),
  );
});

describe('dateWordsAsWritten', () => {
  it('finds the months and weekdays a rewording must keep', () => {
    expect(dateWordsAsWritten('Pagarías el viernes, 28 de noviembre.')).toEqual([
      'viernes',
      'noviembre',
    ]);
  });
});

describe('FaqSchema', () => {
  it('requires every entry in every language of "unanswered"', () => {
    const parsed = FaqSchema.safeParse({
      version: 1,
      unanswered: { es: 'No sé.', en: "I don't know." },
      entries: [{ id: 'interest', text: { es: { question: '¿Intereses?', answer: 'Por mora.' } } }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['entries', 0, 'text'],
      message: expect.stringContaining('missing en'),
    });
  });

  it('picks the debtor language, then English', () => {
    const faq = FaqSchema.parse({
      version: 1,
      unanswered: { es: 'No sé.', en: "I don't know." },
      entries: [
        {
          id: 'interest',
          text: {
            es: { question: '¿Intereses?', answer: 'Por mora.' },
            en: { question: 'Interest?', answer: 'Late payment.' },
          },
        },
      ],
    });
    expect(faqFor(faq, 'es-CO').unanswered).toBe('No sé.');
    expect(faqFor(faq, 'pt-BR')).toMatchObject({ language: 'en', unanswered: "I don't know." });
  });
});

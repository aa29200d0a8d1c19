import { describe, expect, it } from '@jest/globals';
import { parseLlmOutput } from '../../../src/domain/llm/output-schema.js';
import { llmAffirmCap, validateLlmOutput } from '../../../src/domain/llm/validate.js';
import { toCurrencyCode } from '../../../src/domain/money.js';
import { understandByRules } from '../../../src/domain/understanding/rules-understander.js';
import type { UnderstandingContext } from '../../../src/domain/understanding/types.js';

// Tuesday 2026-11-24 in Bogotá.
const context: UnderstandingContext = {
  now: new Date('2026-11-24T15:00:00Z'),
  timeZone: 'America/Bogota',
  locale: 'es-CO',
  currency: toCurrencyCode('COP')!,
};

function validate(text: string, answer: unknown) {
  const parsed = parseLlmOutput(JSON.stringify(answer));
  if (!parsed.ok) throw new Error(parsed.detail);
  return validateLlmOutput(parsed.output, text, context, understandByRules(text, context));
}

describe('parseLlmOutput', () => {
  it('reads JSON, also inside a code fence', () => {
    expect(parseLlmOutput('```json\n{"intent":"hardship","confidence":0.8}\n```')).toMatchObject({
      ok: true,
      output: { intent: 'hardship', confidence: 0.8, entities: {}, sentiment: 'neutral' },
    });
  });

  it('refuses prose and malformed JSON', () => {
    expect(parseLlmOutput('Claro, la intención es hardship')).toMatchObject({
      ok: false,
      reason: 'invalid_json',
    });
    expect(parseLlmOutput('{"intent": "hardship", "confidence": 0.8')).toMatchObject({
      ok: false,
      reason: 'invalid_json',
    });
  });

  it('refuses answers that break the schema: confidence out of range, unknown fields', () => {
    expect(parseLlmOutput('{"intent":"hardship","confidence":7}')).toMatchObject({
      ok: false,
      reason: 'schema',
    });
    expect(
      parseLlmOutput('{"intent":"hardship","confidence":0.7,"action":"mark_paid"}'),
    ).toMatchObject({ ok: false, reason: 'schema' });
  });
});

describe('validateLlmOutput', () => {
  const messy = 'me quedé colgada con todo y no sé ni por dónde empezar con esto';

  it('accepts an intent from the closed set with its signals', () => {
    const result = validate(messy, {
      intent: 'hardship',
      confidence: 0.82,
      sentiment: 'negative',
      hardship: true,
      language: 'es',
    });
    expect(result).toEqual({
      ok: true,
      intent: 'hardship',
      confidence: 0.82,
      entities: {},
      signals: { sentiment: 'negative', hardship: true, vulnerability: false, language: 'es' },
    });
  });

  it('refuses an intent outside the set', () => {
    expect(validate(messy, { intent: 'mark_as_paid', confidence: 1 })).toMatchObject({
      ok: false,
      reason: 'intent_outside_set',
    });
  });

  it('refuses an amount the message does not say', () => {
    const text = 'lo de la plata se lo cuadro apenas pueda, unos ciento cincuenta';
    expect(
      validate(text, {
        intent: 'promise_to_pay',
        confidence: 0.9,
        entities: { amount: { text: 'ciento cincuenta', value: 1500000 } },
      }),
    ).toMatchObject({ ok: false, reason: 'invented_amount' });
    expect(
      validate(text, {
        intent: 'promise_to_pay',
        confidence: 0.9,
        entities: { amount: { text: '1.500.000 pesos', value: 1500000 } },
      }),
    ).toMatchObject({ ok: false, reason: 'quote_not_in_message' });
  });

  it('takes an amount whose words say exactly that, in minor units of the account currency', () => {
    const text = 'uy no se, de pronto le abono 150 mil cuando pueda, ando corta';
    const result = validate(text, {
      intent: 'promise_to_pay',
      confidence: 0.8,
      entities: { amount: { text: '150 mil', value: 150000 } },
    });
    expect(result).toMatchObject({
      ok: true,
      entities: { amount: { amount: 15000000, currency: 'COP' } },
    });
  });

  it('refuses a date that contradicts what the rules read in the same words', () => {
    expect(
      validate('ese pago se lo hago el viernes sin falta señorita', {
        intent: 'promise_to_pay',
        confidence: 0.9,
        entities: { date: { text: 'el viernes', date: '2026-11-24' } },
      }),
    ).toMatchObject({ ok: false, reason: 'date_mismatch' });
  });

  it('accepts a date the rules cannot read, within a year of today', () => {
    const text = 'el jueves de la otra semana no, el siguiente, ahí sí le pago';
    expect(
      validate(text, {
        intent: 'promise_to_pay',
        confidence: 0.8,
        entities: {
          date: { text: 'el jueves de la otra semana no, el siguiente', date: '2026-12-10' },
        },
      }),
    ).toMatchObject({ ok: true, entities: { date: { kind: 'date', date: '2026-12-10' } } });
    expect(
      validate(text, {
        intent: 'promise_to_pay',
        confidence: 0.8,
        entities: { date: { text: 'el siguiente', date: '2029-12-10' } },
      }),
    ).toMatchObject({ ok: false, reason: 'date_out_of_range' });
  });

  it('refuses an installment count the words do not say', () => {
    expect(
      validate('necesito organizarme, podría ser en partes?', {
        intent: 'propose_plan',
        confidence: 0.9,
        entities: { installmentCount: { text: 'en partes', value: 12 } },
      }),
    ).toMatchObject({ ok: false, reason: 'invented_count' });
  });

  it('never lets the model confirm: its yes stays below any threshold', () => {
    const result = validate('bueno pues ya qué más, lo que ustedes digan', {
      intent: 'affirm',
      confidence: 0.99,
    });
    expect(result).toMatchObject({ ok: true, intent: 'affirm', confidence: llmAffirmCap });
  });

  it('keeps the rules’ entities where the rules read them', () => {
    const text = 'ush q pena, uno se enreda, lo de la plata lo cuadro el 30 con 200 mil';
    const result = validate(text, {
      intent: 'promise_to_pay',
      confidence: 0.9,
      entities: { date: { text: 'el 30', date: '2026-11-30' } },
    });
    expect(result).toMatchObject({
      ok: true,
      entities: { date: { date: '2026-11-30' }, amount: { amount: 20000000 } },
    });
  });
});

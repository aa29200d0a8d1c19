import { describe, expect, it } from '@jest/globals';
import type { CurrencyCode } from '../../../src/domain/money.js';
import {
  RulesUnderstander,
  understandByRules,
} from '../../../src/domain/understanding/rules-understander.js';
import type { UnderstandingContext } from '../../../src/domain/understanding/types.js';
import type { Understander } from '../../../src/ports/understander.js';

const context: UnderstandingContext = {
  now: new Date('2026-11-24T15:00:00Z'),
  timeZone: 'America/Mexico_City',
  locale: 'es-MX',
  currency: 'MXN' as CurrencyCode,
};

describe('understandByRules', () => {
  it('lets a clear global intent win over a weaker one', () => {
    expect(understandByRules('ya pagué, dejen de molestar', context).intent).toBe('opt_out');
    expect(understandByRules('hola, número equivocado', context).intent).toBe('wrong_number');
    expect(understandByRules('no puedo más, me quiero morir, ya pagué', context).intent).toBe(
      'distress',
    );
  });

  it('lets substantive intents win over social ones', () => {
    expect(understandByRules('sí, ya pagué', context).intent).toBe('payment_claim');
    expect(understandByRules('no puedo pagar, perdí mi trabajo', context).intent).toBe('hardship');
    expect(understandByRules('hola cuánto debo', context).intent).toBe('ask_balance');
  });

  it('does not take a negated payment for a claim', () => {
    expect(understandByRules('todavía no pagué', context).intent).not.toBe('payment_claim');
  });

  it('raises the confidence of expected intents', () => {
    const plain = understandByRules('me parece bien', context);
    const expected = understandByRules('me parece bien', {
      ...context,
      expected: ['affirm', 'deny'],
    });
    expect(plain.intent).toBe('affirm');
    expect(expected.confidence).toBeGreaterThan(plain.confidence);
  });

  it('answers unknown with runner-up alternatives and the rules source', () => {
    const result = understandByRules('el perro se comió mi tarea', context);
    expect(result.intent).toBe('unknown');
    expect(result.source).toBe('rules');
    const promise = understandByRules('el viernes le pago 500 pesos', context);
    expect(promise.intent).toBe('promise_to_pay');
    expect(promise.confidence).toBeGreaterThan(0.7);
    expect(promise.confidence).toBeLessThanOrEqual(1);
  });

  it('recognizes yes and no across languages', () => {
    for (const text of ['dale', 'sale', 'va', 'ok', 'de una', 'bueno', 'claro', '👍']) {
      expect([text, understandByRules(text, context).intent]).toEqual([text, 'affirm']);
    }
    for (const text of ['nop', 'nel', 'no puedo', 'no']) {
      expect([text, understandByRules(text, context).intent]).toEqual([text, 'deny']);
    }
    expect(understandByRules('beleza', { ...context, locale: 'pt-BR' }).intent).toBe('affirm');
    expect(understandByRules('sim', { ...context, locale: 'pt-BR' }).intent).toBe('affirm');
    expect(understandByRules('nope', { ...context, locale: 'en-US' }).intent).toBe('deny');
  });
});

describe('RulesUnderstander', () => {
  it('fits the Understander port', async () => {
    const understander: Understander = new RulesUnderstander();
    const result = await understander.understand('BAJA', context);
    expect(result.intent).toBe('opt_out');
  });
});

import { describe, expect, it } from '@jest/globals';
import { checkPreservation, numbersIn } from '../../../src/domain/llm/preserve.js';

const template =
  'Ana, te propongo pagar $ 1.250.000 el viernes, 27 de noviembre. ¿Te sirve? Paga en https://pagos.example.com';

describe('checkPreservation', () => {
  it('finds every number-like token with its separators', () => {
    expect(numbersIn(template)).toEqual(['1.250.000', '27']);
  });

  it('accepts a rewording that keeps every number and protected term verbatim', () => {
    expect(
      checkPreservation(
        template,
        'Hola Ana: ¿qué tal si pagas $ 1.250.000 el viernes 27 de noviembre? Lo haces en https://pagos.example.com',
        ['Ana', 'https://pagos.example.com'],
      ),
    ).toEqual({ ok: true });
  });

  it('rejects a rewording that changes a number, drops a name or adds a number', () => {
    expect(
      checkPreservation(
        template,
        'Ana, paga $ 1.200.000 el viernes 27 de noviembre en https://pagos.example.com',
      ),
    ).toEqual({ ok: false, missing: ['1.250.000'], added: ['1.200.000'] });
    expect(
      checkPreservation(
        template,
        'Paga $ 1.250.000 el viernes 27 de noviembre en https://pagos.example.com',
        ['Ana'],
      ),
    ).toMatchObject({ ok: false, missing: ['Ana'] });
    expect(
      checkPreservation(
        template,
        'Ana, $ 1.250.000 el 27 de noviembre, o en 3 cuotas, en https://pagos.example.com',
      ),
    ).toMatchObject({ ok: false, added: ['3'] });
  });
});

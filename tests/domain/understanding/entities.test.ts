import { describe, expect, it } from '@jest/globals';
import type { CurrencyCode } from '../../../src/domain/money.js';
import { nextQuincena } from '../../../src/domain/understanding/entities/dates.js';
import type { LocalDate } from '../../../src/domain/dates.js';
import { understandByRules } from '../../../src/domain/understanding/rules-understander.js';
import type { UnderstandingContext } from '../../../src/domain/understanding/types.js';

/** Tuesday 2026-11-24, 10:00 in Bogotá. */
const bogota: UnderstandingContext = {
  now: new Date('2026-11-24T15:00:00Z'),
  timeZone: 'America/Bogota',
  locale: 'es-CO',
  currency: 'COP' as CurrencyCode,
};

function at(iso: string, extra: Partial<UnderstandingContext> = {}): UnderstandingContext {
  return { ...bogota, now: new Date(iso), ...extra };
}

function dateOf(text: string, context: UnderstandingContext = bogota): string | undefined {
  const date = understandByRules(text, context).entities.date;
  return date === undefined ? undefined : date.kind === 'vague' ? 'vague' : date.date;
}

function amountOf(text: string, context: UnderstandingContext = bogota): number | undefined {
  return understandByRules(text, context).entities.amount?.amount;
}

describe('dates', () => {
  it('resolves relative days against today in the debtor time zone', () => {
    expect(dateOf('hoy mismo pago')).toBe('2026-11-24');
    expect(dateOf('mañana le pago')).toBe('2026-11-25');
    expect(dateOf('pasado mañana')).toBe('2026-11-26');
    // 03:00 UTC on the 25th is still the 24th in Bogotá.
    expect(dateOf('mañana', at('2026-11-25T03:00:00Z'))).toBe('2026-11-25');
  });

  it('does not read "en la mañana" as tomorrow', () => {
    expect(dateOf('ya pagué esta mañana')).toBeUndefined();
  });

  it('takes the next weekday strictly after today', () => {
    expect(dateOf('el viernes')).toBe('2026-11-27');
    expect(dateOf('el próximo martes')).toBe('2026-12-01');
    expect(dateOf('el lunes que viene')).toBe('2026-11-30');
  });

  it('reads month end, including year end', () => {
    expect(dateOf('a fin de mes')).toBe('2026-11-30');
    expect(dateOf('para fin de mes', at('2026-12-30T15:00:00Z'))).toBe('2026-12-31');
    expect(dateOf('fin de mes', at('2026-02-10T15:00:00Z'))).toBe('2026-02-28');
  });

  it('reads la quincena as the next 15th or month end', () => {
    expect(dateOf('en la quincena', at('2026-11-20T15:00:00Z'))).toBe('2026-11-30');
    expect(dateOf('en la quincena', at('2026-11-03T15:00:00Z'))).toBe('2026-11-15');
    expect(dateOf('en la quincena', at('2026-11-15T15:00:00Z'))).toBe('2026-11-30');
    expect(nextQuincena('2026-12-31' as LocalDate)).toBe('2027-01-15');
  });

  it('reads a day of month as its next occurrence', () => {
    expect(dateOf('te pago el 30')).toBe('2026-11-30');
    expect(dateOf('el día 5')).toBe('2026-12-05');
    expect(dateOf('el 31')).toBe('2026-12-31');
    expect(dateOf('el 15', at('2026-12-30T15:00:00Z'))).toBe('2027-01-15');
  });

  it('reads explicit dates, rolling into next year when passed', () => {
    expect(dateOf('15/12')).toBe('2026-12-15');
    expect(dateOf('el 15 de diciembre')).toBe('2026-12-15');
    expect(dateOf('10 de enero')).toBe('2027-01-10');
    expect(dateOf('on December 15', at('2026-11-24T15:00:00Z', { locale: 'en-US' }))).toBe(
      '2026-12-15',
    );
    expect(dateOf('12/15', at('2026-11-24T15:00:00Z', { locale: 'en-US' }))).toBe('2026-12-15');
  });

  it('marks unresolvable dates as vague', () => {
    expect(dateOf('cuando me paguen')).toBe('vague');
    expect(dateOf('la semana que viene')).toBe('vague');
    expect(dateOf('quando eu receber', at('2026-11-24T15:00:00Z', { locale: 'pt-BR' }))).toBe(
      'vague',
    );
  });

  it('uses chrono for what the rules leave', () => {
    expect(dateOf('en 3 días le pago')).toBe('2026-11-27');
  });

  it('reads Portuguese and English relative days', () => {
    const pt = at('2026-11-24T15:00:00Z', { locale: 'pt-BR' });
    expect(dateOf('pago na sexta', pt)).toBe('2026-11-27');
    expect(dateOf('no fim do mês', pt)).toBe('2026-11-30');
    expect(dateOf('segunda via do boleto', pt)).toBeUndefined();
    const en = at('2026-11-24T15:00:00Z', { locale: 'en-US' });
    expect(dateOf('next friday', en)).toBe('2026-11-27');
    expect(dateOf('the 15th', en)).toBe('2026-12-15');
  });
});

describe('amounts', () => {
  it('reads grouped, decimal and signed amounts in minor units', () => {
    expect(amountOf('te pago $1.500')).toBe(150_000);
    expect(amountOf('1.500,50 pesos')).toBe(150_050);
    expect(amountOf('1500 pesos')).toBe(150_000);
    expect(amountOf('pago 1,500.50')).toBe(150_050);
  });

  it('reads spelled-out amounts and multipliers', () => {
    expect(amountOf('puedo dar mil quinientos')).toBe(150_000);
    expect(amountOf('le doy dos mil')).toBe(200_000);
    expect(amountOf('quinientos mil pesos')).toBe(50_000_000);
    expect(amountOf('1,5k por mes')).toBe(150_000);
    expect(amountOf('50 mil')).toBe(5_000_000);
  });

  it('reads lucas as thousands and CLP with no decimals', () => {
    const clp = at('2026-11-24T15:00:00Z', { locale: 'es-CL', currency: 'CLP' as CurrencyCode });
    expect(amountOf('2 lucas', clp)).toBe(2000);
    expect(amountOf('$1.500', clp)).toBe(1500);
    expect(amountOf('pago 1.500', clp)).toBe(1500);
  });

  it('reports a foreign currency instead of converting it', () => {
    const result = understandByRules('tengo USD 200', bogota);
    expect(result.entities.amount).toBeUndefined();
    expect(result.entities.foreignCurrency).toBe('USD');
  });

  it('pairs an amount with its frequency', () => {
    const result = understandByRules('200 mil por mes', bogota);
    expect(result.entities.amount?.amount).toBe(20_000_000);
    expect(result.entities.frequency).toBe('monthly');
    expect(result.intent).toBe('propose_plan');
  });

  it('does not read dates, counts, or bare digits as amounts', () => {
    expect(amountOf('el 30')).toBeUndefined();
    expect(amountOf('en 3 cuotas')).toBeUndefined();
    expect(amountOf('1234')).toBeUndefined();
    expect(amountOf('mil gracias')).toBeUndefined();
    expect(amountOf('tengo 2 hijos')).toBeUndefined();
  });
});

describe('installments, digits and choices', () => {
  it('reads installment counts and frequencies', () => {
    const count = (text: string, locale = 'es-CO'): number | undefined =>
      understandByRules(text, { ...bogota, locale }).entities.installmentCount;
    expect(count('en 3 cuotas')).toBe(3);
    expect(count('tres cuotas')).toBe(3);
    expect(count('a 6 meses')).toBe(6);
    expect(count('6 parcelas', 'pt-BR')).toBe(6);
    expect(count('12x', 'pt-BR')).toBe(12);
    expect(count('in 4 installments', 'en-US')).toBe(4);
    expect(count('hace 3 meses perdí el trabajo')).toBeUndefined();
    expect(understandByRules('pago semanal', bogota).entities.frequency).toBe('weekly');
    expect(understandByRules('cada quincena', bogota).entities.frequency).toBe('biweekly');
    expect(understandByRules('cada quincena', bogota).entities.date).toBeUndefined();
  });

  it('reads digits typed as identity answers and bare menu choices', () => {
    expect(understandByRules('1234', bogota).entities).toEqual({ digits: '1234' });
    expect(understandByRules('mi cédula termina en 5678', bogota).entities.digits).toBe('5678');
    expect(understandByRules('2', bogota).entities).toEqual({ choice: '2' });
    expect(understandByRules('opción 3', bogota).entities).toEqual({ choice: '3' });
  });
});

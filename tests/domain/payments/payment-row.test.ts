import { describe, expect, it } from '@jest/globals';
import { PolicySchema } from '../../../src/domain/negotiation/policy.js';
import {
  checkPaymentRow,
  mapPaymentHeaders,
  type PaymentColumnMapping,
} from '../../../src/domain/payments/index.js';

function mapping(headers: string[]): PaymentColumnMapping {
  const mapped = mapPaymentHeaders(headers);
  if (!mapped.ok) throw new Error(`unmapped: ${JSON.stringify(mapped)}`);
  return mapped.mapping;
}

describe('payment file headers', () => {
  it('reads English and Spanish names, in any case, with accents and spaces', () => {
    const mapped = mapping([
      'ID Externo',
      'Cuenta',
      'Monto',
      'MONEDA',
      'Fecha de pago',
      'Medio de pago',
      'Referencia',
      'Notas',
    ]);
    expect(mapped.index).toEqual({
      external_id: 0,
      account_ref: 1,
      amount: 2,
      currency: 3,
      paid_at: 4,
      method: 5,
      reference: 6,
    });
    expect(mapped.ignored).toEqual(['Notas']);
    expect(mapping(['external_id', 'account_ref', 'amount', 'currency', 'paid_at']).width).toBe(5);
  });

  it('names the missing and the doubled columns', () => {
    expect(mapPaymentHeaders(['id_externo', 'cuenta', 'monto'])).toEqual({
      ok: false,
      reason: 'missing-columns',
      missing: ['currency', 'paid_at'],
    });
    expect(
      mapPaymentHeaders(['external_id', 'cuenta', 'account_ref', 'amount', 'currency', 'paid_at']),
    ).toEqual({
      ok: false,
      reason: 'duplicate-column',
      column: 'account_ref',
      headers: ['cuenta', 'account_ref'],
    });
  });
});

describe('checkPaymentRow', () => {
  const columns = mapping(['id_externo', 'cuenta', 'monto', 'moneda', 'fecha_pago', 'referencia']);

  it('reads a good row in the file decimal style', () => {
    expect(
      checkPaymentRow(['P-1', ' A-1 ', '1.250.000,50', 'cop', '10/03/2026', ''], columns, 'comma'),
    ).toEqual({
      ok: true,
      payment: {
        externalId: 'P-1',
        accountRef: 'A-1',
        amount: { amount: 125_000_050, currency: 'COP' },
        paidAt: { kind: 'date', date: '2026-03-10' },
        method: undefined,
        reference: undefined,
      },
    });
    expect(
      checkPaymentRow(
        ['P-2', 'A-1', '1250000', 'CLP', '2026-03-10T09:00:00-03:00', 'R-9'],
        columns,
        'point',
      ),
    ).toMatchObject({
      ok: true,
      payment: { amount: { amount: 1_250_000, currency: 'CLP' }, reference: 'R-9' },
    });
  });

  it('reports every problem of a row with the column as the file wrote it', () => {
    const result = checkPaymentRow(['', 'A-1', '-5', 'XXX', '2026-13-01', ''], columns, 'point');
    expect(result).toEqual({
      ok: false,
      problems: [
        { column: 'id_externo', value: '', reason: 'required value is empty' },
        {
          column: 'moneda',
          value: 'XXX',
          reason: 'not an ISO 4217 currency code (such as COP, MXN, BRL)',
        },
        {
          column: 'fecha_pago',
          value: '2026-13-01',
          reason: 'expected YYYY-MM-DD, DD/MM/YYYY or an ISO 8601 instant (2026-03-10T14:05:00Z)',
        },
      ],
    });
    expect(
      checkPaymentRow(['P', 'A', '-5', 'COP', '2026-03-01', ''], columns, 'point'),
    ).toMatchObject({
      ok: false,
      problems: [{ column: 'monto', reason: 'a payment must be above zero' }],
    });
    expect(
      checkPaymentRow(['P', 'A', '0,00', 'COP', '2026-03-01', ''], columns, 'comma'),
    ).toMatchObject({
      ok: false,
      problems: [{ column: 'monto', reason: 'a payment must be above zero' }],
    });
    expect(
      checkPaymentRow(['P', 'A', '10.505', 'USD', '2026-03-01', ''], columns, 'point'),
    ).toMatchObject({
      ok: false,
      problems: [{ column: 'monto', reason: 'more decimals than the currency has' }],
    });
    expect(checkPaymentRow(['P', 'A', '1'], columns, 'point')).toMatchObject({
      ok: false,
      problems: [{ column: '', reason: 'expected 6 columns, found 3' }],
    });
  });
});

describe('promiseGraceDays in the policy file', () => {
  const rules = [{ id: 'default', maxInstallments: 3, maxDaysToPromise: 10 }];

  it('defaults to one day and accepts 0 to 30 whole days', () => {
    expect(PolicySchema.parse({ rules }).promiseGraceDays).toBe(1);
    expect(PolicySchema.parse({ rules, promiseGraceDays: 0 }).promiseGraceDays).toBe(0);
    expect(PolicySchema.safeParse({ rules, promiseGraceDays: -1 }).success).toBe(false);
    expect(PolicySchema.safeParse({ rules, promiseGraceDays: 1.5 }).success).toBe(false);
    expect(PolicySchema.safeParse({ rules, promiseGraceDays: 31 }).success).toBe(false);
  });
});

import { beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { loadFlowBundle, type FlowBundle } from '../../../src/adapters/flows/load-flows.js';
import type { LocalDate } from '../../../src/domain/dates.js';
import {
  messageArguments,
  renderMessage,
  type MessageVars,
} from '../../../src/domain/messages/render.js';
import { minor, toCurrencyCode, type CurrencyCode } from '../../../src/domain/money.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let bundle: FlowBundle;
beforeAll(async () => {
  bundle = await loadFlowBundle(root);
});

const ars = toCurrencyCode('ARS') as CurrencyCode;
const money = (amount: number): MessageVars[string] => ({
  money: { amount: minor(amount), currency: ars },
});
const day = (value: string): MessageVars[string] => ({ date: value as LocalDate });

/** Every variable the engine can provide, verified, with a plan and a promise on the table. */
const allVars: MessageVars = {
  name: 'María',
  remaining: 2,
  balance: money(150_000_00),
  creditor: 'Banco Sol',
  product: 'Tarjeta Visa',
  hasProduct: 'yes',
  daysPastDue: 45,
  dueDate: day('2026-01-24'),
  paymentDetails: 'alias cuota.pagos',
  hasNext: 'yes',
  hasMinPayment: 'no',
  minPayment: money(0),
  nextAmount: money(25_000_00),
  nextDate: day('2026-03-20'),
  amount: money(50_000_00),
  date: day('2026-03-13'),
  count: 3,
  rest: 2,
  shape: 'first_differs',
  installment: money(50_000_00),
  firstInstallment: money(50_000_01),
  firstDate: day('2026-03-17'),
  total: money(150_000_01),
  frequency: 'monthly',
  reason: 'date_too_far',
  discount: money(22_500_00),
  window: 'después de las 18:00',
};

describe('shipped catalogs', () => {
  it('render every message in every locale', () => {
    for (const [locale, catalog] of Object.entries(bundle.catalogs)) {
      for (const key of Object.keys(catalog)) {
        const text = renderMessage(bundle.catalogs, key, allVars, locale);
        expect(text.length).toBeGreaterThan(0);
        expect(text.length).toBeLessThan(400);
      }
    }
  });

  it('use the same variables for a key in every locale', () => {
    const [first, ...others] = Object.values(bundle.catalogs);
    for (const key of Object.keys(first!)) {
      const expected = messageArguments(first![key]!).sort();
      for (const catalog of others)
        expect([key, messageArguments(catalog[key]!).sort()]).toEqual([key, expected]);
    }
  });

  it('contain no threatening or judicial words', () => {
    const words =
      /embargo|juicio|demanda|abogad|judicial|legal action|lawsuit|court|attorney|processo|penhora|advogad|cobranza judicial/i;
    for (const catalog of Object.values(bundle.catalogs)) {
      for (const text of Object.values(catalog)) expect(text).not.toMatch(words);
    }
  });
});

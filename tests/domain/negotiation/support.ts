import type { LocalDate } from '../../../src/domain/dates.js';
import { minor, toCurrencyCode, type CurrencyCode } from '../../../src/domain/money.js';
import {
  PolicyRuleSchema,
  type NegotiationRule,
  type PolicyAccount,
} from '../../../src/domain/negotiation/policy.js';

export const ARS = toCurrencyCode('ARS') as CurrencyCode;
export const today = '2026-03-10' as LocalDate;

export function rule(overrides: Record<string, unknown> = {}): NegotiationRule {
  return PolicyRuleSchema.parse({
    id: 'test',
    maxInstallments: 12,
    minInstallment: { ARS: '5000.00' },
    maxDaysToPromise: 30,
    minPartialPayment: { ARS: '10000.00' },
    frequencies: ['monthly', 'biweekly'],
    ...overrides,
  });
}

export function account(balance: number, daysPastDue = 45): PolicyAccount {
  return { balance: minor(balance), currency: ARS, daysPastDue };
}

import { describe, expect, it } from '@jest/globals';
import { minor } from '../../../src/domain/money.js';
import { PolicySchema, ruleFor } from '../../../src/domain/negotiation/policy.js';
import { ARS } from './support.js';

const policy = PolicySchema.parse({
  rules: [
    { id: 'vip', when: { segments: ['vip'] }, maxInstallments: 24, maxDaysToPromise: 60 },
    {
      id: 'big-late',
      when: { buckets: ['91-180', '180+'], balanceMin: { ARS: '100000.00' } },
      maxInstallments: 18,
      maxDaysToPromise: 30,
      minInstallment: { ARS: '2500.50' },
      minDownPaymentPercent: '12.5',
    },
    { id: 'default', maxInstallments: 6, maxDaysToPromise: 15 },
  ],
});

describe('policy', () => {
  it('parses major-unit amounts into minor units and percents into basis points', () => {
    const rule = policy.rules[1]!;
    expect(rule.minInstallment).toEqual({ ARS: 250_050 });
    expect(rule.minDownPaymentBps).toBe(1250);
    expect(rule.when.balanceMin).toEqual({ ARS: 10_000_000 });
  });

  it('picks the first matching rule, the default last', () => {
    const base = { currency: ARS, balance: minor(200_000_00), daysPastDue: 120 };
    expect(ruleFor(policy, { ...base, segment: 'vip' }).id).toBe('vip');
    expect(ruleFor(policy, base).id).toBe('big-late');
    expect(ruleFor(policy, { ...base, balance: minor(50_000_00) }).id).toBe('default');
    expect(ruleFor(policy, { ...base, daysPastDue: 10 }).id).toBe('default');
  });

  it('requires the last rule to be an unconditional default', () => {
    const result = PolicySchema.safeParse({
      rules: [{ id: 'only', when: { segments: ['x'] }, maxInstallments: 3, maxDaysToPromise: 5 }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['rules', 0, 'when']);
  });
});

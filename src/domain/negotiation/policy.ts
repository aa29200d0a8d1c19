/**
 * Negotiation policy: what the bot may agree to, per segment, aging bucket and balance band.
 * Operators edit `flows/policy.yaml`; amounts there are decimal strings in major units per
 * currency ("5000.00" ARS), parsed here into integer minor units. Percentages are written in
 * percent (up to two decimals) and held in basis points.
 */
import { z } from 'zod';
import { agingBucketFor, agingBuckets, type AgingBucket } from '../aging.js';
import type { InstallmentFrequency } from '../installments.js';
import { parseDecimalAmount, toCurrencyCode, type CurrencyCode, type Minor } from '../money.js';

/** Amounts keyed by ISO 4217 code, in minor units. A currency not listed has no amount. */
export type AmountsByCurrency = Readonly<Partial<Record<string, Minor>>>;

/** One policy rule, already parsed: every amount in minor units, every percent in basis points. */
export interface NegotiationRule {
  readonly id: string;
  readonly when: {
    readonly segments?: readonly string[];
    readonly buckets?: readonly AgingBucket[];
    /** Inclusive balance band per currency; a currency missing from a band never matches it. */
    readonly balanceMin?: AmountsByCurrency;
    readonly balanceMax?: AmountsByCurrency;
  };
  /** Most installments a plan may have; below 2 means this rule offers no plans. */
  readonly maxInstallments: number;
  /** The plan offered when the debtor asks for one without a number. */
  readonly defaultInstallments: number;
  /** Smallest installment per currency (minor units). Missing currency: no minimum. */
  readonly minInstallment: AmountsByCurrency;
  /** The first installment is at least this share of the total, in basis points. */
  readonly minDownPaymentBps: number;
  /** Latest promise or first installment date, in days from today. */
  readonly maxDaysToPromise: number;
  /** Days from today to the first installment when the debtor names no date. */
  readonly firstInstallmentInDays: number;
  /** Smallest partial payment a promise may be for, per currency (minor units). */
  readonly minPartialPayment: AmountsByCurrency;
  /** A discount for paying the whole balance within `withinDays`; absent: no settlement. */
  readonly settlement?: { readonly discountBps: number; readonly withinDays: number };
  /** Allowed plan frequencies, preferred first. */
  readonly frequencies: readonly InstallmentFrequency[];
}

/** Rules in order; the first match wins and the last is the unconditional default. */
export interface NegotiationPolicy {
  readonly rules: readonly NegotiationRule[];
  /**
   * Whole days after a promise's due date (in the debtor's zone) in which a payment still keeps
   * it; the day after that, an uncovered promise is broken. Default 1.
   */
  readonly promiseGraceDays: number;
}

/** What the policy needs to know about an account to pick a rule. */
export interface PolicyAccount {
  readonly balance: Minor;
  readonly currency: CurrencyCode;
  readonly daysPastDue: number;
  readonly segment?: string | undefined;
}

/** The first rule that matches the account; the policy's last rule is the unconditional default. */
export function ruleFor(policy: NegotiationPolicy, account: PolicyAccount): NegotiationRule {
  const bucket = agingBucketFor(account.daysPastDue);
  for (const rule of policy.rules) {
    const { segments, buckets, balanceMin, balanceMax } = rule.when;
    if (segments && (account.segment === undefined || !segments.includes(account.segment)))
      continue;
    if (buckets && !buckets.includes(bucket)) continue;
    if (balanceMin) {
      const min = balanceMin[account.currency];
      if (min === undefined || account.balance < min) continue;
    }
    if (balanceMax) {
      const max = balanceMax[account.currency];
      if (max === undefined || account.balance > max) continue;
    }
    return rule;
  }
  const last = policy.rules[policy.rules.length - 1];
  if (!last) throw new RangeError('a negotiation policy needs at least one rule');
  return last;
}

/** Reads a percent written with at most two decimals ("12.5", 10) as basis points, without floats. */
function percentToBps(raw: string | number): number | undefined {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(String(raw).trim());
  if (!match) return undefined;
  const bps = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return bps <= 10_000 ? bps : undefined;
}

const percent = z.union([z.string(), z.number()]).transform((raw, ctx): number => {
  const bps = percentToBps(raw);
  if (bps === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'a percent between 0 and 100 with at most two decimals',
    });
    return z.NEVER;
  }
  return bps;
});

const amounts = z
  .record(z.string(), z.union([z.string(), z.number()]))
  .transform((raw, ctx): AmountsByCurrency => {
    const out: Record<string, Minor> = {};
    for (const [code, value] of Object.entries(raw)) {
      const currency = toCurrencyCode(code);
      if (!currency || currency !== code) {
        ctx.addIssue({ code: 'custom', path: [code], message: `unknown currency "${code}"` });
        continue;
      }
      const parsed = parseDecimalAmount(String(value), 'point', currency);
      if (!parsed.ok) {
        ctx.addIssue({
          code: 'custom',
          path: [code],
          message: `amount "${String(value)}": ${parsed.reason} (write major units like "1500.00")`,
        });
        continue;
      }
      out[currency] = parsed.amount;
    }
    return out;
  });

const frequency = z.enum(['weekly', 'biweekly', 'monthly']);

/** One rule as written in policy.yaml, parsed into a {@link NegotiationRule}. */
export const PolicyRuleSchema = z
  .strictObject({
    id: z.string().min(1),
    when: z
      .strictObject({
        segments: z.array(z.string()).min(1).optional(),
        buckets: z.array(z.enum(agingBuckets)).min(1).optional(),
        balanceMin: amounts.optional(),
        balanceMax: amounts.optional(),
      })
      .optional(),
    maxInstallments: z.int().min(1).max(60),
    defaultInstallments: z.int().min(1).max(60).optional(),
    minInstallment: amounts.default({}),
    minDownPaymentPercent: percent.default(0),
    maxDaysToPromise: z.int().min(0).max(120),
    firstInstallmentInDays: z.int().min(0).max(120).optional(),
    minPartialPayment: amounts.default({}),
    settlement: z
      .strictObject({ discountPercent: percent, withinDays: z.int().min(0).max(120) })
      .optional(),
    frequencies: z.array(frequency).min(1).default(['monthly']),
  })
  .transform((raw): NegotiationRule => {
    const when: {
      segments?: readonly string[];
      buckets?: readonly AgingBucket[];
      balanceMin?: AmountsByCurrency;
      balanceMax?: AmountsByCurrency;
    } = {};
    if (raw.when?.segments) when.segments = raw.when.segments;
    if (raw.when?.buckets) when.buckets = raw.when.buckets;
    if (raw.when?.balanceMin) when.balanceMin = raw.when.balanceMin;
    if (raw.when?.balanceMax) when.balanceMax = raw.when.balanceMax;
    return {
      id: raw.id,
      when,
      maxInstallments: raw.maxInstallments,
      defaultInstallments: Math.min(raw.defaultInstallments ?? 3, raw.maxInstallments),
      minInstallment: raw.minInstallment,
      minDownPaymentBps: raw.minDownPaymentPercent,
      maxDaysToPromise: raw.maxDaysToPromise,
      firstInstallmentInDays: Math.min(raw.firstInstallmentInDays ?? 7, raw.maxDaysToPromise),
      minPartialPayment: raw.minPartialPayment,
      ...(raw.settlement
        ? {
            settlement: {
              discountBps: raw.settlement.discountPercent,
              withinDays: raw.settlement.withinDays,
            },
          }
        : {}),
      frequencies: [...new Set(raw.frequencies)],
    };
  });

/** The policy file: rules in order, first match wins; the last rule must have no `when`. */
export const PolicySchema = z
  .strictObject({
    rules: z.array(PolicyRuleSchema).min(1),
    promiseGraceDays: z.int().min(0).max(30).default(1),
  })
  .superRefine((policy, ctx) => {
    const last = policy.rules[policy.rules.length - 1];
    if (last && Object.keys(last.when).length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['rules', policy.rules.length - 1, 'when'],
        message: 'the last rule is the default and must not have a `when`',
      });
    }
  })
  .transform((policy): NegotiationPolicy => policy);

/** The policy file as written in YAML. */
export type PolicyFile = z.input<typeof PolicySchema>;

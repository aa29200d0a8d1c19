import { daysBetween, localDateIn, type LocalDate } from './dates.js';

/** Aging buckets used by collections strategy, by days past due. */
export const agingBuckets = ['current', '1-30', '31-60', '61-90', '91-180', '180+'] as const;
export type AgingBucket = (typeof agingBuckets)[number];

/**
 * Days past due on `now`, counted in the debtor's time zone: 0 on the due date and before,
 * 1 on the day after. A debt is never negative days past due.
 */
export function daysPastDue(dueDate: LocalDate, now: Date, timeZone: string): number {
  return Math.max(0, daysBetween(dueDate, localDateIn(now, timeZone)));
}

/** The aging bucket for a number of days past due. */
export function agingBucketFor(days: number): AgingBucket {
  if (days <= 0) return 'current';
  if (days <= 30) return '1-30';
  if (days <= 60) return '31-60';
  if (days <= 90) return '61-90';
  if (days <= 180) return '91-180';
  return '180+';
}

/** The inclusive day range of a bucket, for SQL filters; `max` is undefined for 180+. */
export function agingBucketRange(bucket: AgingBucket): { min: number; max: number | undefined } {
  switch (bucket) {
    case 'current':
      return { min: 0, max: 0 };
    case '1-30':
      return { min: 1, max: 30 };
    case '31-60':
      return { min: 31, max: 60 };
    case '61-90':
      return { min: 61, max: 90 };
    case '91-180':
      return { min: 91, max: 180 };
    case '180+':
      return { min: 181, max: undefined };
  }
}

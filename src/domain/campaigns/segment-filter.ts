/**
 * Segments: saved filters over the portfolio. A filter is a conjunction of the criteria it
 * names (an absent criterion matches every account); the store turns it into SQL. Whatever the
 * filter says, a segment never holds an account that is not active or has nothing to pay, nor
 * a debtor who opted out of all contact.
 */
import { z } from 'zod';
import { agingBuckets } from '../aging.js';

/** The state of an account's latest promise to pay; `none` when it never made one. */
export const promiseStatuses = ['none', 'pending', 'broken', 'kept'] as const;
export type PromiseStatus = (typeof promiseStatuses)[number];

/** Where a debtor can be reached: a consented phone (WhatsApp, SMS) or a linked Telegram chat. */
export const reachableChannels = ['phone', 'telegram'] as const;
export type ReachableChannel = (typeof reachableChannels)[number];

const nonEmptyUnique = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1)
    .max(100)
    .refine((items) => new Set(items).size === items.length, 'list each value once');

const minorAmount = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * An instant for "last contact": absolute (ISO 8601 with a zone) or relative to the moment the
 * segment is evaluated (`{ daysAgo: 7 }`), so a saved segment keeps meaning "not contacted this
 * week" next month.
 */
const InstantSchema = z.union([
  z.iso.datetime({ offset: true }),
  z.strictObject({ daysAgo: z.int().min(0).max(3650) }),
]);
export type SegmentInstant = z.infer<typeof InstantSchema>;

export const SegmentFilterSchema = z.strictObject({
  /** Aging buckets by days past due, counted in the debtor's calendar; any of them. */
  aging: nonEmptyUnique(z.enum(agingBuckets)).optional(),
  /** Balance range in integer minor units of one currency, both ends inclusive. */
  balance: z
    .strictObject({
      currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code in capitals'),
      min: minorAmount.optional(),
      max: minorAmount.optional(),
    })
    .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, {
      message: 'min must not exceed max',
      path: ['max'],
    })
    .optional(),
  /** The account's product; any of them. */
  products: nonEmptyUnique(z.string().min(1).max(200)).optional(),
  /** The debtor's country (ISO 3166-1 alpha-2); any of them. */
  countries: nonEmptyUnique(
    z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 code in capitals'),
  ).optional(),
  /** Debtor tags: at least one of `any`, and every one of `all`. */
  tags: z
    .strictObject({
      any: nonEmptyUnique(z.string().min(1).max(200)).optional(),
      all: nonEmptyUnique(z.string().min(1).max(200)).optional(),
    })
    .refine((t) => t.any !== undefined || t.all !== undefined, 'give any, all or both')
    .optional(),
  /** The state of the account's latest promise; any of them. */
  promise: nonEmptyUnique(z.enum(promiseStatuses)).optional(),
  /**
   * The debtor's last message sent (outbox `sent_at`). `before`: nothing sent since then (never
   * contacted counts); `after`: something sent at or after then.
   */
  lastContact: z
    .strictObject({ before: InstantSchema.optional(), after: InstantSchema.optional() })
    .refine((l) => l.before !== undefined || l.after !== undefined, 'give before, after or both')
    .optional(),
  /** Reachable on at least one of these. */
  hasChannel: nonEmptyUnique(z.enum(reachableChannels)).optional(),
});
export type SegmentFilter = z.infer<typeof SegmentFilterSchema>;

/** A filter with relative instants resolved against one moment, as the store runs it. */
export interface ResolvedSegmentFilter extends Omit<SegmentFilter, 'lastContact'> {
  readonly lastContact?: { readonly before?: Date; readonly after?: Date };
}

const dayMs = 86_400_000;

function resolveInstant(instant: SegmentInstant, now: Date): Date {
  return typeof instant === 'string'
    ? new Date(instant)
    : new Date(now.getTime() - instant.daysAgo * dayMs);
}

/** Resolves `{ daysAgo }` instants against `now`, so one evaluation reads one moment. */
export function resolveSegmentFilter(filter: SegmentFilter, now: Date): ResolvedSegmentFilter {
  const { lastContact, ...rest } = filter;
  if (lastContact === undefined) return rest;
  return {
    ...rest,
    lastContact: {
      ...(lastContact.before === undefined
        ? {}
        : { before: resolveInstant(lastContact.before, now) }),
      ...(lastContact.after === undefined ? {} : { after: resolveInstant(lastContact.after, now) }),
    },
  };
}

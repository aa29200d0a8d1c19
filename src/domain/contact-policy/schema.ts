/**
 * Contact policy files (`policies/contact/*.yaml`): the operator default, one file per country
 * and the operator's overrides. Every number the contact engine uses lives here, never in code.
 *
 * Resolution for a debtor's country C, each layer replacing whole top-level keys of the one
 * before (a layer that sets `caps` replaces the whole cap list; it never merges item by item):
 * `default.yaml` -> `overrides.yaml` `default:` -> `c.yaml` -> `overrides.yaml` `countries.C`.
 * A debtor with no known country gets the first two layers.
 */
import { z } from 'zod';
import { channels, type Channel } from '../model.js';

const minuteMs = 60_000;
const durationUnits = { m: minuteMs, h: 60 * minuteMs, d: 24 * 60 * minuteMs } as const;

/**
 * A length of elapsed time: "30m", "24h", "7d". A day is exactly 24 hours: rolling windows
 * count elapsed time, not calendar days. Parsed to milliseconds.
 */
export const DurationSchema = z
  .string()
  .regex(/^[1-9]\d{0,4}[mhd]$/, 'a duration like "30m", "24h" or "7d"')
  .transform(
    (text) => Number(text.slice(0, -1)) * durationUnits[text.slice(-1) as 'm' | 'h' | 'd'],
  );

const clock = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** "HH:MM" -> minutes since midnight; "24:00" is the end of the day. */
export function minutesOf(text: string): number {
  const [h, m] = text.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/**
 * One allowed stretch of a day in the debtor's wall-clock time, "07:00-19:00": from the first
 * minute included to the last minute excluded ("-19:00" means 18:59 is the last allowed minute).
 */
const HourRangeSchema = z
  .string()
  .regex(/^\d\d:\d\d-\d\d:\d\d$/, 'an hour range like "07:00-19:00"')
  .refine((text) => text.split('-').every((part) => clock.test(part)), 'hours are 00:00..24:00')
  .refine((text) => {
    const [from, to] = text.split('-') as [string, string];
    return minutesOf(from) < minutesOf(to);
  }, 'the range must end after it starts (split a range that crosses midnight in two days)')
  .transform((text) => {
    const [from, to] = text.split('-') as [string, string];
    return { from: minutesOf(from), to: minutesOf(to) };
  });

/** Weekday keys of `hours`, in ISO order (index + 1 = ISO weekday, 1 = Monday). */
export const weekdayKeys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const dayHours = z.array(HourRangeSchema);
/** Allowed hours per weekday in the debtor's time zone; a day left out or `[]` allows none. */
export const HoursSchema = z.strictObject({
  mon: dayHours.optional(),
  tue: dayHours.optional(),
  wed: dayHours.optional(),
  thu: dayHours.optional(),
  fri: dayHours.optional(),
  sat: dayHours.optional(),
  sun: dayHours.optional(),
});

/** Rule ids the engine itself reports; a cap may not take one of them. */
export const builtInRules = [
  'whatsapp_window',
  'opt_out',
  'do_not_contact_dispute',
  'do_not_contact_wrong_number',
  'do_not_contact_deceased',
  'do_not_contact_bankruptcy',
  'do_not_contact_lawyer',
  'holiday',
  'hours',
  'preference',
  'no_allowed_time',
] as const;

const ruleId = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'a rule id in snake_case (it is recorded with every deferral)')
  .refine((id) => !(builtInRules as readonly string[]).includes(id), 'this id is a built-in rule');

/**
 * A frequency cap over a rolling window. It applies to requests on its `channels` (all when
 * omitted: an overall cap) and counts creditor-initiated attempts on those channels.
 */
export const CapSchema = z
  .strictObject({
    /** Stable id, recorded as the `rule` of the deferrals it causes. */
    id: ruleId,
    channels: z.array(z.enum(channels)).min(1).optional(),
    /** The rolling window `max` and `maxChannels` count in. */
    window: DurationSchema,
    /** At most this many attempts in any window of that length. */
    max: z.number().int().min(1).max(1000).optional(),
    /** At most this many different channels in any window of that length. */
    maxChannels: z.number().int().min(1).max(channels.length).optional(),
    /** At least this much time between two attempts. */
    minGap: DurationSchema.optional(),
  })
  .refine(
    (cap) => cap.max !== undefined || cap.maxChannels !== undefined || cap.minGap !== undefined,
    'a cap needs max, maxChannels or minGap',
  );
export type Cap = z.infer<typeof CapSchema>;

/**
 * What a debtor-initiated reply may still do under each do-not-contact state: `none` (nothing
 * but the opt-out confirmation), `agent_replies` (a human agent may answer within the reply
 * window) or `replies` (the bot and agents may answer within the reply window).
 * Creditor-initiated contact is always denied under any of them.
 */
export const ReplyModeSchema = z.enum(['none', 'agent_replies', 'replies']);
export type ReplyMode = z.infer<typeof ReplyModeSchema>;

export const DoNotContactSchema = z.strictObject({
  dispute: ReplyModeSchema,
  lawyer: ReplyModeSchema,
  bankruptcy: ReplyModeSchema,
  // Nobody there to talk to about the debt: both are fixed, the file only states it.
  wrong_number: z.literal('none'),
  deceased: z.literal('none'),
});

const policyShape = {
  /** Allowed hours per weekday in the debtor's own time zone. */
  hours: HoursSchema,
  /** No creditor-initiated contact on the public holidays of the debtor's country. */
  holidays: z.boolean(),
  caps: z.array(CapSchema),
  /** How long after the debtor's last message on a channel a reply there is debtor-initiated. */
  replyWindow: DurationSchema,
  /** WhatsApp's customer-service window: free-form messages only this long after an inbound. */
  whatsappWindow: DurationSchema,
  /** How far ahead to look for an allowed instant before denying (`no_allowed_time`). */
  horizon: DurationSchema,
  doNotContact: DoNotContactSchema,
};

function uniqueCapIds(caps: readonly Cap[] | undefined, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const [index, cap] of (caps ?? []).entries()) {
    if (seen.has(cap.id))
      ctx.addIssue({
        code: 'custom',
        path: ['caps', index, 'id'],
        message: `duplicate cap id "${cap.id}"`,
      });
    seen.add(cap.id);
  }
}

/** `default.yaml`: every key is required, so every other layer has something to fall back on. */
export const DefaultPolicyFileSchema = z
  .strictObject(policyShape)
  .superRefine((p, ctx) => uniqueCapIds(p.caps, ctx));
export type ContactPolicy = z.infer<typeof DefaultPolicyFileSchema>;

const optionalShape = {
  hours: policyShape.hours.optional(),
  holidays: policyShape.holidays.optional(),
  caps: policyShape.caps.optional(),
  replyWindow: policyShape.replyWindow.optional(),
  whatsappWindow: policyShape.whatsappWindow.optional(),
  horizon: policyShape.horizon.optional(),
  doNotContact: policyShape.doNotContact.optional(),
};

/** Any subset of the policy keys, for an override. */
export const PartialPolicySchema = z
  .strictObject(optionalShape)
  .superRefine((p, ctx) => uniqueCapIds(p.caps, ctx));
export type PartialContactPolicy = z.infer<typeof PartialPolicySchema>;

/** ISO 3166-1 alpha-2, upper case. */
export const CountryCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 country code like "CO"');

/** `<cc>.yaml`: the country it is for (must match the file name) and the keys it changes. */
export const CountryPolicyFileSchema = z
  .strictObject({ country: CountryCodeSchema, ...optionalShape })
  .superRefine((p, ctx) => uniqueCapIds(p.caps, ctx));

/** `overrides.yaml`: the operator's changes to the default and to each country. Empty is fine. */
export const OverridesFileSchema = z.preprocess(
  (value) => value ?? {},
  z.strictObject({
    default: PartialPolicySchema.optional(),
    countries: z.record(CountryCodeSchema, PartialPolicySchema).optional(),
  }),
);

/** The parsed, validated set of policy files. */
export const ContactPoliciesSchema = z.strictObject({
  default: DefaultPolicyFileSchema,
  countries: z.record(CountryCodeSchema, PartialPolicySchema),
  overrides: z.strictObject({
    default: PartialPolicySchema.optional(),
    countries: z.record(CountryCodeSchema, PartialPolicySchema).optional(),
  }),
});
/** Everything the engine needs from the policy files: see {@link policyFor} for resolution. */
export type ContactPolicies = z.infer<typeof ContactPoliciesSchema>;

/** A policy resolved for one country, with each weekday's hours ready to use. */
export interface ResolvedContactPolicy extends ContactPolicy {
  /** The country it was resolved for; undefined for the operator default. */
  readonly country: string | undefined;
  /** Allowed [from, to) minute ranges per ISO weekday (index 0 = Monday), sorted, merged. */
  readonly week: readonly (readonly { readonly from: number; readonly to: number }[])[];
}

const resolvedCache = new WeakMap<ContactPolicies, Map<string, ResolvedContactPolicy>>();

function mergeRanges(
  ranges: readonly { from: number; to: number }[],
): { from: number; to: number }[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out: { from: number; to: number }[] = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last && range.from <= last.to) last.to = Math.max(last.to, range.to);
    else out.push({ ...range });
  }
  return out;
}

/**
 * The policy for a debtor in `country` (ISO alpha-2, any case; undefined or unknown -> the
 * operator default with its overrides). Memoised per policies object, so it is cheap per call.
 */
export function policyFor(
  policies: ContactPolicies,
  country: string | undefined,
): ResolvedContactPolicy {
  const code = country?.toUpperCase();
  const key = code ?? '';
  let byCountry = resolvedCache.get(policies);
  if (!byCountry) {
    byCountry = new Map();
    resolvedCache.set(policies, byCountry);
  }
  const cached = byCountry.get(key);
  if (cached) return cached;
  const layers: (PartialContactPolicy | undefined)[] = [
    policies.overrides.default,
    code === undefined ? undefined : policies.countries[code],
    code === undefined ? undefined : policies.overrides.countries?.[code],
  ];
  let merged: ContactPolicy = policies.default;
  for (const layer of layers) {
    if (!layer) continue;
    const defined = Object.fromEntries(Object.entries(layer).filter(([, v]) => v !== undefined));
    merged = { ...merged, ...defined };
  }
  const hasCountryPolicy =
    code !== undefined &&
    (policies.countries[code] !== undefined || policies.overrides.countries?.[code] !== undefined);
  const resolved: ResolvedContactPolicy = {
    ...merged,
    country: hasCountryPolicy ? code : undefined,
    week: weekdayKeys.map((day) => mergeRanges(merged.hours[day] ?? [])),
  };
  byCountry.set(key, resolved);
  return resolved;
}

/** Whether a cap watches `channel` (a cap with no channel list watches every channel). */
export function capCovers(cap: Cap, channel: Channel): boolean {
  return cap.channels === undefined || cap.channels.includes(channel);
}

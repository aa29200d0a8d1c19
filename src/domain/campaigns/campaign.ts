/**
 * Campaigns: a segment, the flow a debtor who answers talks to, the channel order, one or more
 * weighted template variants, a start time, an optional daily window in the debtor's own hours
 * and an optional throttle. The contact policy decides every message on top of all this.
 */
import { z } from 'zod';
import { instantAtWallTime, wallTimeAt } from '../contact-policy/local-time.js';
import { addDays } from '../dates.js';
import type { Channel } from '../model.js';
import type { CampaignVariant } from './variants.js';

/** Channels a campaign may use, in the order it tries them. */
export const campaignChannels = ['whatsapp', 'sms', 'telegram'] as const;

export const campaignStatuses = ['draft', 'running', 'paused', 'stopped', 'finished'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

/** What an operator (or the run, for `finish`) does to a campaign. */
export const campaignActions = ['start', 'pause', 'resume', 'stop', 'finish'] as const;
export type CampaignAction = (typeof campaignActions)[number];

const hhmm = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const hhmmEnd = /^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/;

const VariantSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, "-" and "_", at most 40'),
  template: z.string().min(1).max(200),
  weight: z.int().min(1).max(10_000),
});

/** A daily window, local to each debtor: queue from `from` (inclusive) to `to` (exclusive). */
export const DailyWindowSchema = z
  .strictObject({
    from: z.string().regex(hhmm, 'HH:MM, 00:00 to 23:59'),
    to: z.string().regex(hhmmEnd, 'HH:MM, 00:01 to 24:00'),
  })
  .refine((w) => w.from < w.to, { message: 'the window must end after it starts', path: ['to'] });
export type DailyWindow = z.infer<typeof DailyWindowSchema>;

/** What an operator writes to create a campaign. */
export const CampaignDefinitionSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  segmentId: z.uuid(),
  /** The flow a debtor who answers is talked through. */
  flow: z.string().min(1).max(100),
  channels: z
    .array(z.enum(campaignChannels))
    .min(1)
    .refine((c) => new Set(c).size === c.length, 'list each channel once'),
  /** One variant for a plain campaign; two or more for an A/B split. */
  variants: z
    .array(VariantSchema)
    .min(1)
    .max(20)
    .refine((v) => new Set(v.map((x) => x.id)).size === v.length, 'variant ids must be unique'),
  /** ISO 8601 with a zone; nothing is queued before it. */
  startsAt: z.iso.datetime({ offset: true }),
  window: DailyWindowSchema.optional(),
  /** Messages queued per minute at most. */
  throttle: z.int().min(1).max(100_000).optional(),
});
export type CampaignDefinition = z.infer<typeof CampaignDefinitionSchema>;

/** A stored campaign. */
export interface Campaign {
  readonly id: string;
  readonly name: string;
  readonly segmentId: string;
  readonly flow: string;
  readonly channels: readonly Channel[];
  readonly variants: readonly CampaignVariant[];
  readonly startsAt: Date;
  readonly window: DailyWindow | undefined;
  readonly throttle: number | undefined;
  readonly status: CampaignStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly startedAt: Date | undefined;
  readonly finishedAt: Date | undefined;
}

export type CampaignTransition =
  | { readonly ok: true; readonly status: CampaignStatus }
  | { readonly ok: false; readonly reason: string };

/**
 * The campaign state machine. draft -start-> running -pause-> paused -resume-> running;
 * running -finish-> finished (the run, when nothing is left to target); draft, running or
 * paused -stop-> stopped. stopped and finished are final.
 */
export function transition(status: CampaignStatus, action: CampaignAction): CampaignTransition {
  const next = allowed[status][action];
  return next === undefined
    ? { ok: false, reason: `cannot ${action} a campaign that is ${status}` }
    : { ok: true, status: next };
}

const allowed: Record<CampaignStatus, Partial<Record<CampaignAction, CampaignStatus>>> = {
  draft: { start: 'running', stop: 'stopped' },
  running: { pause: 'paused', stop: 'stopped', finish: 'finished' },
  paused: { resume: 'running', stop: 'stopped' },
  stopped: {},
  finished: {},
};

/** The statuses from which `action` is allowed (for a compare-and-set in the store). */
export function statusesAllowing(action: CampaignAction): CampaignStatus[] {
  return campaignStatuses.filter((s) => allowed[s][action] !== undefined);
}

function minuteOf(hhmmText: string): number {
  const [h, m] = hhmmText.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Whether the wall clock in `timeZone` at `at` is inside the daily window. */
export function isInsideWindow(window: DailyWindow, timeZone: string, at: Date): boolean {
  const { minute } = wallTimeAt(timeZone, at.getTime());
  return minute >= minuteOf(window.from) && minute < minuteOf(window.to);
}

/** The next instant at or after `at` when the window is open in `timeZone`. */
export function nextWindowOpening(window: DailyWindow, timeZone: string, at: Date): Date {
  if (isInsideWindow(window, timeZone, at)) return at;
  const wall = wallTimeAt(timeZone, at.getTime());
  const from = minuteOf(window.from);
  const day = wall.minute < from ? wall.date : addDays(wall.date, 1);
  return new Date(instantAtWallTime(timeZone, day, from));
}

/**
 * Issue 5: no allowed send ever violates a rule. The engine is checked against a second, naive
 * reading of the same policy, written without the engine's code: wall time from a separate
 * Intl formatter, caps as "max + 1 consecutive sends within one window", gaps pairwise, and a
 * scan on a 15-minute grid for anything earlier than a deferral.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  ContactPoliciesSchema,
  decideContact,
  type ContactAttempt,
  type ContactPreference,
  type DebtorContactFacts,
  type HolidayCalendar,
} from '../../../src/domain/contact-policy/index.js';
import type { Channel } from '../../../src/domain/model.js';

const zones = [
  'America/Bogota',
  'America/Santiago',
  'America/New_York',
  'America/Havana',
  'America/Sao_Paulo',
  'America/Asuncion',
  'America/St_Johns',
  'Europe/Madrid',
  'Europe/London',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kathmandu',
  'Africa/Casablanca',
  'Asia/Tokyo',
];
/** Days with DST changes somewhere in the list above, and a plain one. */
const anchors = [
  '2026-03-08',
  '2026-03-29',
  '2026-04-05',
  '2026-04-04',
  '2026-09-06',
  '2026-10-04',
  '2026-10-25',
  '2026-11-01',
  '2026-06-15',
].map((d) => Date.parse(`${d}T12:00:00Z`));
const dayKeys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const channels: Channel[] = ['sms', 'telegram', 'email'];
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const durations: Record<string, number> = {
  '30m': 30 * minute,
  '2h': 2 * hour,
  '24h': day,
  '48h': 2 * day,
  '7d': 7 * day,
};

// ---- the naive reading -------------------------------------------------------------------

const wallFormats = new Map<string, Intl.DateTimeFormat>();
function naiveWall(
  zone: string,
  instant: number,
): { date: string; weekday: number; minute: number } {
  let format = wallFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    wallFormats.set(zone, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday ?? '') + 1,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

interface RawCap {
  id: string;
  window: string;
  max?: number;
  maxChannels?: number;
  minGap?: string;
  channels?: Channel[];
}
interface RawPolicy {
  hours: Partial<Record<(typeof dayKeys)[number], string[]>>;
  holidays: boolean;
  caps: RawCap[];
}

function hhmm(text: string): number {
  const [h, m] = text.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

function calendarAllows(
  policy: RawPolicy,
  zone: string,
  holidayDates: ReadonlySet<string>,
  preference: ContactPreference | undefined,
  instant: number,
): boolean {
  const wall = naiveWall(zone, instant);
  if (policy.holidays && holidayDates.has(wall.date)) return false;
  const ranges = policy.hours[dayKeys[wall.weekday - 1]!] ?? [];
  const inHours = ranges.some((r) => {
    const [from, to] = r.split('-') as [string, string];
    return hhmm(from) <= wall.minute && wall.minute < hhmm(to);
  });
  if (!inHours) return false;
  if (preference?.days && !preference.days.includes(wall.weekday)) return false;
  const earliest = preference?.earliest === undefined ? 0 : hhmm(preference.earliest);
  const latest = preference?.latest === undefined ? 1440 : hhmm(preference.latest);
  if (earliest < latest) return earliest <= wall.minute && wall.minute < latest;
  if (earliest > latest) return wall.minute < latest || wall.minute >= earliest;
  return true;
}

function capAllows(
  cap: RawCap,
  history: readonly ContactAttempt[],
  channel: Channel,
  t: number,
): boolean {
  if (cap.channels && !cap.channels.includes(channel)) return true;
  const counted = history
    .filter((a) => a.purpose !== 'reply' && (!cap.channels || cap.channels.includes(a.channel)))
    .map((a) => ({ at: a.at.getTime(), channel: a.channel }));
  const window = durations[cap.window]!;
  if (cap.minGap && counted.some((a) => Math.abs(a.at - t) < durations[cap.minGap!]!)) return false;
  const events = [...counted, { at: t, channel, isRequest: true }].sort((a, b) => a.at - b.at);
  const requestIndex = events.findIndex((e) => 'isRequest' in e);
  if (cap.max !== undefined) {
    // max + 1 consecutive sends, one of them the request, inside one window.
    for (let i = Math.max(0, requestIndex - cap.max); i <= requestIndex; i += 1) {
      const last = events[i + cap.max];
      if (last && last.at - events[i]!.at < window) return false;
    }
  }
  if (cap.maxChannels !== undefined) {
    // Every window [s, s + window) holding t whose start is at an event or just after one.
    const starts = events
      .flatMap((e) => [e.at, e.at - window + 1])
      .filter((s) => s <= t && t < s + window);
    for (const s of starts) {
      const used = new Set(
        events.filter((e) => e.at >= s && e.at < s + window).map((e) => e.channel),
      );
      if (used.size > cap.maxChannels) return false;
    }
  }
  return true;
}

// ---- generators --------------------------------------------------------------------------

const clock = (step: number) =>
  fc.integer({ min: 0, max: (24 * 60) / step }).map((n) => {
    const m = n * step;
    return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  });
const range = fc
  .tuple(clock(30), clock(30))
  .filter(([a, b]) => hhmm(a) < hhmm(b))
  .map(([a, b]) => `${a}-${b}`);
const rawCap = fc.record(
  {
    id: fc.constantFrom('cap_a', 'cap_b'),
    window: fc.constantFrom('2h', '24h', '48h', '7d'),
    max: fc.integer({ min: 1, max: 3 }),
    maxChannels: fc.integer({ min: 1, max: 2 }),
    minGap: fc.constantFrom('30m', '2h', '24h', '48h'),
    channels: fc.subarray(channels, { minLength: 1 }),
  },
  { requiredKeys: ['id', 'window'] },
);
const rawPolicy: fc.Arbitrary<RawPolicy> = fc.record({
  hours: fc.record(
    Object.fromEntries(dayKeys.map((k) => [k, fc.array(range, { maxLength: 2 })])) as Record<
      (typeof dayKeys)[number],
      fc.Arbitrary<string[]>
    >,
    { requiredKeys: [] },
  ),
  holidays: fc.boolean(),
  caps: fc
    .array(rawCap, { maxLength: 2 })
    .map((caps) =>
      caps.filter(
        (c) => c.max !== undefined || c.maxChannels !== undefined || c.minGap !== undefined,
      ),
    )
    .map((caps) => caps.map((c, i) => ({ ...c, id: `cap_${i}` }))),
});
const preference: fc.Arbitrary<ContactPreference | undefined> = fc.option(
  fc.record(
    {
      earliest: clock(60).filter((c) => c !== '24:00'),
      latest: clock(60),
      days: fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);
const scenario = fc
  .record({
    zone: fc.constantFrom(...zones),
    policy: rawPolicy,
    preference,
    at: fc
      .tuple(fc.constantFrom(...anchors), fc.integer({ min: -4 * 24 * 60, max: 4 * 24 * 60 }))
      .map(([anchor, m]) => anchor + m * minute),
    channel: fc.constantFrom(...channels),
    holidayOffsets: fc.array(fc.integer({ min: -3, max: 12 }), { maxLength: 4 }),
    history: fc.array(
      fc.record({
        offsetMinutes: fc.integer({ min: -8 * 24 * 60, max: 3 * 24 * 60 }),
        channel: fc.constantFrom(...channels),
        purpose: fc.constantFrom('reminder' as const, 'campaign' as const, 'reply' as const),
      }),
      { maxLength: 6 },
    ),
  })
  .map((s) => ({
    ...s,
    holidayDates: new Set(s.holidayOffsets.map((d) => naiveWall(s.zone, s.at + d * day).date)),
    attempts: s.history.map((h): ContactAttempt => ({
      at: new Date(s.at + h.offsetMinutes * minute),
      channel: h.channel,
      purpose: h.purpose,
    })),
  }));

const horizon = 10 * day;

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function setup(s: Scenario) {
  const policies = ContactPoliciesSchema.parse({
    default: {
      ...s.policy,
      replyWindow: '24h',
      whatsappWindow: '24h',
      horizon: '10d',
      doNotContact: {
        dispute: 'replies',
        lawyer: 'agent_replies',
        bankruptcy: 'agent_replies',
        wrong_number: 'none',
        deceased: 'none',
      },
    },
    countries: {},
    overrides: {},
  });
  const holidays: HolidayCalendar = { isHoliday: (_c, date) => s.holidayDates.has(date) };
  const facts: DebtorContactFacts = {
    timeZone: s.zone,
    country: 'XX',
    optOuts: [],
    doNotContact: [],
    preference: s.preference,
    history: s.attempts,
    lastInbound: undefined,
  };
  const allows = (t: number): boolean =>
    calendarAllows(s.policy, s.zone, s.holidayDates, s.preference, t) &&
    s.policy.caps.every((cap) => capAllows(cap, s.attempts, s.channel, t));
  const decide = (t: number) =>
    decideContact(
      policies,
      { channel: s.channel, purpose: 'campaign', isTemplate: false, at: new Date(t) },
      facts,
      holidays,
    );
  return { allows, decide };
}

describe('decideContact against a naive reading of the policy (property)', () => {
  it('never allows a send that breaks a rule; defers to the first allowed instant; denies only when none exists', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { allows, decide } = setup(s);
        const decision = decide(s.at);
        switch (decision.type) {
          case 'allow':
            expect(allows(s.at)).toBe(true);
            break;
          case 'defer': {
            const until = decision.until.getTime();
            expect(until).toBeGreaterThan(s.at);
            expect(until).toBeLessThanOrEqual(s.at + horizon);
            expect(allows(s.at)).toBe(false);
            expect(allows(until)).toBe(true);
            expect(allows(until - 1)).toBe(false);
            expect(decide(until)).toEqual({ type: 'allow' });
            for (let t = s.at; t < until; t += 15 * minute) expect(allows(t)).toBe(false);
            break;
          }
          case 'deny':
            expect(decision.rule).toBe('no_allowed_time');
            for (let t = s.at; t <= s.at + horizon; t += 15 * minute) expect(allows(t)).toBe(false);
            break;
        }
      }),
      { numRuns: 200 },
    );
  });
});

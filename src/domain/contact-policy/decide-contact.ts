/**
 * The contact-policy engine: one pure decision per outbound message (bot, campaign or agent)
 * from the policy files, the debtor's facts and a holiday calendar. It allows, defers to the
 * next allowed instant, or denies with a stable rule id and a human reason.
 *
 * Order of the rules (the first that speaks decides):
 * 1. `whatsapp_window`: a non-template WhatsApp message outside the window after the debtor's
 *    last WhatsApp message is denied (the platform would reject it; this holds for every purpose).
 * 2. `opt_out_notice` is allowed: the confirmation of an opt-out always goes out.
 * 3. `opt_out`: an opt-out on the channel or on `all` denies everything else there.
 * 4. `do_not_contact_<reason>`: creditor-initiated contact is denied; a debtor-initiated reply
 *    passes only where the policy's `doNotContact` mode for that reason lets it.
 * 5. A debtor-initiated reply (`reply` or `agent` within `replyWindow` after the debtor's last
 *    message on the same channel) is allowed: no hours, holidays, preferences or caps.
 * 6. Everything else must fall in the allowed hours of its weekday, off public holidays, inside
 *    the debtor's preference, and under every cap. If it does not, it is deferred to the first
 *    instant where all of them hold (`rule` names what blocked it at the requested instant);
 *    with no such instant within `horizon`, it is denied as `no_allowed_time`.
 */
import { addDays, dayOfWeek, type LocalDate } from '../dates.js';
import type { Channel } from '../model.js';
import { naiveMs, wallTimeAt, zoneOffsetMs } from './local-time.js';
import {
  capCovers,
  policyFor,
  minutesOf,
  type Cap,
  type ContactPolicies,
  type ResolvedContactPolicy,
} from './schema.js';

/** Why a message exists; what the policy exempts or counts depends on it. */
export type ContactPurpose =
  | 'reply' // a bot reply to the debtor's message
  | 'agent' // a human agent's message
  | 'opt_out_notice' // the confirmation of an opt-out: always allowed on that channel
  | 'reminder'
  | 'promise_reminder'
  | 'installment_reminder'
  | 'broken_promise'
  | 'payment_thanks'
  | 'survey'
  | 'nudge'
  | 'campaign';

/** Every {@link ContactPurpose}, for schemas and checks. */
export const contactPurposes = [
  'reply',
  'agent',
  'opt_out_notice',
  'reminder',
  'promise_reminder',
  'installment_reminder',
  'broken_promise',
  'payment_thanks',
  'survey',
  'nudge',
  'campaign',
] as const satisfies readonly ContactPurpose[];

/** States in which the creditor must not reach out. */
export type DoNotContactReason = 'dispute' | 'wrong_number' | 'deceased' | 'bankruptcy' | 'lawyer';

/** Every {@link DoNotContactReason}, strictest first (the order denials are reported in). */
export const doNotContactReasons = [
  'deceased',
  'wrong_number',
  'bankruptcy',
  'lawyer',
  'dispute',
] as const satisfies readonly DoNotContactReason[];

/** One outbound message already sent, or queued and allowed, to the debtor. */
export interface ContactAttempt {
  /** When it was (or is to be) sent, UTC. */
  readonly at: Date;
  readonly channel: Channel;
  readonly purpose: ContactPurpose;
  /**
   * Whether it answered the debtor inside the reply window. Debtor-initiated messages do not
   * count toward caps. When unknown, `reply`, `agent` and `opt_out_notice` are taken as
   * debtor-initiated and every other purpose as creditor-initiated.
   */
  readonly isDebtorInitiated?: boolean;
}

/** "escríbeme después de las 6": narrows the allowed hours; days 1 = Monday .. 7 = Sunday. */
export interface ContactPreference {
  /** "HH:MM", local: nothing before it. */
  readonly earliest?: string;
  /** "HH:MM" (up to "24:00"), local: nothing from it on. Earlier than `earliest` wraps midnight. */
  readonly latest?: string;
  /** ISO weekdays the debtor accepts; undefined = any. */
  readonly days?: readonly number[];
}

/** The message to decide about. */
export interface ContactRequest {
  readonly channel: Channel;
  readonly purpose: ContactPurpose;
  /** A pre-approved WhatsApp template (the only kind allowed outside the 24-hour window). */
  readonly isTemplate: boolean;
  /** The instant it would be sent, UTC. */
  readonly at: Date;
}

/** What the engine knows about the debtor; everything comes in, nothing is looked up. */
export interface DebtorContactFacts {
  /** IANA zone the hours are read in. */
  readonly timeZone: string;
  /** ISO 3166 alpha-2; undefined -> the operator default policy and no holidays. */
  readonly country: string | undefined;
  readonly optOuts: readonly (Channel | 'all')[];
  readonly doNotContact: readonly {
    readonly reason: DoNotContactReason;
    readonly channel: Channel | 'all';
  }[];
  readonly preference: ContactPreference | undefined;
  /** Outbound messages already sent or queued-and-allowed for this debtor (any order), at least as far back as the longest cap window. */
  readonly history: readonly ContactAttempt[];
  /** The debtor's last inbound message (any channel) and the channel it came on. */
  readonly lastInbound: { readonly at: Date; readonly channel: Channel } | undefined;
}

/** The verdict: `rule` is a stable id to record and count by, `reason` a sentence for people. */
export type ContactDecision =
  | { readonly type: 'allow' }
  | { readonly type: 'defer'; readonly until: Date; readonly rule: string; readonly reason: string }
  | { readonly type: 'deny'; readonly rule: string; readonly reason: string };

/** Public holidays per country; the adapter behind it may use any library. */
export interface HolidayCalendar {
  isHoliday(country: string, date: LocalDate): boolean;
}

interface Range {
  readonly from: number;
  readonly to: number;
}

const allDay: readonly Range[] = [{ from: 0, to: 1440 }];
const weekdayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const allow: ContactDecision = { type: 'allow' };

function deny(rule: string, reason: string): ContactDecision {
  return { type: 'deny', rule, reason };
}

function intersect(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const x of a) {
    for (const y of b) {
      const from = Math.max(x.from, y.from);
      const to = Math.min(x.to, y.to);
      if (from < to) out.push({ from, to });
    }
  }
  return out.sort((p, q) => p.from - q.from);
}

/** The preference's hours as ranges of the day; wraps midnight when latest < earliest. */
function preferenceRanges(preference: ContactPreference | undefined): readonly Range[] {
  if (preference?.earliest === undefined && preference?.latest === undefined) return allDay;
  const earliest = preference.earliest === undefined ? 0 : minutesOf(preference.earliest);
  const latest = preference.latest === undefined ? 1440 : minutesOf(preference.latest);
  if (earliest < latest) return [{ from: earliest, to: latest }];
  if (earliest === latest) return allDay;
  return [
    { from: 0, to: latest },
    { from: earliest, to: 1440 },
  ].filter((r) => r.from < r.to);
}

function isoWeekday(date: LocalDate): number {
  const day = dayOfWeek(date);
  return day === 0 ? 7 : day;
}

function formatMinutes(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

function formatDuration(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes % 1440 === 0 && minutes >= 2880) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** The allowed wall-clock calendar of one decision: policy hours, holidays and preference. */
class Calendar {
  private readonly byWeekday: readonly (readonly Range[])[];
  private readonly holidayMemo = new Map<string, boolean>();

  constructor(
    private readonly policy: ResolvedContactPolicy,
    private readonly timeZone: string,
    private readonly country: string | undefined,
    private readonly preference: ContactPreference | undefined,
    private readonly holidays: HolidayCalendar,
  ) {
    const preferred = preferenceRanges(preference);
    this.byWeekday = policy.week.map((ranges, index) =>
      preference?.days !== undefined && !preference.days.includes(index + 1)
        ? []
        : intersect(ranges, preferred),
    );
  }

  isHoliday(date: LocalDate): boolean {
    if (!this.policy.holidays || this.country === undefined) return false;
    let memo = this.holidayMemo.get(date);
    if (memo === undefined) {
      memo = this.holidays.isHoliday(this.country, date);
      this.holidayMemo.set(date, memo);
    }
    return memo;
  }

  private rangesOn(date: LocalDate): readonly Range[] {
    if (this.isHoliday(date)) return [];
    return this.byWeekday[isoWeekday(date) - 1] ?? [];
  }

  /** Which calendar rule blocks `instantMs`, or undefined when none does. */
  blockerAt(instantMs: number): { rule: string; reason: string } | undefined {
    const wall = wallTimeAt(this.timeZone, instantMs);
    const zone = this.timeZone;
    if (this.isHoliday(wall.date))
      return {
        rule: 'holiday',
        reason: `${wall.date} is a public holiday in ${this.country ?? ''}`,
      };
    const policyRanges = this.policy.week[wall.weekday - 1] ?? [];
    const name = weekdayNames[wall.weekday - 1] ?? '';
    if (!policyRanges.some((r) => r.from <= wall.minute && wall.minute < r.to)) {
      const hours =
        policyRanges.length === 0
          ? 'no contact'
          : policyRanges.map((r) => `${formatMinutes(r.from)}-${formatMinutes(r.to)}`).join(', ');
      return {
        rule: 'hours',
        reason: `${formatMinutes(wall.minute)} on ${name} in ${zone} is outside the allowed hours (${name}: ${hours}${this.policy.country === undefined ? '' : `, ${this.policy.country} policy`})`,
      };
    }
    const preferred = this.byWeekday[wall.weekday - 1] ?? [];
    if (!preferred.some((r) => r.from <= wall.minute && wall.minute < r.to))
      return {
        rule: 'preference',
        reason: `${formatMinutes(wall.minute)} on ${name} in ${zone} is outside the hours or days the debtor asked for`,
      };
    return undefined;
  }

  /**
   * The first instant >= `fromMs` and <= `limitMs` the calendar allows, or undefined. Walks
   * stretches of constant UTC offset, inside which wall time runs linearly, so DST gaps and
   * repeated hours are handled exactly.
   */
  nextAllowed(fromMs: number, limitMs: number): number | undefined {
    let t = fromMs;
    while (t <= limitMs) {
      const offset = zoneOffsetMs(this.timeZone, t);
      const segmentEnd = nextOffsetChange(this.timeZone, t, offset);
      const found = this.nextAllowedWall(t + offset, segmentEnd + offset);
      if (found !== undefined) {
        const instant = found - offset;
        return instant <= limitMs ? instant : undefined;
      }
      t = segmentEnd;
    }
    return undefined;
  }

  /** The first wall time (naive ms) in [wallMs, wallEndMs) inside an allowed range. */
  private nextAllowedWall(wallMs: number, wallEndMs: number): number | undefined {
    const start = new Date(wallMs);
    let date = `${start.toISOString().slice(0, 10)}` as LocalDate;
    while (naiveMs(date, 0) < wallEndMs) {
      for (const range of this.rangesOn(date)) {
        const end = naiveMs(date, range.to);
        if (end <= wallMs) continue;
        const candidate = Math.max(naiveMs(date, range.from), wallMs);
        return candidate < wallEndMs ? candidate : undefined;
      }
      date = addDays(date, 1);
    }
    return undefined;
  }
}

const minuteMs = 60_000;
/** Longer than any day, shorter than the gap between two transitions in any real zone. */
const probeMs = 36 * 60 * minuteMs;

/** The first whole minute after `t` where the zone's offset differs, or `t` + 36 h if none. */
function nextOffsetChange(timeZone: string, t: number, offset: number): number {
  const probe = t + probeMs;
  if (zoneOffsetMs(timeZone, probe) === offset) return probe;
  let low = Math.floor(t / minuteMs);
  let high = Math.ceil(probe / minuteMs);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (zoneOffsetMs(timeZone, mid * minuteMs) === offset) low = mid;
    else high = mid;
  }
  return high * minuteMs;
}

interface CapTrack {
  readonly cap: Cap;
  /** Counted attempts on the cap's channels, sorted by time. */
  readonly times: readonly number[];
  readonly channels: readonly Channel[];
}

function isCounted(attempt: ContactAttempt): boolean {
  return !(
    attempt.isDebtorInitiated ??
    (attempt.purpose === 'reply' ||
      attempt.purpose === 'agent' ||
      attempt.purpose === 'opt_out_notice')
  );
}

/** Whether a request at `t` on `channel` breaks the cap (see the TSDoc of CapSchema). */
function breaksCap(track: CapTrack, t: number, channel: Channel): boolean {
  const { cap, times } = track;
  if (cap.minGap !== undefined && times.some((a) => Math.abs(a - t) < cap.minGap!)) return true;
  if (cap.max === undefined && cap.maxChannels === undefined) return false;
  // Every window of length `window` holding t holds no more than the window starting at the
  // first attempt inside it (if that attempt is not after t) or at t: check only those.
  const starts = [t];
  for (const a of times) if (a > t - cap.window && a <= t) starts.push(a);
  for (const s of starts) {
    const end = s + cap.window;
    let count = 1;
    const used = new Set<Channel>([channel]);
    for (let i = 0; i < times.length; i += 1) {
      const a = times[i]!;
      if (a < s || a >= end) continue;
      count += 1;
      used.add(track.channels[i]!);
    }
    if (cap.max !== undefined && count > cap.max) return true;
    if (cap.maxChannels !== undefined && used.size > cap.maxChannels) return true;
  }
  return false;
}

/**
 * The first instant >= t the cap allows. Going forward, a cap stops blocking only when a
 * window or a gap around an attempt ends, so only those instants need checking.
 */
function nextAllowedByCap(track: CapTrack, t: number, channel: Channel): number {
  if (!breaksCap(track, t, channel)) return t;
  const candidates = new Set<number>();
  for (const a of track.times) {
    if (a + track.cap.window > t) candidates.add(a + track.cap.window);
    if (track.cap.minGap !== undefined && a + track.cap.minGap > t)
      candidates.add(a + track.cap.minGap);
  }
  for (const candidate of [...candidates].sort((x, y) => x - y)) {
    if (!breaksCap(track, candidate, channel)) return candidate;
  }
  return Number.POSITIVE_INFINITY;
}

function describeCap(cap: Cap, channel: Channel): string {
  const scope = cap.channels === undefined ? 'on all channels' : `on ${cap.channels.join('/')}`;
  const parts: string[] = [];
  if (cap.max !== undefined) parts.push(`at most ${cap.max} per ${formatDuration(cap.window)}`);
  if (cap.maxChannels !== undefined)
    parts.push(`at most ${cap.maxChannels} channel(s) per ${formatDuration(cap.window)}`);
  if (cap.minGap !== undefined) parts.push(`at least ${formatDuration(cap.minGap)} apart`);
  return `a ${channel} message now would break cap ${cap.id} (${parts.join(', ')} ${scope})`;
}

/** Whether the request is a reply inside the reply window on the channel the debtor used. */
function isDebtorInitiated(
  policy: ResolvedContactPolicy,
  request: ContactRequest,
  facts: DebtorContactFacts,
): boolean {
  if (request.purpose !== 'reply' && request.purpose !== 'agent') return false;
  const inbound = facts.lastInbound;
  return (
    inbound !== undefined &&
    inbound.channel === request.channel &&
    request.at.getTime() - inbound.at.getTime() < policy.replyWindow
  );
}

/**
 * Decides one outbound message. Pure and deterministic: the same inputs give the same
 * decision. A `defer` carries the first instant at which every rule allows the message with the
 * same facts (re-deciding then gives `allow`), never earlier than `request.at`.
 */
export function decideContact(
  policies: ContactPolicies,
  request: ContactRequest,
  facts: DebtorContactFacts,
  holidays: HolidayCalendar,
): ContactDecision {
  const policy = policyFor(policies, facts.country);
  const atMs = request.at.getTime();
  const { channel } = request;

  if (channel === 'whatsapp' && !request.isTemplate) {
    const inbound = facts.lastInbound;
    const isOpen =
      inbound?.channel === 'whatsapp' && atMs - inbound.at.getTime() < policy.whatsappWindow;
    if (!isOpen)
      return deny(
        'whatsapp_window',
        `free-form WhatsApp messages are only allowed within ${formatDuration(policy.whatsappWindow)} of the debtor's last WhatsApp message; use a template`,
      );
  }
  if (request.purpose === 'opt_out_notice') return allow;
  if (facts.optOuts.includes('all') || facts.optOuts.includes(channel))
    return deny(
      'opt_out',
      facts.optOuts.includes('all')
        ? 'the debtor opted out of all contact'
        : `the debtor opted out of ${channel}`,
    );

  const isReply = isDebtorInitiated(policy, request, facts);
  for (const reason of doNotContactReasons) {
    if (
      !facts.doNotContact.some(
        (d) => d.reason === reason && (d.channel === 'all' || d.channel === channel),
      )
    )
      continue;
    const mode = policy.doNotContact[reason];
    const mayReply =
      isReply && (mode === 'replies' || (mode === 'agent_replies' && request.purpose === 'agent'));
    if (!mayReply)
      return deny(
        `do_not_contact_${reason}`,
        `do not contact (${reason.replace('_', ' ')}): ${mode === 'none' ? 'no messages' : mode === 'agent_replies' ? 'only a human agent may answer the debtor' : 'only answers to the debtor'}`,
      );
  }
  if (isReply) return allow;

  const calendar = new Calendar(policy, facts.timeZone, facts.country, facts.preference, holidays);
  const tracks: CapTrack[] = [];
  for (const cap of policy.caps) {
    if (!capCovers(cap, channel)) continue;
    const counted = facts.history
      .filter((a) => isCounted(a) && capCovers(cap, a.channel))
      .map((a) => ({ at: a.at.getTime(), channel: a.channel }))
      .sort((x, y) => x.at - y.at);
    tracks.push({ cap, times: counted.map((a) => a.at), channels: counted.map((a) => a.channel) });
  }

  const blocker =
    calendar.blockerAt(atMs) ??
    (() => {
      const track = tracks.find((tr) => breaksCap(tr, atMs, channel));
      return track ? { rule: track.cap.id, reason: describeCap(track.cap, channel) } : undefined;
    })();
  if (blocker === undefined) return allow;

  const limitMs = atMs + policy.horizon;
  let candidate = atMs;
  for (;;) {
    const open = calendar.nextAllowed(candidate, limitMs);
    if (open === undefined) break;
    let next = open;
    for (const track of tracks) next = Math.max(next, nextAllowedByCap(track, open, channel));
    if (next === open) {
      return {
        type: 'defer',
        until: new Date(open),
        rule: blocker.rule,
        reason: `${blocker.reason}; next allowed ${new Date(open).toISOString()}`,
      };
    }
    if (next > limitMs) break;
    candidate = next;
  }
  return deny(
    'no_allowed_time',
    `no allowed time within ${formatDuration(policy.horizon)}: ${blocker.reason}`,
  );
}

import { describe, expect, it } from '@jest/globals';
import {
  ContactPoliciesSchema,
  decideContact,
  instantAtWallTime,
  type ContactAttempt,
  type ContactPolicies,
  type ContactRequest,
  type DebtorContactFacts,
  type HolidayCalendar,
} from '../../../src/domain/contact-policy/index.js';
import type { LocalDate } from '../../../src/domain/dates.js';

const weekdays = (range: string) => ({
  mon: [range],
  tue: [range],
  wed: [range],
  thu: [range],
  fri: [range],
});

/** Issue 5: a policy set built like the shipped files, small enough to read here. */
const policies: ContactPolicies = ContactPoliciesSchema.parse({
  default: {
    hours: { ...weekdays('08:00-19:00'), sat: ['09:00-13:00'], sun: [] },
    holidays: true,
    caps: [{ id: 'one_per_day', window: '24h', max: 1 }],
    replyWindow: '24h',
    whatsappWindow: '24h',
    horizon: '30d',
    doNotContact: {
      dispute: 'replies',
      lawyer: 'agent_replies',
      bankruptcy: 'agent_replies',
      wrong_number: 'none',
      deceased: 'none',
    },
  },
  countries: {
    CO: {
      hours: { ...weekdays('07:00-19:00'), sat: ['08:00-15:00'], sun: [] },
      caps: [
        { id: 'co_one_per_day', window: '24h', max: 1 },
        { id: 'co_one_channel_per_week', window: '7d', maxChannels: 1 },
      ],
    },
    CL: {
      hours: { ...weekdays('08:00-20:00'), sat: ['08:00-20:00'] },
      caps: [{ id: 'cl_two_per_week', window: '7d', max: 2, minGap: '48h' }],
    },
    US: {
      hours: { ...weekdays('08:00-21:00'), sat: ['08:00-21:00'], sun: ['08:00-21:00'] },
      caps: [{ id: 'us_seven_in_seven_days', window: '7d', max: 7 }],
    },
  },
  overrides: {},
});

const holidays: HolidayCalendar = {
  isHoliday: (country, date) =>
    country === 'CO' && (date === '2026-12-25' || date === '2026-12-08'),
};

function facts(overrides: Partial<DebtorContactFacts> = {}): DebtorContactFacts {
  return {
    timeZone: 'America/Bogota',
    country: 'CO',
    optOuts: [],
    doNotContact: [],
    preference: undefined,
    history: [],
    lastInbound: undefined,
    ...overrides,
  };
}

function request(at: string, overrides: Partial<ContactRequest> = {}): ContactRequest {
  return { channel: 'sms', purpose: 'campaign', isTemplate: false, at: new Date(at), ...overrides };
}

function sent(at: string, channel: ContactAttempt['channel'] = 'sms'): ContactAttempt {
  return { at: new Date(at), channel, purpose: 'reminder' };
}

describe('decideContact: hours, days and holidays in the debtor zone', () => {
  it('allows a campaign on a Colombian weekday at 10:00 Bogota', () => {
    // 2026-12-09 is a Wednesday; 15:00Z = 10:00 in Bogota (UTC-5).
    expect(decideContact(policies, request('2026-12-09T15:00:00Z'), facts(), holidays)).toEqual({
      type: 'allow',
    });
  });

  it('defers a message before opening hours to 07:00 local the same day', () => {
    const decision = decideContact(policies, request('2026-12-09T10:00:00Z'), facts(), holidays);
    expect(decision).toMatchObject({ type: 'defer', rule: 'hours' });
    expect(decision.type === 'defer' && decision.until.toISOString()).toBe(
      '2026-12-09T12:00:00.000Z',
    );
  });

  it('defers Christmas in Colombia to Saturday 08:00 (holiday, then Saturday hours)', () => {
    const decision = decideContact(policies, request('2026-12-25T15:00:00Z'), facts(), holidays);
    expect(decision).toMatchObject({ type: 'defer', rule: 'holiday' });
    expect(decision.type === 'defer' && decision.until.toISOString()).toBe(
      '2026-12-26T13:00:00.000Z',
    );
  });

  it('defers a Saturday-afternoon message past Sunday to Monday 07:00', () => {
    // Saturday 2026-12-12 16:00 Bogota, after the 15:00 close.
    const decision = decideContact(policies, request('2026-12-12T21:00:00Z'), facts(), holidays);
    expect(decision).toMatchObject({ type: 'defer', rule: 'hours' });
    expect(decision.type === 'defer' && decision.until.toISOString()).toBe(
      '2026-12-14T12:00:00.000Z',
    );
  });

  it('reads hours in the debtor zone, not UTC, and uses the default policy without a country', () => {
    // 13:30Z on a Wednesday is 08:30 in Bogota but 22:30 in Tokyo, after the default 19:00.
    const decision = decideContact(
      policies,
      request('2026-12-09T13:30:00Z'),
      facts({ timeZone: 'Asia/Tokyo', country: undefined }),
      holidays,
    );
    expect(decision).toMatchObject({ type: 'defer', rule: 'hours' });
    // Thursday 08:00 Tokyo = 23:00Z Wednesday.
    expect(decision.type === 'defer' && decision.until.toISOString()).toBe(
      '2026-12-09T23:00:00.000Z',
    );
  });

  it('handles a spring-forward gap: 08:00 is never skipped or doubled in New York', () => {
    expect(instantAtWallTime('America/New_York', '2026-03-08' as LocalDate, 8 * 60)).toBe(
      Date.parse('2026-03-08T12:00:00Z'),
    );
    // 02:30 does not exist on 2026-03-08: the first instant after it is the 03:00 jump (07:00Z).
    expect(instantAtWallTime('America/New_York', '2026-03-08' as LocalDate, 150)).toBe(
      Date.parse('2026-03-08T07:00:00Z'),
    );
    // 01:30 happens twice on 2026-11-01: the first one (05:30Z).
    expect(instantAtWallTime('America/New_York', '2026-11-01' as LocalDate, 90)).toBe(
      Date.parse('2026-11-01T05:30:00Z'),
    );
  });

  it('defers across Chile DST (midnight jump) to 08:00 local', () => {
    // Chile springs forward at 24:00 on Saturday 2026-09-05 -> Sunday 01:00. A Saturday 21:00
    // message (after the 20:00 close) goes on Monday 08:00 (-03:00) = 11:00Z.
    const decision = decideContact(
      policies,
      request('2026-09-06T01:00:00Z'),
      facts({ timeZone: 'America/Santiago', country: 'CL' }),
      holidays,
    );
    expect(decision).toMatchObject({ type: 'defer', rule: 'hours' });
    expect(decision.type === 'defer' && decision.until.toISOString()).toBe(
      '2026-09-07T11:00:00.000Z',
    );
  });
});

describe('decideContact: caps', () => {
  it('defers a second Colombian contact within 24 hours until the first leaves the window', () => {
    const decision = decideContact(
      policies,
      request('2026-12-09T16:00:00Z'),
      facts({ history: [sent('2026-12-09T13:00:00Z')] }),
      holidays,
    );
    expect(decision).toMatchObject({ type: 'defer', rule: 'co_one_per_day' });
    expect(decision.type === 'defer' && decision.until.toISOString()).toBe(
      '2026-12-10T13:00:00.000Z',
    );
  });

  it('keeps Colombia to one channel a week', () => {
    const decision = decideContact(
      policies,
      request('2026-12-11T16:00:00Z', { channel: 'telegram' }),
      facts({ history: [sent('2026-12-09T13:00:00Z', 'sms')] }),
      holidays,
    );
    expect(decision).toMatchObject({ type: 'defer', rule: 'co_one_channel_per_week' });
    expect(decision.type === 'defer' && decision.until.toISOString()).toBe(
      '2026-12-16T13:00:00.000Z',
    );
  });

  it('keeps Chile to 2 a week at least 2 days apart', () => {
    const chile = facts({ timeZone: 'America/Santiago', country: 'CL' });
    const gap = decideContact(
      policies,
      request('2026-06-03T15:00:00Z'),
      { ...chile, history: [sent('2026-06-02T14:00:00Z')] },
      holidays,
    );
    expect(gap).toMatchObject({ type: 'defer', rule: 'cl_two_per_week' });
    expect(gap.type === 'defer' && gap.until.toISOString()).toBe('2026-06-04T14:00:00.000Z');
    const week = decideContact(
      policies,
      request('2026-06-05T15:00:00Z'),
      { ...chile, history: [sent('2026-06-01T14:00:00Z'), sent('2026-06-03T14:00:00Z')] },
      holidays,
    );
    expect(week.type === 'defer' && week.until.toISOString()).toBe('2026-06-08T14:00:00.000Z');
  });

  it('counts neither replies nor opt-out notices toward caps', () => {
    const decision = decideContact(
      policies,
      request('2026-12-09T16:00:00Z'),
      facts({
        history: [
          { at: new Date('2026-12-09T13:00:00Z'), channel: 'sms', purpose: 'reply' },
          { at: new Date('2026-12-09T13:05:00Z'), channel: 'sms', purpose: 'opt_out_notice' },
        ],
      }),
      holidays,
    );
    expect(decision).toEqual({ type: 'allow' });
  });

  it('denies as no_allowed_time when the preference never meets the policy hours', () => {
    const decision = decideContact(
      policies,
      request('2026-12-09T15:00:00Z'),
      facts({ preference: { earliest: '21:00' } }),
      holidays,
    );
    expect(decision).toMatchObject({ type: 'deny', rule: 'no_allowed_time' });
  });

  it('honours "escríbeme después de las 6" as a preference', () => {
    const decision = decideContact(
      policies,
      request('2026-12-09T15:00:00Z'),
      facts({ preference: { earliest: '18:00' } }),
      holidays,
    );
    expect(decision).toMatchObject({ type: 'defer', rule: 'preference' });
    expect(decision.type === 'defer' && decision.until.toISOString()).toBe(
      '2026-12-09T23:00:00.000Z',
    );
  });
});

describe('decideContact: opt-out, do-not-contact, replies and the WhatsApp window', () => {
  const inbound = { at: new Date('2026-12-13T02:00:00Z'), channel: 'whatsapp' as const };
  // Saturday 21:30 Bogota: outside hours, inside the reply and WhatsApp windows.
  const late = '2026-12-13T02:30:00Z';

  it('lets a bot reply go outside hours right after the debtor wrote', () => {
    expect(
      decideContact(
        policies,
        request(late, { channel: 'whatsapp', purpose: 'reply' }),
        facts({ lastInbound: inbound, history: [sent('2026-12-12T14:00:00Z', 'whatsapp')] }),
        holidays,
      ),
    ).toEqual({ type: 'allow' });
  });

  it('treats a reply on another channel than the debtor used as creditor-initiated', () => {
    expect(
      decideContact(
        policies,
        request(late, { channel: 'sms', purpose: 'reply' }),
        facts({ lastInbound: inbound }),
        holidays,
      ),
    ).toMatchObject({ type: 'defer', rule: 'hours' });
  });

  it('denies a free-form WhatsApp message outside the 24-hour window, allows a template', () => {
    const at = '2026-12-16T15:00:00Z';
    expect(
      decideContact(
        policies,
        request(at, { channel: 'whatsapp' }),
        facts({ lastInbound: inbound }),
        holidays,
      ),
    ).toMatchObject({ type: 'deny', rule: 'whatsapp_window' });
    expect(
      decideContact(
        policies,
        request(at, { channel: 'whatsapp', isTemplate: true }),
        facts({ lastInbound: inbound }),
        holidays,
      ),
    ).toEqual({ type: 'allow' });
  });

  it('denies everything on an opted-out channel except the opt-out confirmation', () => {
    const optedOut = facts({ optOuts: ['whatsapp'], lastInbound: inbound });
    expect(
      decideContact(
        policies,
        request(late, { channel: 'whatsapp', purpose: 'reply' }),
        optedOut,
        holidays,
      ),
    ).toMatchObject({ type: 'deny', rule: 'opt_out' });
    expect(
      decideContact(
        policies,
        request(late, { channel: 'whatsapp', purpose: 'opt_out_notice' }),
        optedOut,
        holidays,
      ),
    ).toEqual({ type: 'allow' });
    expect(decideContact(policies, request('2026-12-09T15:00:00Z'), optedOut, holidays)).toEqual({
      type: 'allow',
    });
    expect(
      decideContact(
        policies,
        request('2026-12-09T15:00:00Z'),
        facts({ optOuts: ['all'] }),
        holidays,
      ),
    ).toMatchObject({ type: 'deny', rule: 'opt_out' });
  });

  it('applies each do-not-contact state as the policy says', () => {
    const reply = request(late, { channel: 'whatsapp', purpose: 'reply' });
    const agent = request(late, { channel: 'whatsapp', purpose: 'agent' });
    const campaign = request('2026-12-09T15:00:00Z', { channel: 'whatsapp', isTemplate: true });
    const under = (reason: 'dispute' | 'lawyer' | 'wrong_number' | 'deceased' | 'bankruptcy') =>
      facts({ lastInbound: inbound, doNotContact: [{ reason, channel: 'all' }] });
    expect(decideContact(policies, reply, under('dispute'), holidays)).toEqual({ type: 'allow' });
    expect(decideContact(policies, campaign, under('dispute'), holidays)).toMatchObject({
      type: 'deny',
      rule: 'do_not_contact_dispute',
    });
    expect(decideContact(policies, reply, under('lawyer'), holidays)).toMatchObject({
      rule: 'do_not_contact_lawyer',
    });
    expect(decideContact(policies, agent, under('lawyer'), holidays)).toEqual({ type: 'allow' });
    expect(decideContact(policies, agent, under('bankruptcy'), holidays)).toEqual({
      type: 'allow',
    });
    expect(decideContact(policies, agent, under('wrong_number'), holidays)).toMatchObject({
      rule: 'do_not_contact_wrong_number',
    });
    expect(decideContact(policies, reply, under('deceased'), holidays)).toMatchObject({
      rule: 'do_not_contact_deceased',
    });
    expect(
      decideContact(
        policies,
        request(late, { channel: 'whatsapp', purpose: 'opt_out_notice' }),
        under('deceased'),
        holidays,
      ),
    ).toEqual({ type: 'allow' });
  });

  it('scopes a do-not-contact state to its channel', () => {
    expect(
      decideContact(
        policies,
        request('2026-12-09T15:00:00Z'),
        facts({ doNotContact: [{ reason: 'wrong_number', channel: 'whatsapp' }] }),
        holidays,
      ),
    ).toEqual({ type: 'allow' });
  });
});

describe('policy resolution', () => {
  it('applies operator overrides over the country file, key by key', () => {
    const overridden: ContactPolicies = ContactPoliciesSchema.parse({
      default: {
        hours: { ...weekdays('08:00-19:00') },
        holidays: true,
        caps: [],
        replyWindow: '24h',
        whatsappWindow: '24h',
        horizon: '30d',
        doNotContact: {
          dispute: 'replies',
          lawyer: 'none',
          bankruptcy: 'none',
          wrong_number: 'none',
          deceased: 'none',
        },
      },
      countries: { CO: { hours: { ...weekdays('07:00-19:00') }, holidays: true } },
      overrides: { countries: { CO: { holidays: false } } },
    });
    expect(decideContact(overridden, request('2026-12-25T12:30:00Z'), facts(), holidays)).toEqual({
      type: 'allow',
    });
  });
});

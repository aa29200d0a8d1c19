import { describe, expect, it } from '@jest/globals';
import {
  CampaignDefinitionSchema,
  SegmentFilterSchema,
  campaignActions,
  campaignStatuses,
  isInsideWindow,
  nextWindowOpening,
  resolveSegmentFilter,
  statusesAllowing,
  transition,
} from '../../../src/domain/campaigns/index.js';

describe('campaign state machine', () => {
  it('allows exactly the documented transitions', () => {
    const table = Object.fromEntries(
      campaignStatuses.map((status) => [
        status,
        Object.fromEntries(
          campaignActions.flatMap((action) => {
            const next = transition(status, action);
            return next.ok ? [[action, next.status]] : [];
          }),
        ),
      ]),
    );
    expect(table).toEqual({
      draft: { start: 'running', stop: 'stopped' },
      running: { pause: 'paused', stop: 'stopped', finish: 'finished' },
      paused: { resume: 'running', stop: 'stopped' },
      stopped: {},
      finished: {},
    });
  });

  it('explains a refused transition and lists the states an action leaves', () => {
    expect(transition('finished', 'start')).toEqual({
      ok: false,
      reason: 'cannot start a campaign that is finished',
    });
    expect(statusesAllowing('stop')).toEqual(['draft', 'running', 'paused']);
  });
});

describe('SegmentFilterSchema', () => {
  it('accepts every criterion', () => {
    const filter = SegmentFilterSchema.parse({
      aging: ['1-30', '180+'],
      balance: { currency: 'COP', min: 0, max: 5_000_000 },
      products: ['card'],
      countries: ['CO', 'MX'],
      tags: { any: ['vip'], all: ['retail'] },
      promise: ['none', 'broken'],
      lastContact: { before: { daysAgo: 7 }, after: '2026-01-01T00:00:00Z' },
      hasChannel: ['phone'],
    });
    const resolved = resolveSegmentFilter(filter, new Date('2026-11-24T15:00:00Z'));
    expect(resolved.lastContact).toEqual({
      before: new Date('2026-11-17T15:00:00Z'),
      after: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it.each([
    [{ aging: ['2-30'] }, 'aging.0'],
    [{ balance: { currency: 'cop' } }, 'balance.currency'],
    [{ balance: { currency: 'COP', min: 10, max: 5 } }, 'balance.max'],
    [{ balance: { currency: 'COP', min: 1.5 } }, 'balance.min'],
    [{ countries: ['Colombia'] }, 'countries.0'],
    [{ tags: {} }, 'tags'],
    [{ promise: ['maybe'] }, 'promise.0'],
    [{ products: ['a', 'a'] }, 'products'],
    [{ hasChannel: ['email'] }, 'hasChannel.0'],
    [{ lastContact: { before: 'yesterday' } }, 'lastContact.before'],
    [{ optedOut: true }, ''],
  ])('rejects %j at %s', (input, path) => {
    const parsed = SegmentFilterSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('CampaignDefinitionSchema', () => {
  const valid = {
    name: 'Noviembre 31-60',
    segmentId: '7f1c1b36-3a5e-4f55-9f0b-0d9e2f6b1a10',
    flow: 'default',
    channels: ['whatsapp', 'sms'],
    variants: [
      { id: 'a', template: 'account_reminder', weight: 1 },
      { id: 'b', template: 'overdue_notice', weight: 1 },
    ],
    startsAt: '2026-11-24T13:00:00Z',
    window: { from: '09:00', to: '18:00' },
    throttle: 60,
  };
  it('accepts a full definition', () => {
    expect(CampaignDefinitionSchema.safeParse(valid).success).toBe(true);
  });
  it.each([
    [{ channels: [] }, 'channels'],
    [{ channels: ['whatsapp', 'whatsapp'] }, 'channels'],
    [{ channels: ['email'] }, 'channels.0'],
    [{ variants: [] }, 'variants'],
    [{ variants: [{ id: 'a', template: 't', weight: 0 }] }, 'variants.0.weight'],
    [
      {
        variants: [
          { id: 'a', template: 't', weight: 1 },
          { id: 'a', template: 'u', weight: 1 },
        ],
      },
      'variants',
    ],
    [{ window: { from: '18:00', to: '09:00' } }, 'window.to'],
    [{ window: { from: '9:00', to: '18:00' } }, 'window.from'],
    [{ throttle: 0 }, 'throttle'],
    [{ startsAt: '2026-11-24 13:00' }, 'startsAt'],
  ])('rejects %j at %s', (change, path) => {
    const parsed = CampaignDefinitionSchema.safeParse({ ...valid, ...change });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('daily window', () => {
  const window = { from: '09:00', to: '18:00' };
  it('reads the wall clock of the debtor', () => {
    // 15:00Z is 10:00 in Bogotá (UTC-5) and 07:00 in Los Angeles (UTC-8 in November).
    const at = new Date('2026-11-24T15:00:00Z');
    expect(isInsideWindow(window, 'America/Bogota', at)).toBe(true);
    expect(isInsideWindow(window, 'America/Los_Angeles', at)).toBe(false);
    expect(nextWindowOpening(window, 'America/Bogota', at)).toEqual(at);
    expect(nextWindowOpening(window, 'America/Los_Angeles', at)).toEqual(
      new Date('2026-11-24T17:00:00Z'),
    );
  });
  it('opens the next day after the window closed', () => {
    // 23:30Z is 18:30 in Bogotá: the next opening is 09:00 the day after.
    expect(nextWindowOpening(window, 'America/Bogota', new Date('2026-11-24T23:30:00Z'))).toEqual(
      new Date('2026-11-25T14:00:00Z'),
    );
  });
});

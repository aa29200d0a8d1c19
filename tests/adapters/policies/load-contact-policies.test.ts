import { mkdtemp, mkdir, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DateHolidaysCalendar } from '../../../src/adapters/policies/date-holidays-calendar.js';
import { loadContactPolicies } from '../../../src/adapters/policies/load-contact-policies.js';
import { decideContact, policyFor } from '../../../src/domain/contact-policy/index.js';
import { AppError } from '../../../src/domain/errors.js';
import type { LocalDate } from '../../../src/domain/dates.js';
import { packageRoot } from '../../../src/main.js';

async function copyOfShipped(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'cuota-policy-'));
  await mkdir(path.join(root, 'policies'), { recursive: true });
  await cp(path.join(packageRoot, 'policies', 'contact'), path.join(root, 'policies', 'contact'), {
    recursive: true,
  });
  return root;
}

async function problemsOf(root: string): Promise<string> {
  try {
    await loadContactPolicies(root);
  } catch (error) {
    if (error instanceof AppError && error.code === 'flow_invalid') return error.message;
    throw error;
  }
  throw new Error('expected the policy to be refused');
}

describe('the shipped contact policy files', () => {
  it('load, with a file per country and the numbers from compliance.md', async () => {
    const policies = await loadContactPolicies(packageRoot);
    expect(Object.keys(policies.countries).sort()).toEqual([
      'AR',
      'BR',
      'CL',
      'CO',
      'EC',
      'ES',
      'MX',
      'PE',
      'US',
    ]);
    const co = policyFor(policies, 'co');
    expect(co.week[0]).toEqual([{ from: 7 * 60, to: 19 * 60 }]);
    expect(co.week[6]).toEqual([]);
    expect(co.caps.map((c) => c.id)).toContain('co_one_per_day');
    const cl = policyFor(policies, 'CL');
    expect(cl.caps).toEqual([
      { id: 'cl_two_per_week', window: 7 * 86_400_000, max: 2, minGap: 2 * 86_400_000 },
    ]);
    expect(policyFor(policies, 'US').caps.find((c) => c.id === 'us_seven_in_seven_days')?.max).toBe(
      7,
    );
    // Argentina has no hour rule: the operator default hours apply.
    expect(policyFor(policies, 'AR').hours).toEqual(policies.default.hours);
    expect(policyFor(policies, undefined).country).toBeUndefined();
  });

  it('defer a Colombian Christmas campaign to the next allowed morning (real holidays)', async () => {
    const policies = await loadContactPolicies(packageRoot);
    const decision = decideContact(
      policies,
      {
        channel: 'whatsapp',
        purpose: 'campaign',
        isTemplate: true,
        at: new Date('2026-12-25T15:00:00Z'),
      },
      {
        timeZone: 'America/Bogota',
        country: 'CO',
        optOuts: [],
        doNotContact: [],
        preference: undefined,
        history: [],
        lastInbound: undefined,
      },
      new DateHolidaysCalendar(),
    );
    expect(decision).toMatchObject({
      type: 'defer',
      rule: 'holiday',
      until: new Date('2026-12-26T13:00:00Z'),
    });
  });
});

describe('loadContactPolicies errors', () => {
  it('reports every problem as file:line:column: path: message', async () => {
    const root = await copyOfShipped();
    const dir = path.join(root, 'policies', 'contact');
    await writeFile(
      path.join(dir, 'co.yaml'),
      'country: CO\nhours:\n  mon: ["19:00-07:00"]\ncaps:\n  - id: hours\n    window: 1w\n    max: 1\n',
    );
    await writeFile(path.join(dir, 'pe.yaml'), 'country: PR\n');
    await writeFile(path.join(dir, 'peru.yaml'), 'country: PE\n');
    await writeFile(path.join(dir, 'overrides.yaml'), 'countries:\n  CO:\n    horizon: forever\n');
    const message = await problemsOf(root);
    expect(message).toContain(
      'policies/contact/co.yaml:3:9: hours.mon[0]: the range must end after it starts',
    );
    expect(message).toContain(
      'policies/contact/co.yaml:5:9: caps[0].id: this id is a built-in rule',
    );
    expect(message).toContain('policies/contact/co.yaml:6:13: caps[0].window: a duration like');
    expect(message).toContain(
      'policies/contact/pe.yaml:1:10: country: this file is for "PE", not "PR"',
    );
    expect(message).toContain('policies/contact/peru.yaml:1:1: unexpected file');
    expect(message).toContain(
      'policies/contact/overrides.yaml:3:14: countries.CO.horizon: a duration like',
    );
  });

  it('refuses an incomplete default.yaml and an unknown key', async () => {
    const root = await copyOfShipped();
    const dir = path.join(root, 'policies', 'contact');
    await writeFile(path.join(dir, 'default.yaml'), 'hours: {}\nholidays: yes please\n');
    await writeFile(path.join(dir, 'mx.yaml'), 'country: MX\nhoildays: true\n');
    const message = await problemsOf(root);
    expect(message).toMatch(/default\.yaml:\d+:\d+: caps: /);
    expect(message).toContain('policies/contact/mx.yaml:2:1: hoildays: unknown key "hoildays"');
  });
});

describe('DateHolidaysCalendar', () => {
  const calendar = new DateHolidaysCalendar();
  it('knows public holidays per country and year, and only public ones', () => {
    expect(calendar.isHoliday('CO', '2026-12-25' as LocalDate)).toBe(true);
    expect(calendar.isHoliday('CO', '2026-12-24' as LocalDate)).toBe(false);
    // Colombia moves many holidays to Monday (Ley Emiliani): Reyes 2026 is on Monday 12 Jan.
    expect(calendar.isHoliday('CO', '2026-01-12' as LocalDate)).toBe(true);
    expect(calendar.isHoliday('US', '2026-07-04' as LocalDate)).toBe(true);
    expect(calendar.isHoliday('us', '2026-07-04' as LocalDate)).toBe(true);
    // Valentine's day is an observance in date-holidays, not a public holiday.
    expect(calendar.isHoliday('US', '2026-02-14' as LocalDate)).toBe(false);
    expect(calendar.isHoliday('CL', '2026-09-18' as LocalDate)).toBe(true);
  });

  it('has no holidays for a country it does not know', () => {
    expect(calendar.knowsCountry('ZZ')).toBe(false);
    expect(calendar.isHoliday('ZZ', '2026-01-01' as LocalDate)).toBe(false);
  });
});

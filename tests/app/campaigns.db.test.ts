/**
 * Issue 5 (campaigns) on the real store with a fixed clock: segment filters as SQL, the dry
 * run's now / later / never, start, throttled runs, pause, resume, stop, a rerun after a crash
 * between the outbox and the targets, sticky A/B variants and outcomes per variant.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  changeCampaignStatus,
  createCampaign,
  createSegment,
  dryRunCampaign,
  previewSegment,
  runCampaignBatch,
  runCampaigns,
  campaignWithProgress,
  type CampaignDeps,
} from '../../src/app/campaigns.js';
import { assignVariant, type SegmentFilter } from '../../src/domain/campaigns/index.js';
import { AppError } from '../../src/domain/errors.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { testCampaignDeps } from '../support/campaign-deps.js';

let db: TestDatabase;
// A Tuesday, 10:00 in Bogotá: inside Colombia's contact hours.
let now = new Date('2026-11-24T15:00:00Z');
const clock = { now: () => new Date(now.getTime()) };
let deps: CampaignDeps;

interface Seeded {
  debtorId: string;
  accountId: string;
}

let seq = 0;
async function seed(options: {
  ref: string;
  name?: string;
  country?: string;
  timeZone?: string;
  phone?: string | null;
  telegram?: string;
  dueDate?: string;
  balance?: number;
  currency?: string;
  product?: string;
  tags?: string[];
  status?: string;
  debtorId?: string;
}): Promise<Seeded> {
  seq += 1;
  let debtorId = options.debtorId;
  if (debtorId === undefined) {
    const debtor = await db.pool.query<{ id: string }>(
      `INSERT INTO debtors (debtor_ref, name, country, time_zone, locale, tags)
       VALUES ($1, $2, $3, $4, 'es-CO', $5) RETURNING id`,
      [
        `D-${options.ref}`,
        options.name ?? 'María José Pérez',
        options.country ?? 'CO',
        options.timeZone ?? 'America/Bogota',
        options.tags ?? [],
      ],
    );
    debtorId = debtor.rows[0]!.id;
    const phone =
      options.phone === undefined ? `+5730000${String(seq).padStart(5, '0')}` : options.phone;
    if (phone !== null)
      await db.pool.query(
        `INSERT INTO contact_points (debtor_id, kind, value) VALUES ($1, 'phone', $2)`,
        [debtorId, phone],
      );
    if (options.telegram !== undefined)
      await db.pool.query(
        `INSERT INTO channel_identities (provider, external_id, debtor_id) VALUES ('telegram', $1, $2)`,
        [options.telegram, debtorId],
      );
  }
  const account = await db.pool.query<{ id: string }>(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date, product, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      options.ref,
      debtorId,
      options.currency ?? 'COP',
      options.balance ?? 150_000_00,
      options.dueDate ?? '2026-10-10',
      options.product ?? 'card',
      options.status ?? 'active',
    ],
  );
  return { debtorId, accountId: account.rows[0]!.id };
}

async function refsOf(filter: SegmentFilter): Promise<string[]> {
  const segment = await createSegment(deps, `s-${(seq += 1)}`, filter);
  const preview = await previewSegment(deps, segment.id, 100);
  expect(preview.count).toBe(preview.sample.length);
  return preview.sample.map((r) => r.accountRef).sort();
}

async function outboxFor(
  campaignId: string,
): Promise<
  { dedupe_key: string; status: string; purpose: string; provider: string; content: unknown }[]
> {
  const { rows } = await db.pool.query(
    `SELECT dedupe_key, status, purpose, provider, content FROM outbox
      WHERE dedupe_key LIKE $1 ORDER BY dedupe_key`,
    [`campaign:${campaignId}:%`],
  );
  return rows as never;
}

beforeAll(async () => {
  db = await createTestDatabase();
  deps = await testCampaignDeps(db.pool, clock);
});

afterAll(async () => {
  await db.close();
});

describe('segments', () => {
  const all: Record<string, Seeded> = {};
  beforeAll(async () => {
    // Due 2026-10-10: 45 days past due on 2026-11-24 in Bogotá (31-60).
    all.base = await seed({ ref: 'SEG-BASE', tags: ['retail'] });
    all.current = await seed({
      ref: 'SEG-CURRENT',
      dueDate: '2026-11-30',
      tags: ['retail', 'vip'],
    });
    all.old = await seed({
      ref: 'SEG-OLD',
      dueDate: '2026-01-01',
      product: 'loan',
      country: 'MX',
      timeZone: 'America/Mexico_City',
      currency: 'MXN',
      balance: 900_00,
    });
    all.small = await seed({ ref: 'SEG-SMALL', balance: 10_000_00, tags: ['vip'] });
    all.telegramOnly = await seed({ ref: 'SEG-TG', phone: null, telegram: '777001' });
    all.paid = await seed({ ref: 'SEG-PAID', status: 'paid' });
    all.zero = await seed({ ref: 'SEG-ZERO', balance: 0 });
    all.optedOut = await seed({ ref: 'SEG-OPTOUT' });
    await db.pool.query(
      `INSERT INTO opt_outs (debtor_id, channel, source) VALUES ($1, 'all', 'test')`,
      [all.optedOut.debtorId],
    );
    // Promises: base has a pending one, small a broken one (after a kept one), old a kept one.
    const promise = (accountId: string, status: string, createdAt: string): Promise<unknown> =>
      db.pool.query(
        `INSERT INTO promises (account_id, amount_minor, currency, due_date, status, created_at, resolved_at)
         VALUES ($1, 100, 'COP', '2026-11-01', $2, $3, CASE WHEN $2 = 'pending' THEN NULL ELSE $3::timestamptz END)`,
        [accountId, status, createdAt],
      );
    await promise(all.base.accountId, 'pending', '2026-11-20T12:00:00Z');
    await promise(all.small.accountId, 'kept', '2026-10-01T12:00:00Z');
    await promise(all.small.accountId, 'broken', '2026-11-01T12:00:00Z');
    await promise(all.old.accountId, 'kept', '2026-11-02T12:00:00Z');
    // Last contact: base was written to on 2026-11-22, current on 2026-11-02.
    const contacted = (debtorId: string, sentAt: string): Promise<unknown> =>
      db.pool.query(
        `INSERT INTO outbox (debtor_id, provider, recipient, author, content, locale, status, next_attempt_at,
                             sent_at, created_at, updated_at)
         VALUES ($1, 'twilio-sms', '+573000000000', 'bot', '{"type":"text","text":"x"}', 'es-CO', 'sent', $2, $2, $2, $2)`,
        [debtorId, sentAt],
      );
    await contacted(all.base.debtorId, '2026-11-22T15:00:00Z');
    await contacted(all.current.debtorId, '2026-11-02T15:00:00Z');
  });

  const everyone = ['SEG-BASE', 'SEG-CURRENT', 'SEG-OLD', 'SEG-SMALL', 'SEG-TG'];

  it('always leaves out opted-out debtors and accounts not active or with nothing to pay', async () => {
    expect((await refsOf({})).filter((r) => r.startsWith('SEG-'))).toEqual(everyone);
  });

  it('filters by aging bucket in the debtor calendar, balance, product and country', async () => {
    expect(await refsOf({ aging: ['current'], countries: ['CO', 'MX'] })).toEqual(['SEG-CURRENT']);
    expect(await refsOf({ aging: ['180+'] })).toEqual(['SEG-OLD']);
    expect(await refsOf({ aging: ['31-60'] })).toEqual(['SEG-BASE', 'SEG-SMALL', 'SEG-TG']);
    expect(await refsOf({ balance: { currency: 'COP', max: 10_000_00 } })).toEqual(['SEG-SMALL']);
    expect(await refsOf({ balance: { currency: 'MXN', min: 900_00 } })).toEqual(['SEG-OLD']);
    expect(await refsOf({ products: ['loan'] })).toEqual(['SEG-OLD']);
    expect(await refsOf({ countries: ['MX'] })).toEqual(['SEG-OLD']);
  });

  it('filters by tags (any, all), promise status, last contact and channel', async () => {
    expect(await refsOf({ tags: { any: ['vip'] } })).toEqual(['SEG-CURRENT', 'SEG-SMALL']);
    expect(await refsOf({ tags: { all: ['vip', 'retail'] } })).toEqual(['SEG-CURRENT']);
    expect(await refsOf({ promise: ['pending'] })).toEqual(['SEG-BASE']);
    expect(await refsOf({ promise: ['broken', 'kept'] })).toEqual(['SEG-OLD', 'SEG-SMALL']);
    expect((await refsOf({ promise: ['none'] })).filter((r) => r.startsWith('SEG-'))).toEqual([
      'SEG-CURRENT',
      'SEG-TG',
    ]);
    // Not contacted in the last 7 days (never contacted counts).
    expect(
      (await refsOf({ lastContact: { before: { daysAgo: 7 } } })).filter((r) =>
        r.startsWith('SEG-'),
      ),
    ).toEqual(['SEG-CURRENT', 'SEG-OLD', 'SEG-SMALL', 'SEG-TG']);
    expect(await refsOf({ lastContact: { after: '2026-11-01T00:00:00Z' } })).toEqual([
      'SEG-BASE',
      'SEG-CURRENT',
    ]);
    expect(await refsOf({ hasChannel: ['telegram'] })).toEqual(['SEG-TG']);
  });

  it('refuses a second segment with the same name', async () => {
    await createSegment(deps, 'twice', {});
    await expect(createSegment(deps, 'twice', {})).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('a campaign', () => {
  const seeded: Record<string, Seeded> = {};
  let segmentId = '';

  beforeAll(async () => {
    for (let i = 1; i <= 5; i += 1)
      seeded[`ok${i}`] = await seed({ ref: `CMP-OK${i}`, product: 'campaign' });
    // A second account of the first debtor: one message per debtor, the other is skipped.
    seeded.second = await seed({
      ref: 'CMP-OK1-B',
      product: 'campaign',
      debtorId: seeded.ok1!.debtorId,
    });
    // Opted out of WhatsApp only: reached by SMS, the next channel in order.
    seeded.noWhatsapp = await seed({ ref: 'CMP-SMS', product: 'campaign' });
    await db.pool.query(
      `INSERT INTO opt_outs (debtor_id, channel, source) VALUES ($1, 'whatsapp', 'test')`,
      [seeded.noWhatsapp.debtorId],
    );
    // No phone and no Telegram: nothing reaches them.
    seeded.unreachable = await seed({ ref: 'CMP-NONE', product: 'campaign', phone: null });
    // Represented by a lawyer: never contacted by a campaign.
    seeded.lawyer = await seed({ ref: 'CMP-LAWYER', product: 'campaign' });
    await db.pool.query(
      `INSERT INTO contact_suppressions (debtor_id, channel, reason, created_at) VALUES ($1, 'all', 'lawyer', $2)`,
      [seeded.lawyer.debtorId, now],
    );
    // In Tokyo it is midnight: deferred to contact hours.
    seeded.night = await seed({
      ref: 'CMP-NIGHT',
      product: 'campaign',
      country: 'US',
      timeZone: 'Asia/Tokyo',
    });
    const segment = await createSegment(deps, 'campaign products', { products: ['campaign'] });
    segmentId = segment.id;
  });

  const definition = (name: string, extra: object = {}) => ({
    name,
    segmentId,
    flow: 'default',
    channels: ['whatsapp' as const, 'sms' as const],
    variants: [
      { id: 'a', template: 'account_reminder', weight: 1 },
      { id: 'b', template: 'overdue_notice', weight: 1 },
    ],
    startsAt: '2026-11-24T14:00:00Z',
    ...extra,
  });

  it('refuses a template a campaign cannot fill, an unknown flow and an unknown segment', async () => {
    await expect(
      createCampaign(deps, {
        ...definition('bad template'),
        variants: [{ id: 'a', template: 'promise_reminder', weight: 1 }],
      }),
    ).rejects.toThrow(/needs amount, date/);
    await expect(createCampaign(deps, { ...definition('bad flow'), flow: 'nope' })).rejects.toThrow(
      /no flow "nope"/,
    );
    await expect(
      createCampaign(deps, {
        ...definition('bad segment'),
        segmentId: '00000000-0000-4000-8000-000000000000',
      }),
    ).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('dry runs: who now, who later and when, who never and why, writing nothing', async () => {
    const campaign = await createCampaign(deps, definition('dry'));
    const before = await db.pool.query(`SELECT count(*)::int AS n FROM outbox`);
    const dry = await dryRunCampaign(deps, campaign.id);
    expect(dry).toMatchObject({
      accounts: 10,
      now: 6,
      later: { count: 1, byRule: expect.any(Object) },
      never: { count: 2, byRule: { no_channel: 1, do_not_contact_lawyer: 1 } },
      skipped: 1,
    });
    // Tokyo opens at 08:00 local, 23:00Z.
    expect(dry.later.earliest).toEqual(new Date('2026-11-24T23:00:00Z'));
    expect((dry.byVariant.a ?? 0) + (dry.byVariant.b ?? 0)).toBe(7);
    const after = await db.pool.query(`SELECT count(*)::int AS n FROM outbox`);
    expect(after.rows[0]).toEqual(before.rows[0]);
    // A daily window that has not opened yet in Bogotá puts everyone allowed now on later.
    const windowed = await dryRunCampaign(deps, {
      ...definition('draft'),
      window: { from: '14:00', to: '18:00' },
    });
    expect(windowed.now).toBe(0);
    expect(windowed.later.byRule.campaign_window).toBe(6);
    expect(windowed.later.earliest).toEqual(new Date('2026-11-24T19:00:00Z'));
  });

  it('starts, runs throttled, pauses, resumes, finishes; statuses guard each step', async () => {
    const campaign = await createCampaign(deps, definition('throttled', { throttle: 4 }));
    expect(campaign.status).toBe('draft');
    expect(await runCampaigns(deps)).toEqual([]);
    await expect(changeCampaignStatus(deps, campaign.id, 'resume')).rejects.toMatchObject({
      code: 'conflict',
    });
    await changeCampaignStatus(deps, campaign.id, 'start');

    const first = await runCampaigns(deps);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ campaignId: campaign.id, targeted: 4, batches: 1 });
    await changeCampaignStatus(deps, campaign.id, 'pause');
    expect(await runCampaigns(deps)).toEqual([]);
    await changeCampaignStatus(deps, campaign.id, 'resume');
    await runCampaigns(deps);
    const third = await runCampaigns(deps);
    expect(third[0]).toMatchObject({ targeted: 2, isFinished: false });
    const done = await runCampaigns(deps);
    expect(done[0]).toMatchObject({ targeted: 0, isFinished: true });
    const { campaign: finished, progress } = await campaignWithProgress(deps, campaign.id);
    expect(finished.status).toBe('finished');
    expect(progress).toMatchObject({
      targets: 10,
      queued: 6,
      deferred: 1,
      denied: 2,
      skipped: 1,
    });
    expect(progress.variants.reduce((n, v) => n + v.targets, 0)).toBe(10);

    const rows = await outboxFor(campaign.id);
    expect(rows).toHaveLength(9);
    expect(rows.every((r) => r.purpose === 'campaign')).toBe(true);
    const sms = rows.filter((r) => r.provider === 'twilio-sms');
    expect(sms.map((r) => r.dedupe_key)).toEqual([
      `campaign:${campaign.id}:${seeded.noWhatsapp!.accountId}`,
    ]);
    const denied = rows.filter((r) => r.status === 'denied');
    expect(denied).toHaveLength(2);
    await expect(changeCampaignStatus(deps, campaign.id, 'start')).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('assigns variants stickily per debtor and reports outcomes per variant', async () => {
    // A week and a day later (a Wednesday), so the last test's messages no longer count in caps.
    now = new Date('2026-12-02T15:00:00Z');
    const campaign = await createCampaign(deps, definition('ab'));
    await changeCampaignStatus(deps, campaign.id, 'start');
    await runCampaigns(deps);
    const targets = await db.pool.query<{
      account_id: string;
      debtor_id: string;
      variant: string;
      status: string;
    }>(
      `SELECT account_id, debtor_id, variant, status FROM campaign_targets WHERE campaign_id = $1`,
      [campaign.id],
    );
    expect(targets.rows).toHaveLength(10);
    for (const t of targets.rows)
      expect(t.variant).toBe(assignVariant(campaign.id, t.debtor_id, campaign.variants).id);
    const ok1 = targets.rows.filter((t) => t.debtor_id === seeded.ok1!.debtorId);
    expect(ok1.map((t) => t.status).sort()).toEqual(['queued', 'skipped']);
    expect(new Set(ok1.map((t) => t.variant)).size).toBe(1);

    // The message to ok2 is delivered and read; the debtor answers, verifies, promises and
    // agrees a plan; ok3's is delivered and they opt out; ok4's failed.
    const sentAt = new Date('2026-12-02T15:01:00Z');
    const keyOf = (s: Seeded): string => `campaign:${campaign.id}:${s.accountId}`;
    const mark = (s: Seeded, status: string): Promise<unknown> =>
      db.pool.query(
        `UPDATE outbox SET status = $2, sent_at = CASE WHEN $2 = 'failed' THEN NULL ELSE $3::timestamptz END
          WHERE dedupe_key = $1`,
        [keyOf(s), status, sentAt],
      );
    await mark(seeded.ok2!, 'read');
    await mark(seeded.ok3!, 'delivered');
    await mark(seeded.ok4!, 'failed');
    const conv = await db.pool.query<{ conversation_id: string }>(
      `SELECT conversation_id FROM outbox WHERE dedupe_key = $1`,
      [keyOf(seeded.ok2!)],
    );
    const conversationId = conv.rows[0]!.conversation_id;
    await db.pool.query(
      `UPDATE conversations SET state = jsonb_set(state, '{isVerified}', 'true') WHERE id = $1`,
      [conversationId],
    );
    await db.pool.query(
      `INSERT INTO messages (conversation_id, seq, direction, author, body, created_at, hash)
       VALUES ($1, 1000, 'in', 'debtor', 'hola', '2026-12-02T15:05:00Z', 'test')`,
      [conversationId],
    );
    await db.pool.query(
      `INSERT INTO promises (account_id, amount_minor, currency, due_date, created_at)
       VALUES ($1, 5000000, 'COP', '2026-12-30', '2026-12-02T15:10:00Z')`,
      [seeded.ok2!.accountId],
    );
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const plan = await client.query<{ id: string }>(
        `INSERT INTO plans (account_id, total_minor, currency, installment_count, created_at)
         VALUES ($1, 100, 'COP', 1, '2026-12-02T15:12:00Z') RETURNING id`,
        [seeded.ok2!.accountId],
      );
      await client.query(
        `INSERT INTO installments (plan_id, seq, amount_minor, due_date) VALUES ($1, 1, 100, '2026-12-01')`,
        [plan.rows[0]!.id],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await db.pool.query(
      `INSERT INTO opt_outs (debtor_id, channel, opted_out_at, source) VALUES ($1, 'whatsapp', '2026-12-02T15:20:00Z', 'test')`,
      [seeded.ok3!.debtorId],
    );

    const { progress } = await campaignWithProgress(deps, campaign.id);
    expect(progress).toMatchObject({
      sent: 2,
      delivered: 2,
      read: 1,
      failed: 1,
      replied: 1,
      verified: 1,
      promises: 1,
      amountPromised: [{ amount: 5000000, currency: 'COP' }],
      plans: 1,
      optOuts: 1,
    });
    const variantOf = (s: Seeded): string =>
      assignVariant(campaign.id, s.debtorId, campaign.variants).id;
    const ok2Variant = progress.variants.find((v) => v.variant === variantOf(seeded.ok2!));
    expect(ok2Variant).toMatchObject({ replied: 1, promises: 1, plans: 1, read: 1 });
    const ok3Variant = progress.variants.find((v) => v.variant === variantOf(seeded.ok3!));
    expect(ok3Variant?.optOuts).toBe(1);
    const sumOf = (key: 'sent' | 'failed' | 'targets'): number =>
      progress.variants.reduce((n, v) => n + v[key], 0);
    expect(sumOf('sent')).toBe(2);
    expect(sumOf('failed')).toBe(1);
  });

  it('reruns after a crash between the outbox and the targets without sending twice', async () => {
    now = new Date('2026-12-10T15:00:00Z');
    const campaign = await createCampaign(deps, definition('crash', { throttle: 100 }));
    await changeCampaignStatus(deps, campaign.id, 'start');
    const first = await runCampaignBatch(deps, campaign.id, 100);
    expect(first.targeted).toBe(10);
    const before = await outboxFor(campaign.id);
    const targetsBefore = await db.pool.query(
      `SELECT account_id, variant, status, dedupe_key, decision FROM campaign_targets
        WHERE campaign_id = $1 ORDER BY account_id`,
      [campaign.id],
    );
    // The crash: the outbox rows were committed, the targets never were.
    await db.pool.query(`DELETE FROM campaign_targets WHERE campaign_id = $1`, [campaign.id]);
    const rerun = await runCampaignBatch(deps, campaign.id, 100);
    expect(rerun.tally).toEqual({ queued: 0, deferred: 0, denied: 0, duplicates: 9 });
    expect(rerun.targeted).toBe(10);
    expect(await outboxFor(campaign.id)).toEqual(before);
    const targetsAfter = await db.pool.query(
      `SELECT account_id, variant, status, dedupe_key, decision FROM campaign_targets
        WHERE campaign_id = $1 ORDER BY account_id`,
      [campaign.id],
    );
    expect(targetsAfter.rows).toEqual(targetsBefore.rows);
    // And a plain second run adds nothing and finishes the campaign.
    const again = await runCampaignBatch(deps, campaign.id, 100);
    expect(again).toMatchObject({ targeted: 0, isFinished: true });
  });

  it('stops: messages still waiting are cancelled and nothing more is queued', async () => {
    now = new Date('2026-12-18T15:00:00Z');
    const campaign = await createCampaign(deps, definition('stopped', { throttle: 3 }));
    await changeCampaignStatus(deps, campaign.id, 'start');
    await runCampaigns(deps);
    const stopped = await changeCampaignStatus(deps, campaign.id, 'stop');
    expect(stopped.status).toBe('stopped');
    expect(stopped.finishedAt).toEqual(now);
    const rows = await outboxFor(campaign.id);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.status === 'pending')).toEqual([]);
    expect(rows.some((r) => r.status === 'cancelled')).toBe(true);
    expect(await runCampaigns(deps)).toEqual([]);
    const error = await changeCampaignStatus(deps, campaign.id, 'resume').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toBe('cannot resume a campaign that is stopped');
  });

  it('runs a whole segment in small batches written concurrently, one message per debtor', async () => {
    now = new Date('2027-01-05T15:00:00Z');
    const small: CampaignDeps = { ...deps, batchSize: 2, concurrency: 3 };
    const campaign = await createCampaign(small, definition('concurrent'));
    await changeCampaignStatus(small, campaign.id, 'start');
    const [run] = await runCampaigns(small);
    expect(run).toMatchObject({
      campaignId: campaign.id,
      batches: 5,
      targeted: 10,
      isFinished: true,
    });
    const { progress } = await campaignWithProgress(small, campaign.id);
    expect(progress).toMatchObject({ targets: 10, queued: 6, deferred: 1, denied: 2, skipped: 1 });
    expect(await outboxFor(campaign.id)).toHaveLength(9);
  });

  it('waits for its start time', async () => {
    now = new Date('2026-11-24T15:00:00Z');
    const campaign = await createCampaign(
      deps,
      definition('later', { startsAt: '2026-11-25T14:00:00Z' }),
    );
    await changeCampaignStatus(deps, campaign.id, 'start');
    expect((await runCampaigns(deps)).map((r) => r.campaignId)).not.toContain(campaign.id);
    expect(await outboxFor(campaign.id)).toEqual([]);
  });
});

import {
  assignVariant,
  isInsideWindow,
  nextWindowOpening,
  resolveSegmentFilter,
  statusesAllowing,
  transition,
  type Campaign,
  type CampaignAction,
  type CampaignDefinition,
  type CampaignVariant,
  type DailyWindow,
  type SegmentFilter,
} from '../domain/campaigns/index.js';
import { AppError } from '../domain/errors.js';
import type { AccountId, Channel } from '../domain/model.js';
import { firstName } from '../domain/outreach/render-outreach.js';
import type {
  CampaignProgress,
  CampaignStore,
  NewTarget,
  Segment,
  SegmentAccount,
  SegmentSampleRow,
} from '../ports/campaign-store.js';
import type { OutreachRequest } from '../ports/outreach-store.js';
import {
  addTally,
  emptyTally,
  planOutreach,
  queueOutreach,
  type OutreachDeps,
  type OutreachTally,
} from './outreach.js';

/** Campaigns send through the outreach layer, so they need everything it needs. */
export interface CampaignDeps extends OutreachDeps {
  readonly campaigns: CampaignStore;
  /** Accounts per batch for a campaign without a throttle (1,000 when absent). */
  readonly batchSize?: number;
  /** Batches of one unthrottled campaign written at once (2 when absent). */
  readonly concurrency?: number;
}

const defaultBatchSize = 1_000;
const defaultConcurrency = 2;

/** The variables a campaign can fill: the debtor's first name and the account's due date. */
const campaignVariables = new Set(['name', 'due_date']);

/** The outbox idempotency key of a campaign's message for one account. */
export function campaignDedupeKey(campaignId: string, accountId: string): string {
  return `campaign:${campaignId}:${accountId}`;
}

export async function createSegment(
  deps: Pick<CampaignDeps, 'campaigns' | 'clock'>,
  name: string,
  filter: SegmentFilter,
): Promise<Segment> {
  const segment = await deps.campaigns.createSegment(name, filter, deps.clock.now());
  if (segment === undefined)
    throw new AppError('conflict', `a segment named "${name}" already exists`);
  return segment;
}

async function segmentOrThrow(
  deps: Pick<CampaignDeps, 'campaigns'>,
  id: string,
  code: 'not_found' | 'bad_request' = 'not_found',
): Promise<Segment> {
  const segment = await deps.campaigns.getSegment(id);
  if (segment === undefined) throw new AppError(code, `no segment ${id}`);
  return segment;
}

/** How many accounts the segment holds now, and a sample of them (for the operator). */
export async function previewSegment(
  deps: Pick<CampaignDeps, 'campaigns' | 'clock'>,
  segmentId: string,
  sampleSize = 10,
): Promise<{ segment: Segment; count: number; sample: SegmentSampleRow[] }> {
  const segment = await segmentOrThrow(deps, segmentId);
  const now = deps.clock.now();
  const preview = await deps.campaigns.previewSegment(
    resolveSegmentFilter(segment.filter, now),
    now,
    sampleSize,
  );
  return { segment, ...preview };
}

/**
 * Checks what a definition names against what is loaded: its segment, its flow, and templates
 * that exist and need no value a campaign cannot give (an amount, a date of a promise).
 */
async function checkDefinition(
  deps: Pick<CampaignDeps, 'campaigns' | 'flows' | 'templates'>,
  definition: Pick<CampaignDraft, 'segmentId' | 'flow' | 'variants'>,
): Promise<Segment> {
  const segment = await segmentOrThrow(deps, definition.segmentId, 'bad_request');
  if (deps.flows[definition.flow] === undefined)
    throw new AppError('bad_request', `no flow "${definition.flow}" is loaded`);
  for (const variant of definition.variants) {
    const template = deps.templates.get(variant.template);
    if (template === undefined)
      throw new AppError(
        'bad_request',
        `variant ${variant.id}: no template "${variant.template}" in flows/whatsapp-templates.yaml`,
      );
    const unfillable = template.variables.filter((v) => !campaignVariables.has(v));
    if (unfillable.length > 0)
      throw new AppError(
        'bad_request',
        `variant ${variant.id}: template "${variant.template}" needs ${unfillable.join(', ')}, which a campaign cannot fill (only name and due_date)`,
      );
  }
  return segment;
}

/** Saves a campaign as a draft, after checking its segment, flow and templates. */
export async function createCampaign(
  deps: CampaignDeps,
  definition: CampaignDefinition,
): Promise<Campaign> {
  await checkDefinition(deps, definition);
  const campaign = await deps.campaigns.createCampaign(definition, deps.clock.now());
  if (campaign === undefined)
    throw new AppError('conflict', `a campaign named "${definition.name}" already exists`);
  return campaign;
}

export async function campaignOrThrow(
  deps: Pick<CampaignDeps, 'campaigns'>,
  id: string,
): Promise<Campaign> {
  const campaign = await deps.campaigns.getCampaign(id);
  if (campaign === undefined) throw new AppError('not_found', `no campaign ${id}`);
  return campaign;
}

/**
 * Start, pause, resume or stop a campaign; a conflict when its state does not allow it (the
 * store re-checks the state as it writes, so a concurrent change cannot slip between).
 */
export async function changeCampaignStatus(
  deps: Pick<CampaignDeps, 'campaigns' | 'clock'>,
  id: string,
  action: Exclude<CampaignAction, 'finish'>,
): Promise<Campaign> {
  const campaign = await campaignOrThrow(deps, id);
  const next = transition(campaign.status, action);
  if (!next.ok) throw new AppError('conflict', next.reason);
  const isChanged = await deps.campaigns.setStatus(
    id,
    action,
    statusesAllowing(action),
    next.status,
    deps.clock.now(),
  );
  if (!isChanged) {
    const now = await campaignOrThrow(deps, id);
    throw new AppError('conflict', `cannot ${action} a campaign that is ${now.status}`);
  }
  return campaignOrThrow(deps, id);
}

/** What one batch of a campaign did. */
export interface CampaignBatch {
  readonly campaignId: string;
  /** Accounts recorded as targets in this batch (skipped ones included). */
  readonly targeted: number;
  /** Accounts skipped because their debtor already had this campaign's message. */
  readonly skipped: number;
  readonly tally: OutreachTally;
  /** The segment had nothing left: the campaign is now finished. */
  readonly isFinished: boolean;
}

const idle = (campaignId: string, isFinished = false): CampaignBatch => ({
  campaignId,
  targeted: 0,
  skipped: 0,
  tally: emptyTally(),
  isFinished,
});

/**
 * Queues the campaign's message for the next `limit` accounts of its segment not yet targeted,
 * under the contact policy, and records each as a target. One message per debtor: a debtor's
 * other accounts are recorded as skipped. Safe to rerun after a crash at any point: the outbox
 * ignores a dedupe key it has seen, and targets already recorded are left as they are.
 */
export async function runCampaignBatch(
  deps: CampaignDeps,
  campaignId: string,
  limit: number,
): Promise<CampaignBatch> {
  const campaign = await campaignOrThrow(deps, campaignId);
  const now = deps.clock.now();
  if (campaign.status !== 'running' || campaign.startsAt > now) return idle(campaignId);
  const segment = await segmentOrThrow(deps, campaign.segmentId);
  const query = {
    filter: resolveSegmentFilter(segment.filter, now),
    now,
    campaignId,
    window: campaign.window,
  };

  let accounts: SegmentAccount[];
  if (campaign.window === undefined) {
    // Accounts go in id order, so the next batch starts after the last one targeted; accounts
    // imported since with a smaller id are found by the unbounded query once that runs dry.
    const after = await deps.campaigns.lastTargetedAccount(campaignId);
    accounts = await deps.campaigns.segmentAccounts({ ...query, afterAccountId: after }, limit);
    if (accounts.length === 0 && after !== undefined)
      accounts = await deps.campaigns.segmentAccounts(query, limit);
  } else {
    accounts = await deps.campaigns.segmentAccounts(query, limit);
  }

  if (accounts.length === 0) {
    const isLeft =
      campaign.window !== undefined &&
      (await deps.campaigns.segmentAccounts({ ...query, window: undefined }, 1)).length > 0;
    if (isLeft) return idle(campaignId);
    const isFinished = await deps.campaigns.setStatus(
      campaignId,
      'finish',
      statusesAllowing('finish'),
      'finished',
      now,
    );
    return idle(campaignId, isFinished);
  }

  const alreadyTargeted = await deps.campaigns.targetedDebtors(campaignId, [
    ...new Set(accounts.map((a) => a.debtor.id)),
  ]);
  const prepared = prepareBatch(campaign, accounts, new Set(alreadyTargeted));
  return { campaignId, ...(await writeBatch(deps, campaign, prepared, now)), isFinished: false };
}

interface PreparedBatch {
  readonly requests: readonly OutreachRequest[];
  readonly targets: readonly NewTarget[];
}

/**
 * The requests and targets of a batch: one message per debtor, so an account whose debtor is in
 * `seen` (targeted before, or earlier in this run) is a skipped target. Adds the batch's debtors
 * to `seen`.
 */
function prepareBatch(
  campaign: Campaign,
  accounts: readonly SegmentAccount[],
  seen: Set<string>,
): PreparedBatch {
  const requests: OutreachRequest[] = [];
  const targets: NewTarget[] = [];
  for (const account of accounts) {
    const variant = assignVariant(campaign.id, account.debtor.id, campaign.variants);
    const target = {
      accountId: account.accountId,
      debtorId: account.debtor.id,
      variant: variant.id,
    };
    if (seen.has(account.debtor.id)) {
      targets.push({ ...target, dedupeKey: undefined });
      continue;
    }
    seen.add(account.debtor.id);
    const dedupeKey = campaignDedupeKey(campaign.id, account.accountId);
    requests.push(campaignRequest(campaign, account, variant.id, variant.template, dedupeKey));
    targets.push({ ...target, dedupeKey });
  }
  return { requests, targets };
}

/** Queues a prepared batch under the contact policy, then records its targets. */
async function writeBatch(
  deps: CampaignDeps,
  campaign: Campaign,
  batch: PreparedBatch,
  now: Date,
): Promise<{ targeted: number; skipped: number; tally: OutreachTally }> {
  const tally = await queueOutreach(deps, batch.requests, campaign.flow);
  const targeted = await deps.campaigns.recordTargets(campaign.id, batch.targets, now);
  return {
    targeted,
    skipped: batch.targets.filter((t) => t.dedupeKey === undefined).length,
    tally,
  };
}

function campaignRequest(
  campaign: Pick<Campaign, 'id' | 'channels'>,
  account: SegmentAccount,
  variant: string,
  template: string,
  dedupeKey: string,
): OutreachRequest {
  return {
    dedupeKey,
    purpose: 'campaign',
    template,
    debtor: account.debtor,
    accountId: account.accountId,
    values: { name: firstName(account.debtor.name), due_date: account.dueDate },
    channels: campaign.channels,
    tags: { campaign: campaign.id, variant },
  };
}

/** What one scheduler pass did for one campaign. */
export interface CampaignRun {
  readonly campaignId: string;
  readonly batches: number;
  readonly targeted: number;
  readonly tally: OutreachTally;
  readonly isFinished: boolean;
}

/**
 * One scheduler pass (every minute): each running campaign whose start has come queues its
 * next accounts. A throttled campaign queues at most `throttle` messages per pass; one without
 * a throttle queues its whole remaining segment, batch by batch (the outbox paces sending). A
 * campaign whose segment has nothing left is marked finished. One failing campaign does not
 * keep the others from running; the failures are thrown together afterwards.
 */
export async function runCampaigns(deps: CampaignDeps): Promise<CampaignRun[]> {
  const campaigns = await deps.campaigns.runnableCampaigns(deps.clock.now());
  const runs: CampaignRun[] = [];
  const failures: string[] = [];
  for (const campaign of campaigns) {
    try {
      runs.push(await runCampaign(deps, campaign));
    } catch (err) {
      failures.push(`${campaign.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (failures.length > 0)
    throw new AppError('internal', `campaigns failed: ${failures.join('; ')}`, {
      details: { runs },
    });
  return runs;
}

async function runCampaign(deps: CampaignDeps, campaign: Campaign): Promise<CampaignRun> {
  if (campaign.throttle !== undefined || campaign.window !== undefined) {
    const batch = await runCampaignBatch(
      deps,
      campaign.id,
      campaign.throttle ?? deps.batchSize ?? defaultBatchSize,
    );
    return {
      campaignId: campaign.id,
      batches: 1,
      targeted: batch.targeted,
      tally: batch.tally,
      isFinished: batch.isFinished,
    };
  }
  return runWholeSegment(deps, campaign);
}

/**
 * An unthrottled campaign's whole remaining segment, in batches: the next batch is read and
 * prepared while up to `concurrency` earlier ones are written. Batches never share a debtor
 * (one message per debtor is decided here, in order), so concurrent writes touch disjoint
 * conversations and histories. Stops early when the campaign is paused or stopped meanwhile.
 */
async function runWholeSegment(deps: CampaignDeps, campaign: Campaign): Promise<CampaignRun> {
  const now = deps.clock.now();
  const segment = await segmentOrThrow(deps, campaign.segmentId);
  const query = { filter: resolveSegmentFilter(segment.filter, now), now, campaignId: campaign.id };
  const batchSize = deps.batchSize ?? defaultBatchSize;
  const concurrency = Math.max(1, deps.concurrency ?? defaultConcurrency);
  const tally = emptyTally();
  const seen = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  const failures: unknown[] = [];
  let batches = 0;
  let targeted = 0;
  let cursor = await deps.campaigns.lastTargetedAccount(campaign.id);
  const hasEarlierTargets = cursor !== undefined;
  // First in id order after the last account targeted; then, once that runs dry, one sweep for
  // accounts behind it (imported since, or of a batch lost to a crash), written one at a time.
  let isSweeping = false;
  let isInterrupted = false;
  for (;;) {
    if (failures.length > 0) break;
    const accounts = await deps.campaigns.segmentAccounts(
      isSweeping ? query : { ...query, afterAccountId: cursor },
      batchSize,
    );
    if (accounts.length === 0) {
      await Promise.all(inFlight);
      if (isSweeping) break;
      isSweeping = true;
      continue;
    }
    const current = await deps.campaigns.getCampaign(campaign.id);
    if (current?.status !== 'running') {
      isInterrupted = true;
      break;
    }
    cursor = accounts[accounts.length - 1]?.accountId;
    // Debtors targeted by an earlier pass are in the store; this pass's are in `seen`. A first
    // pass has no earlier targets, so it skips the lookup until it sweeps.
    if (hasEarlierTargets || isSweeping) {
      const fresh = accounts.filter((a) => !seen.has(a.debtor.id));
      const before = await deps.campaigns.targetedDebtors(campaign.id, [
        ...new Set(fresh.map((a) => a.debtor.id)),
      ]);
      for (const debtorId of before) seen.add(debtorId);
    }
    const prepared = prepareBatch(campaign, accounts, seen);
    batches += 1;
    const write = writeBatch(deps, campaign, prepared, now).then(
      (result) => {
        targeted += result.targeted;
        addTally(tally, result.tally);
      },
      (err: unknown) => {
        failures.push(err);
      },
    );
    const tracked: Promise<void> = write.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (isSweeping) await tracked;
    else if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failures.length > 0) throw failures[0];
  const isFinished =
    !isInterrupted &&
    (await deps.campaigns.setStatus(
      campaign.id,
      'finish',
      statusesAllowing('finish'),
      'finished',
      now,
    ));
  return { campaignId: campaign.id, batches, targeted, tally, isFinished };
}

/** A campaign not yet saved, for a dry run. */
export interface CampaignDraft {
  readonly segmentId: string;
  readonly flow: string;
  readonly channels: readonly Channel[];
  readonly variants: readonly CampaignVariant[];
  readonly window?: DailyWindow | undefined;
  /** ISO 8601; decided as of then when it is later than now. */
  readonly startsAt?: Date | string | undefined;
}

/** What a campaign would do if it ran now, without writing anything. */
export interface DryRun {
  /** The moment decided for: now, or the campaign's start when that is later. */
  readonly at: Date;
  /** Accounts of the segment not yet targeted. */
  readonly accounts: number;
  /** Debtors whose message would be queued due now. */
  readonly now: number;
  /** Debtors whose message would wait (quiet hours, holidays, caps, the daily window). */
  readonly later: {
    readonly count: number;
    readonly earliest: Date | undefined;
    readonly byRule: Readonly<Record<string, number>>;
  };
  /** Debtors who would not be contacted, by the rule that refuses them. */
  readonly never: { readonly count: number; readonly byRule: Readonly<Record<string, number>> };
  /** Accounts left out because their debtor gets the message for another account. */
  readonly skipped: number;
  /** Debtors per variant (those contacted now or later). */
  readonly byVariant: Readonly<Record<string, number>>;
}

/** The rule a deferral by the campaign's own daily window is reported under. */
export const campaignWindowRule = 'campaign_window';

/**
 * Dry run: every account of the segment the campaign has not targeted yet, decided as a run
 * would decide it now (daily window, channel order, templates, the contact policy with each
 * debtor's history), counted and grouped by why. Reads only.
 */
export async function dryRunCampaign(
  deps: CampaignDeps,
  campaignOrDraft: string | CampaignDraft,
): Promise<DryRun> {
  const saved =
    typeof campaignOrDraft === 'string' ? await campaignOrThrow(deps, campaignOrDraft) : undefined;
  const draft: CampaignDraft = saved ?? (campaignOrDraft as CampaignDraft);
  const segment = await checkDefinition(deps, draft);
  const startsAt = draft.startsAt === undefined ? undefined : new Date(draft.startsAt);
  const clockNow = deps.clock.now();
  const at = startsAt !== undefined && startsAt > clockNow ? startsAt : clockNow;
  const campaign = { id: saved?.id ?? 'dry-run', channels: draft.channels };
  const query = {
    filter: resolveSegmentFilter(segment.filter, at),
    now: at,
    campaignId: saved?.id,
  };
  const seen = new Set<string>();
  const result = {
    accounts: 0,
    now: 0,
    laterCount: 0,
    earliest: undefined as Date | undefined,
    laterByRule: {} as Record<string, number>,
    neverCount: 0,
    neverByRule: {} as Record<string, number>,
    skipped: 0,
    byVariant: {} as Record<string, number>,
  };
  const later = (until: Date, rule: string): void => {
    result.laterCount += 1;
    result.laterByRule[rule] = (result.laterByRule[rule] ?? 0) + 1;
    if (result.earliest === undefined || until < result.earliest) result.earliest = until;
  };
  const batchSize = deps.batchSize ?? defaultBatchSize;
  let after: AccountId | undefined;
  for (;;) {
    const accounts = await deps.campaigns.segmentAccounts(
      { ...query, afterAccountId: after },
      batchSize,
    );
    if (accounts.length === 0) break;
    after = accounts[accounts.length - 1]?.accountId;
    result.accounts += accounts.length;
    const targeted =
      saved === undefined
        ? new Set<string>()
        : await deps.campaigns.targetedDebtors(saved.id, [
            ...new Set(accounts.map((a) => a.debtor.id)),
          ]);
    const requests: { request: OutreachRequest; variant: string }[] = [];
    for (const account of accounts) {
      if (seen.has(account.debtor.id) || targeted.has(account.debtor.id)) {
        result.skipped += 1;
        continue;
      }
      seen.add(account.debtor.id);
      const variant = assignVariant(campaign.id, account.debtor.id, draft.variants);
      requests.push({
        request: campaignRequest(
          campaign,
          account,
          variant.id,
          variant.template,
          campaignDedupeKey(campaign.id, account.accountId),
        ),
        variant: variant.id,
      });
    }
    const facts = await deps.store.contactFacts(
      [...new Set(requests.map((r) => r.request.debtor.id))],
      at,
    );
    const planned = planOutreach(
      deps,
      requests.map((r) => r.request),
      facts,
      draft.flow,
      at,
    );
    for (const [i, item] of planned.entries()) {
      const { decision } = item;
      const variant = requests[i]?.variant ?? '';
      if (decision.type === 'deny') {
        result.neverCount += 1;
        result.neverByRule[decision.rule] = (result.neverByRule[decision.rule] ?? 0) + 1;
        continue;
      }
      result.byVariant[variant] = (result.byVariant[variant] ?? 0) + 1;
      const timeZone = item.request.debtor.timeZone;
      const window = draft.window;
      const opening =
        window === undefined || isInsideWindow(window, timeZone, at)
          ? undefined
          : nextWindowOpening(window, timeZone, at);
      if (decision.type === 'defer') later(decision.until, decision.rule);
      else if (opening !== undefined) later(opening, campaignWindowRule);
      else result.now += 1;
    }
  }
  return {
    at,
    accounts: result.accounts,
    now: result.now,
    later: { count: result.laterCount, earliest: result.earliest, byRule: result.laterByRule },
    never: { count: result.neverCount, byRule: result.neverByRule },
    skipped: result.skipped,
    byVariant: result.byVariant,
  };
}

/** A campaign with its progress and outcomes, overall and per variant. */
export async function campaignWithProgress(
  deps: Pick<CampaignDeps, 'campaigns'>,
  id: string,
): Promise<{ campaign: Campaign; progress: CampaignProgress }> {
  const campaign = await campaignOrThrow(deps, id);
  return { campaign, progress: await deps.campaigns.progress(id) };
}

import type {
  Campaign,
  CampaignAction,
  CampaignDefinition,
  CampaignStatus,
  DailyWindow,
  ResolvedSegmentFilter,
  SegmentFilter,
} from '../domain/campaigns/index.js';
import type { LocalDate } from '../domain/dates.js';
import type { AccountId } from '../domain/model.js';
import type { Money } from '../domain/money.js';
import type { OutreachDebtor } from './outreach-store.js';

/** A saved segment. */
export interface Segment {
  readonly id: string;
  readonly name: string;
  readonly filter: SegmentFilter;
  readonly createdAt: Date;
}

/** One account of a segment, as a campaign targets it. */
export interface SegmentAccount {
  readonly accountId: AccountId;
  readonly dueDate: LocalDate;
  readonly debtor: OutreachDebtor;
}

/** An account shown in a segment preview (for an operator, never for a debtor). */
export interface SegmentSampleRow {
  readonly accountRef: string;
  readonly debtorRef: string;
  readonly balance: Money;
  readonly dueDate: LocalDate;
  readonly daysPastDue: number;
  readonly product: string | undefined;
  readonly country: string | undefined;
}

/** Which accounts of a segment a query reads. */
export interface SegmentQuery {
  readonly filter: ResolvedSegmentFilter;
  readonly now: Date;
  /** Leave out the accounts this campaign already targeted. */
  readonly campaignId?: string | undefined;
  /** Only accounts whose debtor's wall clock is inside this window at `now`. */
  readonly window?: DailyWindow | undefined;
  /** Keyset: only accounts with a greater id. */
  readonly afterAccountId?: AccountId | undefined;
}

export type TargetStatus = 'queued' | 'deferred' | 'denied' | 'skipped';

/** A target to record: with a dedupe key, its status comes from the outbox row the key wrote. */
export interface NewTarget {
  readonly accountId: AccountId;
  readonly debtorId: string;
  readonly variant: string;
  /** Undefined for a skipped account (the debtor had this campaign's message already). */
  readonly dedupeKey: string | undefined;
}

/** What became of a campaign's messages, for one variant or all of them. */
export interface CampaignOutcomes {
  readonly targets: number;
  readonly queued: number;
  readonly deferred: number;
  readonly denied: number;
  readonly skipped: number;
  /** Handed to the provider (delivered and read included). */
  readonly sent: number;
  readonly delivered: number;
  readonly read: number;
  readonly failed: number;
  /** The debtor wrote back after the campaign message. */
  readonly replied: number;
  /** The conversation the message opened (or joined) passed identity verification. */
  readonly verified: number;
  /** Promises made on the account after the campaign message. */
  readonly promises: number;
  /** Their amounts, one entry per currency, integer minor units. */
  readonly amountPromised: readonly Money[];
  readonly plans: number;
  readonly optOuts: number;
}

export interface CampaignProgress extends CampaignOutcomes {
  readonly variants: readonly (CampaignOutcomes & { readonly variant: string })[];
}

export interface CampaignStore {
  /** Saves a segment; undefined when the name is taken. */
  createSegment(name: string, filter: SegmentFilter, at: Date): Promise<Segment | undefined>;
  listSegments(): Promise<Segment[]>;
  getSegment(id: string): Promise<Segment | undefined>;
  /** How many accounts a filter holds now, and the first few of them. */
  previewSegment(
    filter: ResolvedSegmentFilter,
    now: Date,
    sampleSize: number,
  ): Promise<{ count: number; sample: SegmentSampleRow[] }>;
  /** Saves a campaign as a draft; undefined when the name is taken. */
  createCampaign(definition: CampaignDefinition, at: Date): Promise<Campaign | undefined>;
  listCampaigns(): Promise<Campaign[]>;
  getCampaign(id: string): Promise<Campaign | undefined>;
  /** Running campaigns whose start time has come. */
  runnableCampaigns(now: Date): Promise<Campaign[]>;
  /**
   * Moves a campaign to `to` if it is still in one of `from` (compare-and-set, so two operators
   * cannot both pause and resume); false if it was not. `stop` also cancels the campaign's
   * messages still waiting in the outbox.
   */
  setStatus(
    id: string,
    action: CampaignAction,
    from: readonly CampaignStatus[],
    to: CampaignStatus,
    at: Date,
  ): Promise<boolean>;
  /** Accounts of the segment in id order, at most `limit`. */
  segmentAccounts(query: SegmentQuery, limit: number): Promise<SegmentAccount[]>;
  /** Debtors of these that this campaign already targeted (one message per debtor). */
  targetedDebtors(campaignId: string, debtorIds: readonly string[]): Promise<ReadonlySet<string>>;
  /** The greatest account id this campaign targeted (where the next batch starts). */
  lastTargetedAccount(campaignId: string): Promise<AccountId | undefined>;
  /**
   * Records targets; the status and decision of each come from the outbox row its dedupe key
   * wrote. Idempotent: a target recorded before is left as it is. Returns how many were new.
   */
  recordTargets(campaignId: string, targets: readonly NewTarget[], at: Date): Promise<number>;
  progress(campaignId: string): Promise<CampaignProgress>;
}

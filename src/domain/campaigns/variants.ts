/**
 * A/B splits: a campaign may carry several variants (a template each) with integer weights.
 * Each debtor is assigned one by hashing the campaign id with the debtor id into the weights,
 * so the assignment needs no storage to be sticky: the same debtor gets the same variant on
 * every run, after a crash, and for every account they hold.
 */

/** One arm of a campaign. */
export interface CampaignVariant {
  /** Stable id, reported with the outcomes ("a", "short-copy"). */
  readonly id: string;
  /** The WhatsApp template (its text elsewhere) this arm sends. */
  readonly template: string;
  /** Relative weight, a positive integer: weights 1 and 3 send a quarter and three quarters. */
  readonly weight: number;
}

/**
 * A 32-bit hash of a string: FNV-1a over its UTF-16 code units with murmur3's finalizer, so
 * ids that differ in one character land far apart.
 */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The variant of `debtorId` in `campaignId`: deterministic, and over many debtors the share of
 * each variant approaches its weight over the total. `variants` must be non-empty with positive
 * integer weights (the campaign schema guarantees it).
 */
export function assignVariant(
  campaignId: string,
  debtorId: string,
  variants: readonly CampaignVariant[],
): CampaignVariant {
  const first = variants[0];
  if (first === undefined) throw new RangeError('a campaign has at least one variant');
  if (variants.length === 1) return first;
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  // 2^32 possible hashes mapped onto [0, total): the bias is below total / 2^32.
  const point = Math.floor((hash32(`${campaignId}:${debtorId}`) / 0x1_0000_0000) * total);
  let cumulative = 0;
  for (const variant of variants) {
    cumulative += variant.weight;
    if (point < cumulative) return variant;
  }
  return variants[variants.length - 1] ?? first;
}

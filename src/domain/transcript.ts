import { createHash } from 'node:crypto';

/**
 * The transcript is append-only and tamper-evident: each message's hash covers the previous
 * message's hash and the message's own canonical content, so editing, removing or reordering
 * any message breaks every hash after it. The database refuses UPDATE and DELETE besides.
 */
export interface TranscriptEntry {
  readonly conversationId: string;
  readonly seq: number;
  readonly direction: 'in' | 'out';
  readonly author: 'debtor' | 'bot' | 'agent' | 'system';
  readonly body: string;
  readonly payload: unknown;
  readonly providerMessageId: string | null;
  readonly flowId: string | null;
  readonly flowVersion: number | null;
  readonly promptId: string | null;
  readonly promptVersion: number | null;
  /** UTC instant, serialised as ISO 8601 with milliseconds. */
  readonly createdAt: Date;
}

/** JSON with object keys sorted at every level, so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 hex of the previous hash (empty for the first message) and the entry's canonical form. */
export function chainHash(previousHash: string | null, entry: TranscriptEntry): string {
  const content = canonicalJson({ ...entry, createdAt: entry.createdAt.toISOString() });
  return createHash('sha256')
    .update(previousHash ?? '')
    .update('\n')
    .update(content)
    .digest('hex');
}

export type ChainVerdict =
  | { ok: true; length: number }
  | { ok: false; brokenAtSeq: number; reason: 'hash-mismatch' | 'seq-gap' };

/** Re-computes the chain over a conversation's messages in seq order. */
export function verifyChain(
  entries: readonly (TranscriptEntry & {
    readonly prevHash: string | null;
    readonly hash: string;
  })[],
): ChainVerdict {
  let previous: string | null = null;
  let expectedSeq = 1;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq) return { ok: false, brokenAtSeq: entry.seq, reason: 'seq-gap' };
    const { prevHash, hash, ...content } = entry;
    if (prevHash !== previous || chainHash(previous, content) !== hash)
      return { ok: false, brokenAtSeq: entry.seq, reason: 'hash-mismatch' };
    previous = hash;
    expectedSeq += 1;
  }
  return { ok: true, length: entries.length };
}

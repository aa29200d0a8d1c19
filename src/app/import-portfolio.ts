import { mapHeaders, requiredColumns, type ColumnMapping } from '../domain/portfolio/columns.js';
import { detectDecimalStyle, type Delimiter } from '../domain/portfolio/detect.js';
import {
  checkRow,
  isBlankRecord,
  type PortfolioRow,
  type RegionDefaults,
  type RowReject,
} from '../domain/portfolio/row.js';
import { AppError } from '../domain/errors.js';
import type { DecimalStyle } from '../domain/money.js';
import {
  normalizePhoneInFull,
  normalizePlainPhone,
  type NormalizePhoneResult,
} from '../domain/phone.js';
import type { Clock } from '../ports/clock.js';
import type { ImportCounts, PortfolioStore } from '../ports/portfolio-store.js';

/** One record of a delimited file, as the reader split it. */
export interface SourceRecord {
  /** The line the record starts on (line 1 is the first line of the file). */
  readonly line: number;
  readonly fields: readonly string[];
  /** Set when the reader could not split the record (an unbalanced quote, say). */
  readonly error?: string | undefined;
}

/** A portfolio to import: records in chunks (so a reader hands over thousands per await). */
export interface ImportInput {
  /** Names the run in the import history: a file name, "api:<file>", "demo". */
  readonly source: string;
  readonly delimiter: Delimiter;
  /** The first non-blank record is the header. */
  readonly records: AsyncIterable<readonly SourceRecord[]> | Iterable<readonly SourceRecord[]>;
  /** What the reader learned about the file (encoding...), asked once it is fully read. */
  readonly describe?: () => Readonly<Record<string, string>>;
}

export interface ImportDeps {
  readonly store: PortfolioStore;
  readonly clock: Clock;
  readonly defaults: RegionDefaults;
}

export interface ImportOptions {
  /** Rows per store transaction. */
  readonly batchSize?: number | undefined;
  /** Called for every problem of every rejected row, in file order; awaited (backpressure). */
  readonly onReject?: ((reject: RowReject) => void | Promise<void>) | undefined;
  /** Called as the file is read and batches land. */
  readonly onProgress?: ((counts: ImportCounts) => void) | undefined;
}

/** How the file was read, for reports. */
export interface ImportFormat {
  readonly delimiter: Delimiter;
  readonly decimalStyle: DecimalStyle;
  readonly details: Readonly<Record<string, string>>;
  /** Headers that name no documented column. */
  readonly ignoredColumns: readonly string[];
}

export type ImportOutcome =
  | {
      readonly ok: true;
      readonly importId: string;
      readonly counts: ImportCounts;
      readonly seconds: number;
      readonly format: ImportFormat;
    }
  | {
      readonly ok: false;
      readonly importId: string;
      readonly reason: 'no-header' | 'missing-columns' | 'duplicate-column' | 'no-rows';
      /** One sentence for the operator. */
      readonly message: string;
      readonly missingColumns: readonly string[];
      readonly seconds: number;
    };

/** Rows per batch: big enough to amortise a round trip, small enough to keep memory flat. */
export const defaultBatchSize = 5000;
/** Data records read before deciding the file's decimal style. */
const decimalSampleSize = 1000;
const phoneCacheSize = 4096;

/**
 * normalizePhone with a bounded memo for the numbers only the full parse can read: a debtor with
 * several accounts repeats the same number, and that parse is the costliest check of a row. A
 * plain number is read without it, for less than the memo's own key and lookup would cost.
 * Cleared when full rather than evicting one by one, which keeps it cheap and its memory bounded.
 */
export function cachedPhoneNormalizer(
  size = phoneCacheSize,
): (raw: string, country: string) => NormalizePhoneResult {
  const cache = new Map<string, NormalizePhoneResult>();
  return (raw, country) => {
    const plain = normalizePlainPhone(raw, country);
    if (plain !== undefined) return plain;
    const key = `${country}|${raw}`;
    let result = cache.get(key);
    if (result === undefined) {
      result = normalizePhoneInFull(raw, country);
      if (cache.size >= size) cache.clear();
      cache.set(key, result);
    }
    return result;
  };
}

/**
 * The line each account_ref of a file was first seen on. Exact (a hash hit is confirmed
 * character by character, so no ref is ever taken for another), and with nothing per ref on the
 * JS heap: a Map of a million strings grows old space and keeps the garbage collector busy for
 * the whole run, while here the refs' UTF-16 code units sit end to end in one typed array and an
 * open-addressing table of hashes points into it.
 */
export class FirstLineIndex {
  /** Per slot: entry number + 1, 0 when free. Kept at most half full. */
  private slots = new Int32Array(1 << 12);
  /** Per slot: the hash of its entry, so most probes never touch the refs. */
  private slotHashes = new Int32Array(1 << 12);
  /** Per entry: where its ref starts in `units`; entry i ends where entry i + 1 starts. */
  private starts = new Float64Array(1 << 11);
  private lines = new Float64Array(1 << 11);
  private units = new Uint16Array(1 << 15);
  private count = 0;

  /** How many refs are recorded. */
  get size(): number {
    return this.count;
  }

  /** The line `ref` was first seen on; when it is new, records `line` and returns undefined. */
  firstLineOrAdd(ref: string, line: number): number | undefined {
    const hash = hashOf(ref);
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = this.slots[slot] as number;
      if (entry === 0) break;
      if (this.slotHashes[slot] === hash && this.holds(entry - 1, ref))
        return this.lines[entry - 1];
      slot = (slot + 1) & mask;
    }
    this.add(ref, line);
    this.slots[slot] = this.count;
    this.slotHashes[slot] = hash;
    if (this.count * 2 > this.slots.length) this.rehash();
    return undefined;
  }

  private holds(entry: number, ref: string): boolean {
    const start = this.starts[entry] as number;
    const end = this.starts[entry + 1] as number;
    if (end - start !== ref.length) return false;
    const units = this.units;
    for (let i = 0; i < ref.length; i += 1)
      if (units[start + i] !== ref.charCodeAt(i)) return false;
    return true;
  }

  private add(ref: string, line: number): void {
    const entry = this.count;
    if (entry + 2 > this.starts.length) {
      const size = capacityFor(this.starts.length, entry + 2);
      const starts = new Float64Array(size);
      const lines = new Float64Array(size);
      starts.set(this.starts);
      lines.set(this.lines);
      this.starts = starts;
      this.lines = lines;
    }
    const start = this.starts[entry] as number;
    const end = start + ref.length;
    if (end > this.units.length) {
      const units = new Uint16Array(capacityFor(this.units.length, end));
      units.set(this.units);
      this.units = units;
    }
    const units = this.units;
    for (let i = 0; i < ref.length; i += 1) units[start + i] = ref.charCodeAt(i);
    this.starts[entry + 1] = end;
    this.lines[entry] = line;
    this.count = entry + 1;
  }

  private rehash(): void {
    const oldSlots = this.slots;
    const oldHashes = this.slotHashes;
    this.slots = new Int32Array(oldSlots.length * 2);
    this.slotHashes = new Int32Array(oldSlots.length * 2);
    const mask = this.slots.length - 1;
    for (let i = 0; i < oldSlots.length; i += 1) {
      const entry = oldSlots[i] as number;
      if (entry === 0) continue;
      const hash = oldHashes[i] as number;
      let slot = hash & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = entry;
      this.slotHashes[slot] = hash;
    }
  }
}

/** The next size of a growing array that must hold `needed`: doubling keeps appends cheap. */
function capacityFor(current: number, needed: number): number {
  let size = current * 2;
  while (size < needed) size *= 2;
  return size;
}

/** FNV-1a over UTF-16 code units, then murmur3's finaliser so the low bits index the table well. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

/** FNV-1a over UTF-16 code units: spreads debtor refs over lanes, the same ref always alike. */
function laneOf(debtorRef: string, laneCount: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < debtorRef.length; i += 1)
    hash = Math.imul(hash ^ debtorRef.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % laneCount;
}

/**
 * Imports a portfolio: streams records, checks each row, writes valid rows in batches (as many
 * in flight as the store allows, while the next ones are checked; a debtor's rows always in the
 * same sequence), reports every rejected row with its reasons, and records
 * the run. Bad rows never stop good ones. A file-level problem (no header, a missing required
 * column, no rows) imports nothing and is an outcome, not an exception; store failures throw
 * after the run is marked failed.
 */
export async function importPortfolio(
  deps: ImportDeps,
  input: ImportInput,
  options: ImportOptions = {},
): Promise<ImportOutcome> {
  const { store, clock } = deps;
  const batchSize = options.batchSize ?? defaultBatchSize;
  const startedAt = clock.now().getTime();
  const elapsed = (): number => (clock.now().getTime() - startedAt) / 1000;
  const importId = await store.startImport(input.source);
  const counts = { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };

  const fail = async (
    reason: Extract<ImportOutcome, { ok: false }>['reason'],
    message: string,
    missingColumns: readonly string[] = [],
  ): Promise<ImportOutcome> => {
    await store.finishImport(importId, {
      status: 'failed',
      counts: { ...counts },
      summary: { error: reason, message, missingColumns, ...input.describe?.() },
    });
    return { ok: false, importId, reason, message, missingColumns, seconds: elapsed() };
  };

  let mapping: ColumnMapping | undefined;
  let context: Parameters<typeof checkRow>[2] | undefined;
  let decimalStyle: DecimalStyle = input.delimiter === ';' ? 'comma' : 'point';
  const sample: SourceRecord[] = [];
  const firstLineOf = new FirstLineIndex();
  // One lane per concurrent batch; a debtor's rows always take the same lane (see parallelism).
  const lanes = Array.from({ length: Math.max(1, store.parallelism) }, () => ({
    batch: [] as PortfolioRow[],
    inFlight: undefined as Promise<void> | undefined,
  }));
  let storeFailure: { error: unknown } | undefined;
  const normalize = cachedPhoneNormalizer();

  const send = async (lane: (typeof lanes)[number]): Promise<void> => {
    const rows = lane.batch;
    lane.batch = [];
    if (lane.inFlight !== undefined) await lane.inFlight;
    if (storeFailure !== undefined) throw storeFailure.error;
    if (rows.length === 0) return;
    // Attach the handlers now: the promise is awaited only when the lane's next batch is ready.
    lane.inFlight = store.writeBatch(importId, rows).then(
      (outcome) => {
        counts.inserted += outcome.inserted;
        counts.updated += outcome.updated;
        counts.unchanged += outcome.unchanged;
        options.onProgress?.({ ...counts });
      },
      (error: unknown) => {
        storeFailure = { error };
      },
    );
  };

  const reject = async (
    line: number,
    problems: readonly { column: string; value: string; reason: string }[],
  ): Promise<void> => {
    counts.rejected += 1;
    if (options.onReject === undefined) return;
    for (const problem of problems) await options.onReject({ row: line, ...problem });
  };

  // Synchronous unless the row completes a batch or is rejected: an async function per row
  // would cost a promise and a microtask turn for each of a million rows.
  const take = (record: SourceRecord): Promise<void> | undefined => {
    if (context === undefined)
      throw new AppError('internal', 'rows checked before the header was mapped');
    counts.read += 1;
    if (record.error !== undefined)
      return reject(record.line, [{ column: '', value: '', reason: record.error }]);
    const checked = checkRow(record.fields, record.line, context);
    if (!checked.ok) return reject(record.line, checked.problems);
    const first = firstLineOf.firstLineOrAdd(checked.row.accountRef, record.line);
    if (first !== undefined) {
      return reject(record.line, [
        {
          column: context.mapping.label.account_ref ?? 'account_ref',
          value: checked.row.accountRef,
          reason: `duplicate account_ref: first seen on row ${first}`,
        },
      ]);
    }
    const lane = lanes.length === 1 ? lanes[0] : lanes[laneOf(checked.row.debtorRef, lanes.length)];
    if (lane === undefined) throw new AppError('internal', 'no lane for a row');
    lane.batch.push(checked.row);
    return lane.batch.length >= batchSize ? send(lane) : undefined;
  };

  const decide = async (): Promise<void> => {
    if (mapping === undefined) return;
    const balanceAt = mapping.index.balance as number;
    decimalStyle = detectDecimalStyle(
      sample.map((record) => record.fields[balanceAt] ?? ''),
      input.delimiter,
    );
    context = { mapping, decimalStyle, defaults: deps.defaults, normalizePhone: normalize };
    for (const record of sample) {
      const pending = take(record);
      if (pending !== undefined) await pending;
    }
    sample.length = 0;
  };

  try {
    for await (const chunk of input.records) {
      for (const record of chunk) {
        if (record.error === undefined && isBlankRecord(record.fields)) continue;
        if (mapping === undefined) {
          if (record.error !== undefined)
            return await fail(
              'no-header',
              `the header (line ${record.line}) cannot be read: ${record.error}`,
            );
          const mapped = mapHeaders(record.fields);
          if (!mapped.ok) {
            if (mapped.reason === 'missing-columns') {
              return await fail(
                'missing-columns',
                `missing required column${mapped.missing.length > 1 ? 's' : ''}: ${mapped.missing.join(', ')} (found: ${record.fields.map((f) => f.trim()).join(', ')})`,
                mapped.missing,
              );
            }
            return await fail(
              'duplicate-column',
              `columns "${mapped.headers[0]}" and "${mapped.headers[1]}" both name ${mapped.column}`,
            );
          }
          mapping = mapped.mapping;
          continue;
        }
        if (context === undefined) {
          sample.push(record);
          if (sample.length >= decimalSampleSize) await decide();
          continue;
        }
        const pending = take(record);
        if (pending !== undefined) await pending;
      }
      options.onProgress?.({ ...counts });
    }
    if (mapping === undefined)
      return await fail(
        'no-header',
        `no header row (expected columns ${requiredColumns.join(', ')})`,
      );
    if (context === undefined) await decide();
    for (const lane of lanes) await send(lane);
    for (const lane of lanes) await send(lane);
    if (counts.read === 0) return await fail('no-rows', 'the file has a header but no rows');
    const format: ImportFormat = {
      delimiter: input.delimiter,
      decimalStyle,
      details: input.describe?.() ?? {},
      ignoredColumns: mapping.ignored,
    };
    const seconds = elapsed();
    await store.finishImport(importId, {
      status: 'finished',
      counts: { ...counts },
      summary: {
        seconds,
        delimiter: format.delimiter,
        decimalStyle,
        ignoredColumns: format.ignoredColumns,
        ...format.details,
      },
    });
    return { ok: true, importId, counts: { ...counts }, seconds, format };
  } catch (error) {
    for (const lane of lanes) await lane.inFlight;
    await store
      .finishImport(importId, {
        status: 'failed',
        counts: { ...counts },
        summary: {
          error: 'exception',
          message: error instanceof Error ? error.message : String(error),
        },
      })
      .catch(() => undefined);
    throw error;
  }
}

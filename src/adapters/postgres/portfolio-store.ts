import { randomFillSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { PortfolioRow } from '../../domain/portfolio/row.js';
import type { BatchOutcome, ImportCounts, PortfolioStore } from '../../ports/portfolio-store.js';
import type { Database } from './database.js';
import { dropIndexesForBulkLoad, rebuildDroppedIndexes } from './dropped-indexes.js';
import { liftForeignKeysForBulkLoad, restoreLiftedForeignKeys } from './lifted-foreign-keys.js';

/**
 * One per-connection staging table for the three parts of a batch, emptied at every commit:
 * `part` 1 is a debtor (one row per debtor of the batch, its values already merged over the
 * batch's lines), 2 a contact point (deduplicated), 3 an account (one per file row). `tags` is
 * joined with '|' (a tag never contains one); `resolved_*` is what a new debtor gets when the
 * file said nothing, the bare column what the file said; `new_id` is the id a new debtor or
 * account gets.
 */
const createStaging = /* sql */ `
CREATE TEMP TABLE IF NOT EXISTS cuota_import_staging (
  part smallint NOT NULL,
  line integer,
  debtor_ref text NOT NULL,
  account_ref text,
  name text,
  document_id text,
  country text,
  resolved_country text,
  time_zone text,
  resolved_time_zone text,
  locale text,
  resolved_locale text,
  segment text,
  tags text,
  kind text,
  value text,
  currency text,
  balance_minor bigint,
  original_minor bigint,
  min_payment_minor bigint,
  due_date date,
  product text,
  new_id uuid
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS cuota_import_changed (debtor_id uuid NOT NULL) ON COMMIT DELETE ROWS;`;

/** The COPY order of the staging columns. */
const stagingColumns = [
  'part',
  'line',
  'debtor_ref',
  'account_ref',
  'name',
  'document_id',
  'country',
  'resolved_country',
  'time_zone',
  'resolved_time_zone',
  'locale',
  'resolved_locale',
  'segment',
  'tags',
  'kind',
  'value',
  'currency',
  'balance_minor',
  'original_minor',
  'min_payment_minor',
  'due_date',
  'product',
  'new_id',
] as const;

type StagingValue = string | number | null;

const DEBTOR = 1;
const CONTACT_POINT = 2;
const ACCOUNT = 3;

/** A batch's debtor: per column the value of its last line that has one. */
interface BatchDebtor {
  readonly debtorRef: string;
  name: string;
  documentId: string | undefined;
  country: string | undefined;
  resolvedCountry: string | undefined;
  timeZone: string | undefined;
  resolvedTimeZone: string;
  locale: string | undefined;
  resolvedLocale: string;
  segment: string | undefined;
  tags: readonly string[] | undefined;
  /** The id a new debtor gets. */
  id: string;
  /** The id of the stored debtor with this ref, once a lookup found one. */
  storedId: string | undefined;
  /** The batch's contact points of this debtor, as `[kind, value]`, each once. */
  readonly contacts: [kind: string, value: string][];
}

/** A batch ready to stage: its debtors merged, its contact points deduplicated, ids drawn. */
interface StagedBatch {
  readonly debtors: readonly BatchDebtor[];
  readonly accounts: readonly PortfolioRow[];
  /** Per account, the id it gets when new. */
  readonly accountIds: readonly string[];
  /** Per account, its debtor. */
  readonly accountDebtors: readonly BatchDebtor[];
}

/**
 * Merges a debtor's lines (later lines win, a blank keeps what an earlier line said), which
 * spares the database a GROUP BY per batch, and deduplicates contact points the same way.
 */
function stageBatch(rows: readonly PortfolioRow[]): StagedBatch {
  const byRef = new Map<string, BatchDebtor>();
  const accountDebtors: BatchDebtor[] = [];
  // A debtor's first line cannot repeat itself (one phone, one e-mail, one chat id); its later
  // lines are checked against the few contact points it has so far.
  const contact = (debtor: BatchDebtor, isRepeat: boolean, kind: string, value: string): void => {
    if (isRepeat && debtor.contacts.some(([k, v]) => k === kind && v === value)) return;
    debtor.contacts.push([kind, value]);
  };
  for (const row of rows) {
    let debtor = byRef.get(row.debtorRef);
    const isRepeat = debtor !== undefined;
    if (debtor === undefined) {
      debtor = {
        debtorRef: row.debtorRef,
        name: row.name,
        documentId: row.documentId,
        country: row.explicitCountry,
        resolvedCountry: row.resolvedCountry,
        timeZone: row.explicitTimeZone,
        resolvedTimeZone: row.resolvedTimeZone,
        locale: row.explicitLocale,
        resolvedLocale: row.resolvedLocale,
        segment: row.segment,
        tags: row.tags,
        id: '',
        storedId: undefined,
        contacts: [],
      };
      byRef.set(row.debtorRef, debtor);
    } else {
      debtor.name = row.name;
      debtor.documentId = row.documentId ?? debtor.documentId;
      debtor.country = row.explicitCountry ?? debtor.country;
      debtor.resolvedCountry = row.resolvedCountry ?? debtor.resolvedCountry;
      debtor.timeZone = row.explicitTimeZone ?? debtor.timeZone;
      debtor.resolvedTimeZone = row.resolvedTimeZone;
      debtor.locale = row.explicitLocale ?? debtor.locale;
      debtor.resolvedLocale = row.resolvedLocale;
      debtor.segment = row.segment ?? debtor.segment;
      debtor.tags = row.tags ?? debtor.tags;
    }
    accountDebtors.push(debtor);
    contact(debtor, isRepeat, 'phone', row.phone);
    if (row.email !== undefined) contact(debtor, isRepeat, 'email', row.email);
    if (row.telegramId !== undefined) contact(debtor, isRepeat, 'telegram', row.telegramId);
  }
  const debtors = [...byRef.values()];
  const ids = timeOrderedIds(debtors.length + rows.length, Date.now());
  debtors.forEach((debtor, i) => {
    debtor.id = ids[i] as string;
  });
  return { debtors, accounts: rows, accountIds: ids.slice(debtors.length), accountDebtors };
}

const copySpecialAll = /[\\\t\n\r]/g;
const copyEscapes: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

/** A text value in COPY's text format; `\N` for none. */
function c(value: string | undefined): string {
  if (value === undefined) return '\\N';
  // A character loop: cheaper than a regex call for the short values of a row, on every row.
  for (let i = 0; i < value.length; i += 1) {
    const ch = value.charCodeAt(i);
    if (ch === 92 || ch === 9 || ch === 10 || ch === 13)
      return value.replace(copySpecialAll, (special) => copyEscapes[special] ?? special);
  }
  return value;
}

/** A number in COPY's text format; `\N` for none. */
function n(value: number | undefined): string {
  return value === undefined ? '\\N' : String(value);
}

/** The contact points of `debtors`, as `[debtorRef, kind, value]`. */
function contactPointsOf(debtors: readonly BatchDebtor[]): [string, string, string][] {
  const points: [string, string, string][] = [];
  for (const debtor of debtors)
    for (const [kind, value] of debtor.contacts) points.push([debtor.debtorRef, kind, value]);
  return points;
}

/**
 * The batch in COPY's text format, in {@link stagingColumns} order: written out per part
 * rather than value by value, as this runs on the importer's only thread for every row.
 */
function copyText(batch: StagedBatch): string {
  const lines: string[] = [];
  for (const d of batch.debtors) {
    lines.push(
      `${DEBTOR}\t\\N\t${c(d.debtorRef)}\t\\N\t${c(d.name)}\t${c(d.documentId)}\t${c(d.country)}\t` +
        `${c(d.resolvedCountry)}\t${c(d.timeZone)}\t${c(d.resolvedTimeZone)}\t${c(d.locale)}\t` +
        `${c(d.resolvedLocale)}\t${c(d.segment)}\t${c(d.tags?.join('|'))}\t` +
        `\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t${d.id}`,
    );
  }
  for (const [debtorRef, kind, value] of contactPointsOf(batch.debtors)) {
    lines.push(
      `${CONTACT_POINT}\t\\N\t${c(debtorRef)}\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t` +
        `\\N\t\\N\t${kind}\t${c(value)}\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N`,
    );
  }
  batch.accounts.forEach((row, i) => {
    lines.push(
      `${ACCOUNT}\t${row.line}\t${c(row.debtorRef)}\t${c(row.accountRef)}\t\\N\t\\N\t\\N\t\\N\t\\N\t` +
        `\\N\t\\N\t\\N\t${c(row.segment)}\t\\N\t\\N\t\\N\t${row.currency}\t${row.balance}\t` +
        `${n(row.originalAmount)}\t${n(row.minPayment)}\t${row.dueDate}\t${c(row.product)}\t` +
        `${batch.accountIds[i] as string}`,
    );
  });
  lines.push('');
  return lines.join('\n');
}

const copyStaging = `COPY cuota_import_staging (${stagingColumns.join(', ')}) FROM STDIN`;
/** What each part of a batch fills, for the unnest insert. */
const debtorColumns = [
  ['debtor_ref', 'text'],
  ['name', 'text'],
  ['document_id', 'text'],
  ['country', 'text'],
  ['resolved_country', 'text'],
  ['time_zone', 'text'],
  ['resolved_time_zone', 'text'],
  ['locale', 'text'],
  ['resolved_locale', 'text'],
  ['segment', 'text'],
  ['tags', 'text'],
  ['new_id', 'uuid'],
] as const;
const contactPointColumns = [
  ['debtor_ref', 'text'],
  ['kind', 'text'],
  ['value', 'text'],
] as const;
const accountColumns = [
  ['line', 'int'],
  ['debtor_ref', 'text'],
  ['account_ref', 'text'],
  ['segment', 'text'],
  ['currency', 'text'],
  ['balance_minor', 'bigint'],
  ['original_minor', 'bigint'],
  ['min_payment_minor', 'bigint'],
  ['due_date', 'date'],
  ['product', 'text'],
  ['new_id', 'uuid'],
] as const;

function unnestInsert(
  part: number,
  columns: readonly (readonly [string, string])[],
  offset: number,
): string {
  return (
    `INSERT INTO cuota_import_staging (part, ${columns.map(([name]) => name).join(', ')}) ` +
    `SELECT ${part}, * FROM unnest(${columns.map(([, type], i) => `$${offset + i + 1}::${type}[]`).join(', ')})`
  );
}

/** Stages a batch where COPY is not available: each part's own columns, one array each. */
const insertStaging =
  `WITH debtors AS (${unnestInsert(DEBTOR, debtorColumns, 0)}), ` +
  `contact_points AS (${unnestInsert(CONTACT_POINT, contactPointColumns, debtorColumns.length)}) ` +
  unnestInsert(ACCOUNT, accountColumns, debtorColumns.length + contactPointColumns.length);

/** The parameters of {@link insertStaging}. */
function stagingArrays(batch: StagedBatch): StagingValue[][] {
  const { debtors: d, accounts: a } = batch;
  const c = contactPointsOf(d);
  return [
    d.map((x) => x.debtorRef),
    d.map((x) => x.name),
    d.map((x) => x.documentId ?? null),
    d.map((x) => x.country ?? null),
    d.map((x) => x.resolvedCountry ?? null),
    d.map((x) => x.timeZone ?? null),
    d.map((x) => x.resolvedTimeZone),
    d.map((x) => x.locale ?? null),
    d.map((x) => x.resolvedLocale),
    d.map((x) => x.segment ?? null),
    d.map((x) => (x.tags === undefined ? null : x.tags.join('|'))),
    d.map((x) => x.id),
    c.map((x) => x[0]),
    c.map((x) => x[1]),
    c.map((x) => x[2]),
    a.map((row) => row.line),
    a.map((row) => row.debtorRef),
    a.map((row) => row.accountRef),
    a.map((row) => row.segment ?? null),
    a.map((row) => row.currency),
    a.map((row) => row.balance),
    a.map((row) => row.originalAmount ?? null),
    a.map((row) => row.minPayment ?? null),
    a.map((row) => row.dueDate),
    a.map((row) => row.product ?? null),
    [...batch.accountIds],
  ];
}

/**
 * Updates debtors whose values changed (blanks keep what is stored) and inserts new ones with
 * the resolved zone, locale and country; both see the statement's snapshot, so they never meet
 * the same debtor. The changed ones are noted for the batch's counts.
 */
const mergeDebtors = /* sql */ `
WITH b AS (SELECT * FROM cuota_import_staging WHERE part = ${DEBTOR}), changed AS (
  UPDATE debtors d SET
    name = b.name,
    document_id = COALESCE(b.document_id, d.document_id),
    country = COALESCE(b.country, d.country, b.resolved_country),
    time_zone = COALESCE(b.time_zone, d.time_zone),
    locale = COALESCE(b.locale, d.locale),
    segment = COALESCE(b.segment, d.segment),
    tags = COALESCE(string_to_array(b.tags, '|'), d.tags),
    updated_at = now()
  FROM b
  WHERE d.debtor_ref = b.debtor_ref
    AND (d.name, d.document_id, d.country, d.time_zone, d.locale, d.segment, d.tags) IS DISTINCT FROM
        (b.name, COALESCE(b.document_id, d.document_id), COALESCE(b.country, d.country, b.resolved_country),
         COALESCE(b.time_zone, d.time_zone), COALESCE(b.locale, d.locale), COALESCE(b.segment, d.segment),
         COALESCE(string_to_array(b.tags, '|'), d.tags))
  RETURNING d.id
), added AS (
  INSERT INTO debtors (id, debtor_ref, name, document_id, country, time_zone, locale, segment, tags)
  SELECT new_id, debtor_ref, name, document_id, COALESCE(country, resolved_country), COALESCE(time_zone, resolved_time_zone),
         COALESCE(locale, resolved_locale), segment, COALESCE(string_to_array(tags, '|'), '{}')
  FROM b
  WHERE NOT EXISTS (SELECT 1 FROM debtors d WHERE d.debtor_ref = b.debtor_ref)
  ORDER BY debtor_ref
  ON CONFLICT (debtor_ref) DO NOTHING
)
INSERT INTO cuota_import_changed (debtor_id) SELECT id FROM changed`;

/** Adds contact points a debtor does not have yet; existing ones (and their consent) stay. */
const insertContactPoints = /* sql */ `
WITH added AS (
  INSERT INTO contact_points (debtor_id, kind, value)
  SELECT d.id, c.kind, c.value
  FROM cuota_import_staging c
  JOIN debtors d ON d.debtor_ref = c.debtor_ref
  WHERE c.part = ${CONTACT_POINT}
  ON CONFLICT (debtor_id, kind, value) DO NOTHING
  RETURNING debtor_id
)
INSERT INTO cuota_import_changed (debtor_id) SELECT DISTINCT debtor_id FROM added`;

/**
 * Merges accounts: updates those that changed (an UPDATE with the change test in its WHERE
 * leaves unchanged rows untouched, where ON CONFLICT DO UPDATE would lock each one), inserts
 * new ones, audits balance changes against the pre-statement snapshot (the UPDATE reads the old
 * balance through a second reference to the row, which sees the snapshot; joining CTEs to each
 * other instead would be a nested loop over both, as hash joins are off), and counts the
 * batch's rows. Blank optional values keep what is stored. `importId` is
 * a literal because the batch's statements travel as one simple query.
 */
function mergeAccounts(importId: string): string {
  return /* sql */ `
WITH s AS (
  SELECT s.*, d.id AS debtor_id FROM cuota_import_staging s JOIN debtors d ON d.debtor_ref = s.debtor_ref
  WHERE s.part = ${ACCOUNT}
), updated AS (
  UPDATE accounts a SET
    debtor_id = s.debtor_id,
    currency = s.currency,
    balance_minor = s.balance_minor,
    original_minor = COALESCE(s.original_minor, a.original_minor),
    min_payment_minor = COALESCE(s.min_payment_minor, a.min_payment_minor),
    due_date = s.due_date,
    product = COALESCE(s.product, a.product),
    segment = COALESCE(s.segment, a.segment),
    updated_at = now()
  FROM (SELECT s.*, o.id AS account_id, o.balance_minor AS old_balance_minor, o.currency AS old_currency
        FROM s JOIN accounts o ON o.account_ref = s.account_ref) s
  WHERE a.id = s.account_id
    AND (a.debtor_id, a.currency, a.balance_minor, a.original_minor, a.min_payment_minor, a.due_date, a.product, a.segment) IS DISTINCT FROM
        (s.debtor_id, s.currency, s.balance_minor, COALESCE(s.original_minor, a.original_minor), COALESCE(s.min_payment_minor, a.min_payment_minor),
         s.due_date, COALESCE(s.product, a.product), COALESCE(s.segment, a.segment))
  RETURNING a.id, a.account_ref, a.balance_minor, a.currency, s.old_balance_minor, s.old_currency
), inserted AS (
  INSERT INTO accounts (id, account_ref, debtor_id, currency, balance_minor, original_minor, min_payment_minor, due_date, product, segment)
  SELECT s.new_id, s.account_ref, s.debtor_id, s.currency, s.balance_minor, s.original_minor, s.min_payment_minor, s.due_date, s.product, s.segment
  FROM s
  WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.account_ref = s.account_ref)
  ON CONFLICT (account_ref) DO NOTHING
  RETURNING account_ref
), audited AS (
  INSERT INTO audit_log (actor, action, entity_type, entity_id, data)
  SELECT 'import', 'balance_changed', 'account', u.id::text,
         jsonb_build_object('from', u.old_balance_minor, 'to', u.balance_minor, 'currency', u.currency, 'importId', ${importId}::text)
           || CASE WHEN u.old_currency <> u.currency THEN jsonb_build_object('fromCurrency', u.old_currency) ELSE '{}'::jsonb END
  FROM updated u
  WHERE u.old_balance_minor <> u.balance_minor OR u.old_currency <> u.currency
)
SELECT (SELECT count(*) FROM inserted)::int AS inserted,
       (SELECT count(*) FROM s
         WHERE s.account_ref IN (SELECT account_ref FROM updated)
            OR (s.debtor_id IN (SELECT debtor_id FROM cuota_import_changed)
                AND s.account_ref NOT IN (SELECT account_ref FROM inserted)))::int AS updated`;
}

/**
 * Which of a batch's debtors and accounts the store already holds: one index probe per ref.
 * Refs never contain a line break (the row check folds whitespace), so each list travels as one
 * text parameter, and the answer comes back as two strings, not as a row per ref: the
 * positions of the known debtors with their ids ("3:uuid,7:uuid") and of the known accounts
 * ("1,2,5"), positions counted from 1 in the lists sent.
 */
const lookupKnown = /* sql */ `
SELECT (SELECT string_agg(r.n || ':' || d.id, ',')
        FROM unnest(string_to_array($1, E'\\n')) WITH ORDINALITY AS r(ref, n)
        JOIN debtors d ON d.debtor_ref = r.ref) AS debtors,
       (SELECT string_agg(r.n::text, ',')
        FROM unnest(string_to_array($2, E'\\n')) WITH ORDINALITY AS r(ref, n)
        JOIN accounts a ON a.account_ref = r.ref) AS accounts`;

/**
 * Applies {@link lookupKnown}'s answer to the batch: each stored debtor gets its `storedId`.
 * Returns, per account, whether the store holds it (1) or not (0).
 */
function applyKnown(
  batch: StagedBatch,
  answer: { debtors: string | null; accounts: string | null },
): Uint8Array {
  for (const d of batch.debtors) d.storedId = undefined;
  for (const entry of answer.debtors?.split(',') ?? []) {
    const colon = entry.indexOf(':');
    const debtor = batch.debtors[Number(entry.slice(0, colon)) - 1];
    if (debtor !== undefined) debtor.storedId = entry.slice(colon + 1);
  }
  const isKnown = new Uint8Array(batch.accounts.length);
  for (const entry of answer.accounts?.split(',') ?? []) isKnown[Number(entry) - 1] = 1;
  return isKnown;
}

/** A batch split by what the store holds: new rows are written as they are, the rest merged. */
interface SplitBatch {
  /** Debtors (with their contact points) and accounts, by position, the store has no row of. */
  readonly fresh: {
    readonly debtors: readonly BatchDebtor[];
    readonly accounts: readonly number[];
  };
  /** What must be merged with stored rows (see {@link mergeDebtors} and its siblings). */
  readonly known: StagedBatch;
}

/** Splits a batch by what {@link applyKnown} found. */
function splitBatch(batch: StagedBatch, isKnownAccount: Uint8Array): SplitBatch {
  const freshDebtors: BatchDebtor[] = [];
  const knownDebtors: BatchDebtor[] = [];
  for (const debtor of batch.debtors)
    (debtor.storedId === undefined ? freshDebtors : knownDebtors).push(debtor);
  const freshAccounts: number[] = [];
  const known = {
    accounts: [] as PortfolioRow[],
    ids: [] as string[],
    debtors: [] as BatchDebtor[],
  };
  batch.accounts.forEach((row, i) => {
    if (isKnownAccount[i] === 1) {
      known.accounts.push(row);
      known.ids.push(batch.accountIds[i] as string);
      known.debtors.push(batch.accountDebtors[i] as BatchDebtor);
    } else freshAccounts.push(i);
  });
  return {
    fresh: { debtors: freshDebtors, accounts: freshAccounts },
    known: {
      debtors: knownDebtors,
      accounts: known.accounts,
      accountIds: known.ids,
      accountDebtors: known.debtors,
    },
  };
}

/** A text[] value in COPY's text format: each element quoted, then the whole escaped for COPY. */
function textArray(items: readonly string[] | undefined): string {
  if (items === undefined || items.length === 0) return '{}';
  return c(`{${items.map((item) => `"${item.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`);
}

/** New debtors as a COPY of `debtors`: what the file said, else what was resolved for it. */
const copyDebtors =
  'COPY debtors (id, debtor_ref, name, document_id, country, time_zone, locale, segment, tags) FROM STDIN';
function debtorLines(debtors: readonly BatchDebtor[]): string {
  let text = '';
  for (const d of debtors) {
    text +=
      `${d.id}\t${c(d.debtorRef)}\t${c(d.name)}\t${c(d.documentId)}\t${c(d.country ?? d.resolvedCountry)}\t` +
      `${c(d.timeZone ?? d.resolvedTimeZone)}\t${c(d.locale ?? d.resolvedLocale)}\t${c(d.segment)}\t` +
      `${textArray(d.tags)}\n`;
  }
  return text;
}

/** The contact points of new debtors as a COPY of `contact_points`. */
const copyContactPoints = 'COPY contact_points (debtor_id, kind, value) FROM STDIN';
function contactPointLines(debtors: readonly BatchDebtor[]): string {
  let text = '';
  for (const d of debtors)
    for (const [kind, value] of d.contacts) text += `${d.id}\t${kind}\t${c(value)}\n`;
  return text;
}

/** The id of an account's debtor: the stored one's, else the one it is given. */
function debtorIdOf(batch: StagedBatch, i: number): string {
  const debtor = batch.accountDebtors[i] as BatchDebtor;
  return debtor.storedId ?? debtor.id;
}

/** New accounts (by position in the batch) as a COPY of `accounts`. */
const copyAccounts =
  'COPY accounts (id, account_ref, debtor_id, currency, balance_minor, original_minor, min_payment_minor, due_date, product, segment) FROM STDIN';
function accountLines(batch: StagedBatch, positions: readonly number[]): string {
  let text = '';
  for (const i of positions) {
    const row = batch.accounts[i] as PortfolioRow;
    text +=
      `${batch.accountIds[i] as string}\t${c(row.accountRef)}\t${debtorIdOf(batch, i)}\t${row.currency}\t` +
      `${row.balance}\t${n(row.originalAmount)}\t${n(row.minPayment)}\t${row.dueDate}\t` +
      `${c(row.product)}\t${c(row.segment)}\n`;
  }
  return text;
}

/** The same inserts where COPY is not available (PGlite): one array per column. */
const insertFreshDebtors = /* sql */ `
INSERT INTO debtors (id, debtor_ref, name, document_id, country, time_zone, locale, segment, tags)
SELECT id, debtor_ref, name, document_id, country, time_zone, locale, segment, COALESCE(string_to_array(tags, '|'), '{}')
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
  AS t(id, debtor_ref, name, document_id, country, time_zone, locale, segment, tags)`;
const insertFreshContactPoints = /* sql */ `
INSERT INTO contact_points (debtor_id, kind, value) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`;
const insertFreshAccounts = /* sql */ `
INSERT INTO accounts (id, account_ref, debtor_id, currency, balance_minor, original_minor, min_payment_minor, due_date, product, segment)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::date[], $9::text[], $10::text[])`;

/**
 * Writes a batch's new debtors, their contact points and its new accounts straight into their
 * tables (COPY on PostgreSQL, unnest arrays on PGlite): no staging, no joins, no probes for
 * rows that cannot exist. A concurrent writer that adds one of these refs first makes this
 * fail with a unique violation, and the caller merges the whole batch instead.
 */
async function writeFresh(
  db: Database,
  client: pg.PoolClient,
  batch: StagedBatch,
  fresh: SplitBatch['fresh'],
): Promise<void> {
  const { debtors, accounts } = fresh;
  if (db.supportsCopy) {
    const copy = (statement: string, text: string): Promise<void> =>
      pipeline(Readable.from([text]), client.query(copyFrom(statement)));
    if (debtors.length > 0) {
      await copy(copyDebtors, debtorLines(debtors));
      await copy(copyContactPoints, contactPointLines(debtors));
    }
    if (accounts.length > 0) await copy(copyAccounts, accountLines(batch, accounts));
    return;
  }
  if (debtors.length > 0) {
    await client.query(insertFreshDebtors, [
      debtors.map((d) => d.id),
      debtors.map((d) => d.debtorRef),
      debtors.map((d) => d.name),
      debtors.map((d) => d.documentId ?? null),
      debtors.map((d) => d.country ?? d.resolvedCountry ?? null),
      debtors.map((d) => d.timeZone ?? d.resolvedTimeZone),
      debtors.map((d) => d.locale ?? d.resolvedLocale),
      debtors.map((d) => d.segment ?? null),
      debtors.map((d) => (d.tags === undefined ? null : d.tags.join('|'))),
    ]);
    const points = debtors.flatMap((d) => d.contacts.map(([kind, value]) => [d.id, kind, value]));
    await client.query(insertFreshContactPoints, [
      points.map((p) => p[0]),
      points.map((p) => p[1]),
      points.map((p) => p[2]),
    ]);
  }
  if (accounts.length > 0) {
    const rows = accounts.map((i) => batch.accounts[i] as PortfolioRow);
    await client.query(insertFreshAccounts, [
      accounts.map((i) => batch.accountIds[i]),
      rows.map((row) => row.accountRef),
      accounts.map((i) => debtorIdOf(batch, i)),
      rows.map((row) => row.currency),
      rows.map((row) => row.balance),
      rows.map((row) => row.originalAmount ?? null),
      rows.map((row) => row.minPayment ?? null),
      rows.map((row) => row.dueDate),
      rows.map((row) => row.product ?? null),
      rows.map((row) => row.segment ?? null),
    ]);
  }
}

const isUniqueViolation = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && 'code' in err && err.code === '23505';

/** The variant nibble (binary 10xx) for any random hex digit. */
const variantOf: Readonly<Record<string, string>> = Object.fromEntries(
  [...'0123456789abcdef'].map((digit, i) => [digit, '89ab'[i & 3] as string]),
);

/**
 * `count` UUIDs laid out as version 7 (RFC 9562): 48 bits of Unix milliseconds, then random
 * bits. Rows an import creates get ids in creation order, so primary- and foreign-key index
 * inserts land on the rightmost pages instead of a random page per row. Made here rather than
 * in SQL because the database is the import's bottleneck; still a plain uuid to everyone else.
 */
export function timeOrderedIds(count: number, nowMs: number): string[] {
  // 19 random hex digits an id: 3 after the version, 1 picks the variant, 15 after it.
  const random = randomFillSync(Buffer.allocUnsafe(10 * count)).toString('hex');
  const time = Math.floor(nowMs).toString(16).padStart(12, '0');
  const head = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
  const ids = new Array<string>(count);
  for (let i = 0; i < count; i += 1) {
    const r = i * 20;
    ids[i] =
      `${head}${random.slice(r, r + 3)}-${variantOf[random[r + 3] as string] as string}` +
      `${random.slice(r + 4, r + 7)}-${random.slice(r + 7, r + 19)}`;
  }
  return ids;
}

/** Connections whose staging tables exist (they live as long as the session). */
const hasStaging = new WeakSet<pg.ClientBase>();

/** Options of {@link createPortfolioStore}. */
export interface PortfolioStoreOptions {
  /**
   * Rows (inserted or updated) a run must have written before it becomes a bulk load: its
   * console search and sort indexes are dropped and rebuilt once when it ends, and the foreign
   * keys from accounts and contact points to debtors lifted and validated once when it ends,
   * which costs less than keeping them up row by row. A run also needs to have written a quarter as many
   * rows as there were accounts when it began, so a small revision of a large portfolio never
   * rebuilds its indexes.
   */
  readonly bulkLoadMinRows?: number | undefined;
}

/** Default for {@link PortfolioStoreOptions.bulkLoadMinRows}. */
export const defaultBulkLoadMinRows = 50_000;
const bulkLoadShareOfStored = 0.25;

/** What the store tracks about a run in progress. */
interface Run {
  readonly accountsAtStart: number;
  written: number;
  isBulkLoad: boolean;
  /** Settles once the run's indexes are dropped; batches wait for it. */
  switching: Promise<void> | undefined;
  readonly inFlight: Set<Promise<BatchOutcome>>;
  /** Share of new accounts in the run's last batch: decides how the next one is written. */
  newShare: number;
}

/**
 * Below this share of new accounts a batch is merged whole: finding the new rows first costs a
 * probe per ref, which pays only when it spares the merge most of them.
 */
const directWriteMinNewShare = 0.5;

/**
 * The portfolio store on PostgreSQL or PGlite. A batch is written in one transaction: one
 * query finds which of its debtors and accounts are stored; new ones are written straight into
 * their tables (COPY on PostgreSQL, unnest arrays on PGlite), and the known ones are staged
 * into a temporary table and merged set-based, the merge's statements sent as one query. A
 * first load is all new rows and never touches the staging table; a revision is mostly merge.
 * Commits use `synchronous_commit = off`: a crash can lose the last batches of a run, never
 * corrupt them, and re-running an import is idempotent. A run that writes many rows relative
 * to the portfolio becomes a bulk load (see {@link PortfolioStoreOptions.bulkLoadMinRows},
 * lifted-foreign-keys.ts and dropped-indexes.ts).
 */
export function createPortfolioStore(
  db: Database,
  options: PortfolioStoreOptions = {},
): PortfolioStore {
  const bulkLoadMinRows = options.bulkLoadMinRows ?? defaultBulkLoadMinRows;
  // Merging is CPU-bound in the database: two backends on PostgreSQL, PGlite has one connection.
  const parallelism =
    db.kind === 'postgres' ? Math.max(1, Math.min(2, db.pool.options.max ?? 1)) : 1;
  const runs = new Map<string, Run>();

  /** Merges a batch's known parts with what is stored, in the open transaction. */
  const mergeKnown = async (
    client: pg.PoolClient,
    importId: string,
    known: StagedBatch,
  ): Promise<{ inserted: number; updated: number }> => {
    if (known.debtors.length === 0 && known.accounts.length === 0)
      return { inserted: 0, updated: 0 };
    if (!hasStaging.has(client)) {
      await client.query(createStaging);
      hasStaging.add(client);
    }
    if (db.supportsCopy) {
      await pipeline(Readable.from([copyText(known)]), client.query(copyFrom(copyStaging)));
    } else {
      // pglite-socket cannot carry COPY FROM STDIN: one array per column, zipped by unnest.
      await client.query(insertStaging, stagingArrays(known));
    }
    const results = (await client.query(
      `${mergeDebtors};\n${insertContactPoints};\n${mergeAccounts(client.escapeLiteral(importId))}`,
    )) as unknown as pg.QueryResult<{ inserted: number; updated: number }>[];
    return results[2]?.rows[0] ?? { inserted: 0, updated: 0 };
  };

  /**
   * Writes a batch in one transaction: new rows straight into their tables, the rest merged.
   * `isMergeOnly` merges everything, for a batch whose new rows another writer added first.
   */
  const write = async (
    importId: string,
    batch: StagedBatch,
    isMergeOnly: boolean,
  ): Promise<BatchOutcome> => {
    const client = await db.pool.connect();
    try {
      // Every table a batch meets is indexed on the join key, so index lookups always win; but
      // with a staging table the planner has no statistics for (and stale ones for tables an
      // import is growing) it may pick a hash join over a full scan.
      await client.query(
        'BEGIN; SET LOCAL synchronous_commit = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off',
      );
      let split: SplitBatch = {
        fresh: { debtors: [], accounts: [] },
        known: batch,
      };
      if (!isMergeOnly) {
        const { rows } = await client.query<{ debtors: string | null; accounts: string | null }>(
          lookupKnown,
          [
            batch.debtors.map((d) => d.debtorRef).join('\n'),
            batch.accounts.map((row) => row.accountRef).join('\n'),
          ],
        );
        const isKnownAccount = applyKnown(batch, rows[0] ?? { debtors: null, accounts: null });
        split = splitBatch(batch, isKnownAccount);
        await writeFresh(db, client, batch, split.fresh);
      }
      const merged = await mergeKnown(client, importId, split.known);
      await client.query('COMMIT');
      const inserted = split.fresh.accounts.length + merged.inserted;
      return {
        inserted,
        updated: merged.updated,
        unchanged: batch.accounts.length - inserted - merged.updated,
      };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A staging table created in the failed transaction went with it.
      hasStaging.delete(client);
      throw err;
    } finally {
      client.release();
    }
  };

  /**
   * Writes a batch, merging it whole when `isMostlyKnown` (a revision of a stored portfolio:
   * either way gives the same outcome, this one faster).
   */
  const merge = async (
    importId: string,
    rows: readonly PortfolioRow[],
    isMostlyKnown = false,
  ): Promise<BatchOutcome> => {
    const batch = stageBatch(rows);
    try {
      return await write(importId, batch, isMostlyKnown);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return write(importId, batch, true);
    }
  };

  /** Drops the run's indexes once it has written enough, with no batch of it in flight. */
  const maybeBecomeBulkLoad = async (importId: string, run: Run): Promise<void> => {
    if (run.switching !== undefined) return run.switching;
    if (run.written < Math.max(bulkLoadMinRows, run.accountsAtStart * bulkLoadShareOfStored))
      return;
    run.isBulkLoad = true;
    run.switching = (async () => {
      await Promise.allSettled([...run.inFlight]);
      await liftForeignKeysForBulkLoad(db.pool, `import:${importId}`);
      await dropIndexesForBulkLoad(db.pool, `import:${importId}`);
    })();
    return run.switching;
  };

  return {
    parallelism,

    async startImport(source) {
      // Heal what a bulk load that died half-way left behind.
      await restoreLiftedForeignKeys(db.pool, parallelism);
      await rebuildDroppedIndexes(db.pool, parallelism);
      const { rows } = await db.pool.query<{ id: string; accounts: number }>(
        'INSERT INTO imports (source) VALUES ($1) RETURNING id, (SELECT count(*) FROM accounts)::int AS accounts',
        [source],
      );
      const { id, accounts } = rows[0] as { id: string; accounts: number };
      runs.set(id, {
        accountsAtStart: accounts,
        written: 0,
        isBulkLoad: false,
        switching: undefined,
        inFlight: new Set(),
        newShare: 1,
      });
      return id;
    },

    async writeBatch(importId, rows): Promise<BatchOutcome> {
      if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
      const run = runs.get(importId);
      if (run === undefined) return merge(importId, rows);
      await maybeBecomeBulkLoad(importId, run);
      const batch = merge(importId, rows, run.newShare < directWriteMinNewShare);
      run.inFlight.add(batch);
      try {
        const outcome = await batch;
        run.written += outcome.inserted + outcome.updated;
        run.newShare = outcome.inserted / rows.length;
        return outcome;
      } finally {
        run.inFlight.delete(batch);
      }
    },

    async finishImport(
      importId,
      {
        status,
        counts,
        summary,
      }: {
        status: 'finished' | 'failed';
        counts: ImportCounts;
        summary: Readonly<Record<string, unknown>>;
      },
    ) {
      const run = runs.get(importId);
      runs.delete(importId);
      let rebuild: Record<string, unknown> = {};
      if (run?.isBulkLoad === true) {
        await Promise.allSettled([run.switching, ...run.inFlight]);
        const started = performance.now();
        const foreignKeys = await restoreLiftedForeignKeys(db.pool, parallelism);
        const validated = performance.now();
        const indexes = await rebuildDroppedIndexes(db.pool, parallelism);
        rebuild = {
          foreignKeysValidated: foreignKeys,
          foreignKeyValidationSeconds: Math.round(validated - started) / 1000,
          indexesRebuilt: indexes,
          indexRebuildSeconds: Math.round(performance.now() - validated) / 1000,
        };
      }
      await db.pool.query(
        `UPDATE imports SET status = $2, finished_at = now(), rows_read = $3, inserted = $4, updated = $5, unchanged = $6, rejected = $7, summary = $8::jsonb
         WHERE id = $1`,
        [
          importId,
          status,
          counts.read,
          counts.inserted,
          counts.updated,
          counts.unchanged,
          counts.rejected,
          JSON.stringify({ ...summary, ...rebuild }),
        ],
      );
    },

    async countAccounts() {
      const { rows } = await db.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM accounts',
      );
      return rows[0]?.n ?? 0;
    },
  };
}

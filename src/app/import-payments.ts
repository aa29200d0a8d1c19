import { detectDecimalStyle } from '../domain/portfolio/detect.js';
import { isBlankRecord, type RowProblem, type RowReject } from '../domain/portfolio/row.js';
import type { DecimalStyle } from '../domain/money.js';
import {
  checkPaymentRow,
  mapPaymentHeaders,
  requiredPaymentColumns,
  type PaymentColumnMapping,
} from '../domain/payments/index.js';
import type { RecordPaymentOutcome } from '../ports/payment-store.js';
import { applyPayment, type ApplyPaymentDeps } from './apply-payment.js';
import type { ImportInput, SourceRecord } from './import-portfolio.js';

/** The audit actor and payment source of rows imported from a file. */
export const csvImportSource = 'csv-import';

/** Counts of one payments import; `read` = applied + replayed + rejected. */
export interface PaymentImportCounts {
  readonly read: number;
  /** Rows applied now. */
  readonly applied: number;
  /** Rows already applied by an earlier import or API call: nothing changed. */
  readonly replayed: number;
  readonly rejected: number;
}

export interface PaymentImportOptions {
  /** Called for every problem of every rejected row, in file order; awaited (backpressure). */
  readonly onReject?: ((reject: RowReject) => void | Promise<void>) | undefined;
}

export type PaymentImportOutcome =
  | {
      readonly ok: true;
      readonly counts: PaymentImportCounts;
      readonly decimalStyle: DecimalStyle;
      readonly details: Readonly<Record<string, string>>;
      /** Headers that name no payment column. */
      readonly ignoredColumns: readonly string[];
    }
  | {
      readonly ok: false;
      readonly reason: 'no-header' | 'missing-columns' | 'duplicate-column' | 'no-rows';
      /** One sentence for the operator. */
      readonly message: string;
      readonly counts: PaymentImportCounts;
    };

/** Data records read before deciding the file's decimal style. */
const decimalSampleSize = 1000;

/** The rejects-report problem for a payment the store refused. */
function refusal(
  outcome: Extract<RecordPaymentOutcome, { ok: false }>,
  mapping: PaymentColumnMapping,
  fields: readonly string[],
): RowProblem {
  const column = {
    'unknown-account': 'account_ref',
    'currency-mismatch': 'currency',
    conflict: 'external_id',
    'paid-in-future': 'paid_at',
  } as const satisfies Record<typeof outcome.reason, string>;
  const name = column[outcome.reason];
  const at = mapping.index[name];
  return {
    column: mapping.label[name] ?? name,
    value: at === undefined ? '' : (fields[at] ?? '').trim(),
    reason: outcome.message,
  };
}

/**
 * Imports a payments file: reads its header (English or Spanish names), tells its decimal style
 * from the amounts, checks each row and applies the good ones in file order, one transaction
 * each (see applyPayment). Bad rows and refused payments go to `onReject` with their row and
 * column; they never stop the good ones. Importing the same file again applies nothing: every
 * row replays. A file-level problem (no header, a missing column, no rows) applies nothing.
 */
export async function importPayments(
  deps: ApplyPaymentDeps,
  input: ImportInput,
  options: PaymentImportOptions = {},
): Promise<PaymentImportOutcome> {
  const counts = { read: 0, applied: 0, replayed: 0, rejected: 0 };
  let mapping: PaymentColumnMapping | undefined;
  let decimalStyle: DecimalStyle | undefined;
  const sample: SourceRecord[] = [];

  const reject = async (line: number, problems: readonly RowProblem[]): Promise<void> => {
    counts.rejected += 1;
    if (options.onReject === undefined) return;
    for (const problem of problems) await options.onReject({ row: line, ...problem });
  };

  const take = async (
    record: SourceRecord,
    columns: PaymentColumnMapping,
    style: DecimalStyle,
  ): Promise<void> => {
    counts.read += 1;
    if (record.error !== undefined)
      return reject(record.line, [{ column: '', value: '', reason: record.error }]);
    const checked = checkPaymentRow(record.fields, columns, style);
    if (!checked.ok) return reject(record.line, checked.problems);
    const outcome = await applyPayment(deps, checked.payment, csvImportSource);
    if (!outcome.ok) return reject(record.line, [refusal(outcome, columns, record.fields)]);
    if (outcome.status === 'applied') counts.applied += 1;
    else counts.replayed += 1;
  };

  const decide = async (columns: PaymentColumnMapping): Promise<DecimalStyle> => {
    const amountAt = columns.index.amount as number;
    const style = detectDecimalStyle(
      sample.map((record) => record.fields[amountAt] ?? ''),
      input.delimiter,
    );
    for (const record of sample) await take(record, columns, style);
    sample.length = 0;
    return style;
  };

  const fail = (
    reason: Extract<PaymentImportOutcome, { ok: false }>['reason'],
    message: string,
  ): PaymentImportOutcome => ({ ok: false, reason, message, counts: { ...counts } });

  for await (const chunk of input.records) {
    for (const record of chunk) {
      if (record.error === undefined && isBlankRecord(record.fields)) continue;
      if (mapping === undefined) {
        if (record.error !== undefined)
          return fail(
            'no-header',
            `the header (line ${record.line}) cannot be read: ${record.error}`,
          );
        const mapped = mapPaymentHeaders(record.fields);
        if (!mapped.ok) {
          if (mapped.reason === 'missing-columns')
            return fail(
              'missing-columns',
              `missing required column${mapped.missing.length > 1 ? 's' : ''}: ${mapped.missing.join(', ')} (found: ${record.fields.map((f) => f.trim()).join(', ')})`,
            );
          return fail(
            'duplicate-column',
            `columns "${mapped.headers[0]}" and "${mapped.headers[1]}" both name ${mapped.column}`,
          );
        }
        mapping = mapped.mapping;
        continue;
      }
      if (decimalStyle === undefined) {
        sample.push(record);
        if (sample.length >= decimalSampleSize) decimalStyle = await decide(mapping);
        continue;
      }
      await take(record, mapping, decimalStyle);
    }
  }
  if (mapping === undefined)
    return fail(
      'no-header',
      `no header row (expected columns ${requiredPaymentColumns.join(', ')})`,
    );
  decimalStyle ??= await decide(mapping);
  if (counts.read === 0) return fail('no-rows', 'the file has a header but no rows');
  return {
    ok: true,
    counts: { ...counts },
    decimalStyle,
    details: input.describe?.() ?? {},
    ignoredColumns: mapping.ignored,
  };
}

/**
 * The columns of a payments file, how its header maps onto them and how one row is checked.
 * Headers match like a portfolio file's (case, accents, spaces, underscores, hyphens and dots
 * ignored), in English or Spanish: `external_id`/`id_externo`, `account_ref`/`cuenta`,
 * `amount`/`monto`, `currency`/`moneda`, `paid_at`/`fecha_pago`; optional `method`/`medio_pago`
 * and `reference`/`referencia`.
 */
import { parseDecimalAmount, toCurrencyCode, type DecimalStyle, type Money } from '../money.js';
import { mapColumns, normalizeHeader, type HeaderMapping } from '../portfolio/columns.js';
import type { RowProblem } from '../portfolio/row.js';
import { parsePaidAt, type PaidAt } from './paid-at.js';

export const requiredPaymentColumns = [
  'external_id',
  'account_ref',
  'amount',
  'currency',
  'paid_at',
] as const;
export const optionalPaymentColumns = ['method', 'reference'] as const;
export type PaymentColumn =
  (typeof requiredPaymentColumns)[number] | (typeof optionalPaymentColumns)[number];

/** Accepted spellings per column, already normalised by normalizeHeader. */
const aliases: Readonly<Record<PaymentColumn, readonly string[]>> = {
  external_id: [
    'externalid',
    'idexterno',
    'paymentid',
    'idpago',
    'iddepago',
    'idtransaccion',
    'transactionid',
    'idpagamento',
  ],
  account_ref: [
    'accountref',
    'account',
    'accountid',
    'accountnumber',
    'cuenta',
    'nrocuenta',
    'numerocuenta',
    'numerodecuenta',
    'obligacion',
    'conta',
  ],
  amount: [
    'amount',
    'monto',
    'importe',
    'valor',
    'valorpagado',
    'montopagado',
    'pago',
    'valorpago',
  ],
  currency: ['currency', 'moneda', 'divisa', 'moeda'],
  paid_at: [
    'paidat',
    'paymentdate',
    'paidon',
    'fechapago',
    'fechadepago',
    'fecha',
    'datapagamento',
    'datadepagamento',
  ],
  method: [
    'method',
    'paymentmethod',
    'metodo',
    'metododepago',
    'mediopago',
    'mediodepago',
    'canal',
  ],
  reference: ['reference', 'referencia', 'comprobante', 'nrocomprobante', 'autorizacion'],
};

const columnByAlias = new Map<string, PaymentColumn>(
  (Object.entries(aliases) as [PaymentColumn, readonly string[]][]).flatMap(([column, names]) =>
    names.map((name) => [name, column] as const),
  ),
);

/** Where each column sits in a record (0-based), and the header as the file wrote it. */
export type PaymentColumnMapping = HeaderMapping<PaymentColumn>;

export type MapPaymentHeadersResult =
  | { readonly ok: true; readonly mapping: PaymentColumnMapping }
  | { readonly ok: false; readonly reason: 'missing-columns'; readonly missing: readonly string[] }
  | {
      readonly ok: false;
      readonly reason: 'duplicate-column';
      readonly column: PaymentColumn;
      readonly headers: readonly [string, string];
    };

/** Maps a header row onto the payment columns; a missing or doubled column is a file-level problem. */
export function mapPaymentHeaders(headers: readonly string[]): MapPaymentHeadersResult {
  return mapColumns(
    headers,
    (raw) => columnByAlias.get(normalizeHeader(raw)),
    requiredPaymentColumns,
  );
}

/** A payment as a file or an API client states it, checked but not yet applied. */
export interface PaymentInstruction {
  /** The payment's id at its source (bank, provider, creditor); unique across payments. */
  readonly externalId: string;
  readonly accountRef: string;
  /** Minor units, above zero, in the currency given (checked against the account's later). */
  readonly amount: Money;
  readonly paidAt: PaidAt;
  readonly method: string | undefined;
  readonly reference: string | undefined;
}

/** Longest external id, account ref, method or reference accepted. */
export const maxPaymentTextLength = { id: 200, method: 100, reference: 200 } as const;

export type CheckPaymentRowResult =
  | { readonly ok: true; readonly payment: PaymentInstruction }
  | { readonly ok: false; readonly problems: readonly RowProblem[] };

/**
 * Checks one record of a payments file: every problem of the row is reported, each naming its
 * column the way the file wrote it. Amounts are read in the file's decimal style and must be
 * above zero with no more decimals than the currency has.
 */
export function checkPaymentRow(
  fields: readonly string[],
  mapping: PaymentColumnMapping,
  decimalStyle: DecimalStyle,
): CheckPaymentRowResult {
  if (fields.length !== mapping.width) {
    return {
      ok: false,
      problems: [
        {
          column: '',
          value: '',
          reason: `expected ${mapping.width} columns, found ${fields.length}`,
        },
      ],
    };
  }
  const problems: RowProblem[] = [];
  const cell = (column: PaymentColumn): string => {
    const at = mapping.index[column];
    return at === undefined ? '' : (fields[at] ?? '').trim();
  };
  const report = (column: PaymentColumn, value: string, reason: string): void => {
    problems.push({ column: mapping.label[column] ?? column, value, reason });
  };
  const text = (column: PaymentColumn, max: number, isRequired: boolean): string | undefined => {
    const value = cell(column);
    if (value === '') {
      if (isRequired) report(column, '', 'required value is empty');
      return undefined;
    }
    if (value.length > max) {
      report(column, value.slice(0, 40), `longer than ${max} characters`);
      return undefined;
    }
    return value;
  };

  const externalId = text('external_id', maxPaymentTextLength.id, true);
  const accountRef = text('account_ref', maxPaymentTextLength.id, true);
  const method = text('method', maxPaymentTextLength.method, false);
  const reference = text('reference', maxPaymentTextLength.reference, false);

  const rawCurrency = cell('currency');
  const currency = rawCurrency === '' ? undefined : toCurrencyCode(rawCurrency);
  if (rawCurrency === '') report('currency', '', 'required value is empty');
  else if (currency === undefined)
    report('currency', rawCurrency, 'not an ISO 4217 currency code (such as COP, MXN, BRL)');

  const rawAmount = cell('amount');
  let amount: Money | undefined;
  if (rawAmount === '') report('amount', '', 'required value is empty');
  else if (currency !== undefined) {
    const parsed = parseDecimalAmount(rawAmount, decimalStyle, currency);
    if (!parsed.ok) report('amount', rawAmount, amountReason(parsed.reason, decimalStyle));
    else if (parsed.amount <= 0) report('amount', rawAmount, 'a payment must be above zero');
    else amount = { amount: parsed.amount, currency };
  }

  const rawPaidAt = cell('paid_at');
  const paid = parsePaidAt(rawPaidAt);
  if (!paid.ok)
    report('paid_at', rawPaidAt, paid.reason === 'empty' ? 'required value is empty' : paid.reason);

  if (
    problems.length > 0 ||
    externalId === undefined ||
    accountRef === undefined ||
    amount === undefined ||
    !paid.ok
  )
    return { ok: false, problems };
  return {
    ok: true,
    payment: { externalId, accountRef, amount, paidAt: paid.paidAt, method, reference },
  };
}

function amountReason(
  reason: 'empty' | 'not-a-number' | 'negative' | 'too-many-decimals' | 'too-large',
  style: DecimalStyle,
): string {
  switch (reason) {
    case 'empty':
      return 'required value is empty';
    case 'not-a-number':
      return `not an amount (this file writes decimals with a ${style === 'comma' ? 'comma' : 'point'})`;
    case 'negative':
      return 'a payment must be above zero';
    case 'too-many-decimals':
      return 'more decimals than the currency has';
    case 'too-large':
      return 'too large';
  }
}

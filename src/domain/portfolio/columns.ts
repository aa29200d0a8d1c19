/**
 * The columns of a portfolio file and how a header row maps onto them. Headers are matched
 * case-insensitively, trimmed, ignoring accents, spaces, underscores, hyphens and dots, so
 * "Fecha de Vencimiento", "fecha_vencimiento" and "FECHAVENCIMIENTO" all name `due_date`.
 */

/** Columns every file must have. */
export const requiredColumns = [
  'account_ref',
  'debtor_ref',
  'name',
  'phone',
  'currency',
  'balance',
  'due_date',
] as const;

/** Columns a file may have; a blank cell in one of them never erases a stored value. */
export const optionalColumns = [
  'email',
  'document_id',
  'country',
  'timezone',
  'locale',
  'product',
  'original_amount',
  'min_payment',
  'segment',
  'telegram_id',
  'tags',
] as const;

export type RequiredColumn = (typeof requiredColumns)[number];
export type OptionalColumn = (typeof optionalColumns)[number];
/** A documented column, by its canonical (English, snake_case) name. */
export type PortfolioColumn = RequiredColumn | OptionalColumn;

/**
 * Accepted spellings per column, already normalised by {@link normalizeHeader}: English,
 * Spanish and, where obvious, Portuguese.
 */
const aliases: Readonly<Record<PortfolioColumn, readonly string[]>> = {
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
    'numeroconta',
    'contrato',
  ],
  debtor_ref: [
    'debtorref',
    'debtor',
    'debtorid',
    'customerref',
    'customerid',
    'deudor',
    'iddeudor',
    'codigodeudor',
    'cliente',
    'idcliente',
    'codigocliente',
    'devedor',
    'iddevedor',
  ],
  name: [
    'name',
    'fullname',
    'debtorname',
    'nombre',
    'nombres',
    'nombrecompleto',
    'nome',
    'nomecompleto',
  ],
  phone: [
    'phone',
    'phonenumber',
    'mobile',
    'cellphone',
    'telefono',
    'celular',
    'movil',
    'telefonocelular',
    'whatsapp',
    'telefone',
  ],
  currency: ['currency', 'moneda', 'divisa', 'moeda'],
  balance: ['balance', 'saldo', 'saldoactual', 'saldopendiente', 'deuda', 'saldodevedor'],
  due_date: [
    'duedate',
    'vencimiento',
    'fechavencimiento',
    'fechadevencimiento',
    'vencimento',
    'datavencimento',
    'datadevencimento',
  ],
  email: ['email', 'mail', 'emailaddress', 'correo', 'correoelectronico'],
  document_id: [
    'documentid',
    'document',
    'documento',
    'nrodocumento',
    'numerodocumento',
    'cedula',
    'dni',
    'rut',
    'cpf',
    'identificacion',
  ],
  country: ['country', 'countrycode', 'pais', 'codigopais'],
  timezone: ['timezone', 'tz', 'zonahoraria', 'fusohorario'],
  locale: ['locale', 'language', 'lang', 'idioma'],
  product: ['product', 'producto', 'produto'],
  original_amount: ['originalamount', 'montooriginal', 'valororiginal', 'montoinicial'],
  min_payment: ['minpayment', 'minimumpayment', 'pagominimo', 'pagamentominimo'],
  segment: ['segment', 'segmento'],
  telegram_id: ['telegramid', 'telegram', 'telegramchatid'],
  tags: ['tags', 'etiquetas', 'etiqueta'],
};

const columnByAlias: ReadonlyMap<string, PortfolioColumn> = new Map(
  (Object.entries(aliases) as [PortfolioColumn, readonly string[]][]).flatMap(([column, names]) =>
    names.map((name) => [name, column] as const),
  ),
);

/** Lower case, no accents, no spaces, underscores, hyphens or dots: the key aliases are matched on. */
export function normalizeHeader(raw: string): string {
  return raw
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s_\-.]+/g, '');
}

/** The canonical column a header names, or undefined for a column cuota does not read. */
export function columnForHeader(raw: string): PortfolioColumn | undefined {
  return columnByAlias.get(normalizeHeader(raw));
}

/** Where each known column sits in a record (0-based), plus the header text as the file wrote it. */
export type ColumnMapping = HeaderMapping<PortfolioColumn>;

export type MapHeadersResult =
  | { readonly ok: true; readonly mapping: ColumnMapping }
  | {
      readonly ok: false;
      readonly reason: 'missing-columns';
      readonly missing: readonly RequiredColumn[];
    }
  | {
      readonly ok: false;
      readonly reason: 'duplicate-column';
      readonly column: PortfolioColumn;
      readonly headers: readonly [string, string];
    };

/**
 * Maps a header row onto the documented columns. A missing required column or two headers
 * naming the same column is a file-level problem: nothing of such a file is imported.
 */
export function mapHeaders(headers: readonly string[]): MapHeadersResult {
  return mapColumns(headers, columnForHeader, requiredColumns);
}

/** Where each column of a file sits, as {@link mapColumns} finds it. */
export interface HeaderMapping<C extends string> {
  /** The 0-based field of each column found. */
  readonly index: Readonly<Partial<Record<C, number>>>;
  /** The file's own header per column, trimmed: rejects name columns the way the operator sees them. */
  readonly label: Readonly<Partial<Record<C, string>>>;
  /** How many fields a record must have: the header's length. */
  readonly width: number;
  /** Headers that name no known column; reported, not an error. */
  readonly ignored: readonly string[];
}

export type MapColumnsResult<C extends string, R extends C> =
  | { readonly ok: true; readonly mapping: HeaderMapping<C> }
  | { readonly ok: false; readonly reason: 'missing-columns'; readonly missing: readonly R[] }
  | {
      readonly ok: false;
      readonly reason: 'duplicate-column';
      readonly column: C;
      readonly headers: readonly [string, string];
    };

/**
 * Maps a header row onto a file's columns (`columnFor` reads one header, aliases included):
 * headers naming nothing are listed as ignored; a required column missing, or two headers for
 * one column, fail the whole file.
 */
export function mapColumns<C extends string, R extends C>(
  headers: readonly string[],
  columnFor: (header: string) => C | undefined,
  required: readonly R[],
): MapColumnsResult<C, R> {
  const index: Partial<Record<C, number>> = {};
  const label: Partial<Record<C, string>> = {};
  const ignored: string[] = [];
  for (const [position, raw] of headers.entries()) {
    const column = columnFor(raw);
    if (column === undefined) {
      if (raw.trim() !== '') ignored.push(raw.trim());
      continue;
    }
    const earlier = label[column];
    if (earlier !== undefined)
      return { ok: false, reason: 'duplicate-column', column, headers: [earlier, raw.trim()] };
    index[column] = position;
    label[column] = raw.trim();
  }
  const missing = required.filter((column) => index[column] === undefined);
  if (missing.length > 0) return { ok: false, reason: 'missing-columns', missing };
  return { ok: true, mapping: { index, label, width: headers.length, ignored } };
}

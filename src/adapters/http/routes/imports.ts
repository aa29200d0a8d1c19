import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { Router, type Request } from 'express';
import { importPortfolio, type ImportOutcome } from '../../../app/import-portfolio.js';
import { AppError } from '../../../domain/errors.js';
import { optionalColumns, requiredColumns } from '../../../domain/portfolio/columns.js';
import type { RowReject } from '../../../domain/portfolio/row.js';
import { readPortfolioCsv } from '../../csv/read-portfolio-csv.js';
import { createPortfolioStore } from '../../postgres/portfolio-store.js';
import type { HttpDeps } from '../app.js';
import { apiKeySecurity, errorResponses, registry, z } from '../openapi.js';

/** Rejects returned in the response; the rest are counted in `rejectsTotal`. */
export const maxRejectsInResponse = 100;

const RejectSchema = registry.register(
  'ImportReject',
  z.object({
    row: z.int().openapi({
      description: 'Line of the file where the record starts; the header is line 1.',
      example: 7,
    }),
    column: z.string().openapi({
      description: 'The header as the file wrote it; empty for a whole-row problem.',
      example: 'saldo',
    }),
    value: z.string().openapi({ example: '-1500' }),
    reason: z.string().openapi({ example: 'negative amount' }),
  }),
);

const ImportReportSchema = registry.register(
  'ImportReport',
  z.object({
    id: z.uuid().openapi({ description: 'The run in the import history.' }),
    status: z.literal('finished'),
    counts: z
      .object({
        read: z.int(),
        inserted: z.int(),
        updated: z.int(),
        unchanged: z.int(),
        rejected: z.int(),
      })
      .openapi({
        description:
          'Rows read = inserted + updated + unchanged + rejected. Matching is by account_ref (accounts) and debtor_ref (debtors).',
      }),
    seconds: z.number(),
    rowsPerSecond: z.int(),
    format: z.object({
      encoding: z.string().openapi({ example: 'windows-1252' }),
      delimiter: z.enum([',', ';', '\t']),
      decimalStyle: z
        .enum(['comma', 'point'])
        .openapi({ description: 'comma: "1.234,56"; point: "1,234.56". Detected per file.' }),
    }),
    ignoredColumns: z
      .array(z.string())
      .openapi({ description: 'Headers that name no documented column.' }),
    rejects: z.array(RejectSchema).openapi({
      description: `The first ${maxRejectsInResponse} problems, one per bad field of a rejected row.`,
    }),
    rejectsTotal: z
      .int()
      .openapi({ description: 'All problems found, including those not listed.' }),
  }),
);

registry.registerPath({
  method: 'post',
  path: '/api/v1/imports',
  tags: ['imports'],
  summary: 'Import a portfolio CSV',
  description:
    `Upserts accounts by account_ref and debtors by debtor_ref, adds contact points, and audits balance changes. ` +
    `Required columns: ${requiredColumns.join(', ')}; optional: ${optionalColumns.join(', ')}. Headers are matched ` +
    'case- and accent-insensitively, with Spanish and Portuguese aliases (cuenta, deudor, nombre, teléfono, moneda, ' +
    'saldo, vencimiento, documento; conta, devedor, nome, telefone, moeda, vencimento, cpf...). UTF-8 (with or without ' +
    'BOM) or Windows-1252; comma, semicolon or tab delimited; decimal comma or point detected per file; dates ' +
    'YYYY-MM-DD or DD/MM/YYYY; tags separated by | or , inside their cell. Bad rows are reported, never imported, and ' +
    'never stop the good ones. A blank optional cell keeps the stored value.',
  security: apiKeySecurity,
  request: {
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: z.object({
            file: z
              .string()
              .openapi({ type: 'string', format: 'binary', description: 'The CSV file.' }),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Imported (possibly with rejected rows).',
      content: { 'application/json': { schema: ImportReportSchema } },
    },
    ...errorResponses(400, 401, 413, 415),
  },
});

/** The upload's `file` part, or undefined when the form ends without one. */
function fileOf(
  req: Request,
  maxBytes: number,
): Promise<{ stream: Readable & { truncated?: boolean }; filename: string } | undefined> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: maxBytes, fields: 50 },
      });
    } catch (err) {
      reject(
        new AppError(
          'bad_request',
          `malformed multipart request: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
      return;
    }
    let isFound = false;
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || isFound) {
        stream.resume();
        return;
      }
      isFound = true;
      resolve({ stream, filename: info.filename || 'upload.csv' });
    });
    parser.on('close', () => {
      if (!isFound) resolve(undefined);
    });
    parser.on('error', (err: unknown) => {
      const error = new AppError(
        'bad_request',
        `malformed multipart request: ${err instanceof Error ? err.message : String(err)}`,
      );
      if (isFound) req.unpipe(parser);
      reject(error);
    });
    req.pipe(parser);
  });
}

function reportFor(
  outcome: Extract<ImportOutcome, { ok: true }>,
  rejects: RowReject[],
  rejectsTotal: number,
): z.infer<typeof ImportReportSchema> {
  const { counts, seconds, format } = outcome;
  return {
    id: outcome.importId,
    status: 'finished',
    counts,
    seconds: Math.round(seconds * 1000) / 1000,
    rowsPerSecond: seconds > 0 ? Math.round(counts.read / seconds) : counts.read,
    format: {
      encoding: format.details.encoding ?? 'utf-8',
      delimiter: format.delimiter,
      decimalStyle: format.decimalStyle,
    },
    ignoredColumns: [...format.ignoredColumns],
    rejects,
    rejectsTotal,
  };
}

/**
 * `POST /imports`: a multipart upload with the CSV in the `file` field, imported as it streams
 * in (memory stays flat for large files). Answers 200 with the report, 400 for a request
 * without a file or a file that cannot be imported at all (missing required columns...),
 * 413 past the upload limit (rows of batches already stored stay), 415 for a body that is not
 * multipart.
 */
export function importsRouter(deps: HttpDeps): Router {
  const router = Router();
  const store = createPortfolioStore(deps.db);
  router.post('/imports', async (req, res) => {
    const contentType = req.get('content-type');
    if (contentType === undefined)
      throw new AppError(
        'bad_request',
        'send the CSV as multipart/form-data in a field named "file"',
      );
    if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
      throw new AppError(
        'unsupported_media_type',
        'send the CSV as multipart/form-data in a field named "file"',
      );
    }
    const declared = Number(req.get('content-length') ?? 0);
    if (declared > deps.maxUploadBytes + 64 * 1024)
      throw new AppError('payload_too_large', `the upload limit is ${deps.maxUploadBytes} bytes`);
    const upload = await fileOf(req, deps.maxUploadBytes);
    if (upload === undefined)
      throw new AppError('bad_request', 'no file: send the CSV in a multipart field named "file"');
    const { stream } = upload;
    async function* bytes(): AsyncGenerator<Buffer> {
      for await (const chunk of stream) yield chunk as Buffer;
      if (stream.truncated === true)
        throw new AppError('payload_too_large', `the upload limit is ${deps.maxUploadBytes} bytes`);
    }
    const rejects: RowReject[] = [];
    let rejectsTotal = 0;
    try {
      const input = await readPortfolioCsv(bytes(), `api:${upload.filename}`);
      const outcome = await importPortfolio(
        { store, clock: deps.clock, defaults: deps.defaults },
        input,
        {
          onReject: (reject) => {
            rejectsTotal += 1;
            if (rejects.length < maxRejectsInResponse) rejects.push(reject);
          },
        },
      );
      if (!outcome.ok) {
        throw new AppError('bad_request', `${outcome.message}; nothing imported`, {
          details: outcome.missingColumns.map((column) => ({
            path: column,
            message: 'required column missing',
          })),
        });
      }
      deps.logger.info({ importId: outcome.importId, ...outcome.counts }, 'import.finished');
      res.status(200).json(reportFor(outcome, rejects, rejectsTotal));
    } finally {
      // Whatever was not read (an import that stopped early) is drained so the request completes.
      stream.resume();
    }
  });
  return router;
}

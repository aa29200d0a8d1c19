/**
 * The OpenAPI document of the REST API, generated from the same zod schemas the routes use.
 *
 * ## Registering a path (from a route file)
 *
 * Register at the top level of your route module, not inside the router factory: the module is
 * evaluated once, while a factory runs once per app (tests build many) and would register twice.
 * Importing `z` from here guarantees `.openapi()` exists on your schemas.
 *
 * ```ts
 * import { apiKeySecurity, errorResponses, registry, z } from '../openapi.js';
 *
 * const ImportSummarySchema = registry.register('ImportSummary', z.object({ id: z.uuid() }));
 * registry.registerPath({
 *   method: 'post',
 *   path: '/api/v1/imports', // the full path, OpenAPI style: '/api/v1/imports/{id}'
 *   tags: ['imports'],
 *   summary: 'Import a portfolio CSV',
 *   security: apiKeySecurity,
 *   request: { body: { required: true, content: { 'text/csv': { schema: z.string() } } } },
 *   responses: {
 *     201: { description: 'Imported', content: { 'application/json': { schema: ImportSummarySchema } } },
 *     ...errorResponses(400, 401, 413, 415),
 *   },
 * });
 * ```
 *
 * ## Conventions every path follows
 * - Money is {@link MoneySchema}: `{ amount, currency, formatted }`, `amount` an integer count
 *   of the currency's minor units, never a float; build it with {@link moneyJson}.
 * - Instants are ISO 8601 UTC strings; calendar days are "YYYY-MM-DD".
 * - Absent values are `null`, never missing keys.
 * - Errors are {@link ErrorSchema}, status from the code table in errors.ts.
 */
import {
  extendZodWithOpenApi,
  OpenAPIRegistry,
  OpenApiGeneratorV31,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { formatDecimal, type Money } from '../../domain/money.js';

extendZodWithOpenApi(z);

/** zod with `.openapi()`; import it from here so the extension is in place before use. */
export { z };

/** The version of the API document; follows the package version. */
export const apiVersion = '0.1.0';

/** Every path of the REST API registers here; {@link buildOpenApiDocument} reads it. */
export const registry = new OpenAPIRegistry();

registry.registerComponent('securitySchemes', 'bearerApiKey', {
  type: 'http',
  scheme: 'bearer',
  description: 'The API key as `Authorization: Bearer <key>`.',
});
registry.registerComponent('securitySchemes', 'headerApiKey', {
  type: 'apiKey',
  in: 'header',
  name: 'X-API-Key',
  description: 'The API key as `X-API-Key: <key>`.',
});

/** The `security` of every path behind the API key: either header will do. */
export const apiKeySecurity: { [scheme: string]: string[] }[] = [
  { bearerApiKey: [] },
  { headerApiKey: [] },
];

/** The one JSON money shape of the API. */
export const MoneySchema = registry.register(
  'Money',
  z
    .object({
      amount: z.int().openapi({
        description: "Integer count of the currency's minor units (cents; whole pesos for CLP).",
        example: 125000,
      }),
      currency: z.string().openapi({ description: 'ISO 4217 code.', example: 'COP' }),
      formatted: z.string().openapi({
        description:
          'The same amount as a plain decimal string with a point and exactly the currency’s ' +
          'minor-unit digits, no grouping or symbol ("1250.00"; "1250" for CLP). For display ' +
          'and spreadsheets; compute with `amount`.',
        example: '1250.00',
      }),
    })
    .openapi({ description: 'Money: integer minor units plus currency, never a float.' }),
);
export type MoneyJson = z.infer<typeof MoneySchema>;

/** `Money | null`, documented as anyOf so generators do not turn it into an impossible allOf. */
export const NullableMoneySchema = z.union([MoneySchema, z.null()]);

/** Money as the API writes it. */
export function moneyJson(value: Money): MoneyJson {
  return { amount: value.amount, currency: value.currency, formatted: formatDecimal(value) };
}

/** Body of every error response, as written by errors.ts. */
export const ErrorSchema = registry.register(
  'Error',
  z.object({
    error: z.object({
      code: z.string().openapi({ example: 'bad_request' }),
      message: z.string(),
      details: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .openapi({ description: 'For 400s: one entry per bad parameter or field.' }),
    }),
  }),
);

const errorDescriptions: Record<number, string> = {
  400: 'Invalid parameters; `details` lists each one.',
  401: 'Missing or invalid API key.',
  403: 'Forbidden.',
  404: 'No such resource.',
  409: 'Conflict.',
  413: 'Request body too large.',
  415: 'Unsupported media type.',
  503: 'Store unavailable.',
};

/** Error responses for `registerPath`, e.g. `...errorResponses(400, 401, 404)`. */
export function errorResponses(
  ...statuses: number[]
): Record<
  number,
  { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }
> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: errorDescriptions[status] ?? 'Error.',
        content: { 'application/json': { schema: ErrorSchema } },
      },
    ]),
  );
}

/** The OpenAPI 3.1 document of everything registered so far. */
export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'cuota',
      version: apiVersion,
      description:
        'REST API of cuota, the chat-first collections platform. Every path under /api/v1 except ' +
        'this document needs the API key. Money is always `{ amount, currency, formatted }` with ' +
        '`amount` in integer minor units. Lists paginate with an opaque `nextCursor`.',
    },
    servers: [{ url: '/' }],
    security: apiKeySecurity,
  });
}

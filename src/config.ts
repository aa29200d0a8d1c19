import { z } from 'zod';
import { AppError } from './domain/errors.js';
import { isTimeZone } from './domain/dates.js';
import { isLocaleTag } from './domain/regions.js';

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every setting cuota reads from the environment, with what it expects. */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
    .optional(),
  CUOTA_DATA_DIR: z.string().min(1).default('./data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  CUOTA_API_KEY: z.string().min(16, 'at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CUOTA_DEFAULT_COUNTRY: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'an ISO 3166 alpha-2 country code such as CO')
    .transform((v) => v.toUpperCase())
    .default('CO'),
  CUOTA_DEFAULT_TIMEZONE: z
    .string()
    .refine(isTimeZone, 'an IANA time zone such as America/Bogota')
    .default('America/Bogota'),
  CUOTA_DEFAULT_LOCALE: z
    .string()
    .refine(isLocaleTag, 'a BCP 47 locale tag such as es-419')
    .default('es-419'),
  CUOTA_DEMO: boolean.optional(),
  CUOTA_MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(4096).default(200),
  CUOTA_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  CUOTA_CONTENT_DIR: z.string().min(1).optional(),
  CUOTA_DEFAULT_FLOW: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a flow id such as default')
    .default('default'),
  CUOTA_CREDITOR_NAME: z.string().min(1).max(120).default('Financiera Andina (demo)'),
  CUOTA_PAYMENT_DETAILS: z
    .string()
    .min(1)
    .max(500)
    .default(
      'Paga en línea en https://pagos.example.com con tu número de cuenta, o en cualquier corresponsal bancario.',
    ),
  CUOTA_SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly database:
    | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number }
    | { readonly kind: 'pglite'; readonly dataDir: string };
  readonly dataDir: string;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly publicUrl: string | undefined;
    readonly maxUploadBytes: number;
  };
  /** Undefined outside production means: generate one and keep it under dataDir. */
  readonly apiKey: string | undefined;
  readonly logLevel: string;
  readonly defaults: {
    readonly country: string;
    readonly timeZone: string;
    readonly locale: string;
  };
  /** Load the demo portfolio into an empty store on `serve`, and allow demo chat sessions. */
  readonly loadDemo: boolean;
  /** Folder holding flows/, locales/ and prompts/; undefined means the installed package's own. */
  readonly contentDir: string | undefined;
  readonly defaultFlowId: string;
  readonly creditor: { readonly name: string; readonly paymentDetails: string };
  /** Signs web chat session tokens and debtor links; undefined outside production means generated. */
  readonly sessionSecret: string | undefined;
}

/**
 * Reads and validates the environment once. A bad or missing setting stops start-up with one
 * error that lists every bad key and what it expects. The result is frozen.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) =>
        `  ${issue.path.join('.') || '(env)'}: ${issue.message}${describeValue(present, issue.path)}`,
    );
    throw new AppError('config_invalid', `invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const missingInProduction = [
    e.CUOTA_API_KEY === undefined
      ? '  CUOTA_API_KEY: required in production (at least 16 characters)'
      : undefined,
    e.CUOTA_SESSION_SECRET === undefined
      ? '  CUOTA_SESSION_SECRET: required in production (at least 32 characters)'
      : undefined,
  ].filter((line) => line !== undefined);
  if (e.NODE_ENV === 'production' && missingInProduction.length > 0) {
    throw new AppError(
      'config_invalid',
      `invalid configuration:\n${missingInProduction.join('\n')}`,
    );
  }
  const config: Config = {
    env: e.NODE_ENV,
    database:
      e.DATABASE_URL !== undefined
        ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.CUOTA_DB_POOL_SIZE }
        : { kind: 'pglite', dataDir: e.CUOTA_DATA_DIR },
    dataDir: e.CUOTA_DATA_DIR,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl: e.PUBLIC_URL,
      maxUploadBytes: e.CUOTA_MAX_UPLOAD_MB * 1024 * 1024,
    },
    apiKey: e.CUOTA_API_KEY,
    logLevel: e.LOG_LEVEL,
    defaults: {
      country: e.CUOTA_DEFAULT_COUNTRY,
      timeZone: e.CUOTA_DEFAULT_TIMEZONE,
      locale: e.CUOTA_DEFAULT_LOCALE,
    },
    loadDemo: e.CUOTA_DEMO ?? e.NODE_ENV !== 'production',
    contentDir: e.CUOTA_CONTENT_DIR,
    defaultFlowId: e.CUOTA_DEFAULT_FLOW,
    creditor: { name: e.CUOTA_CREDITOR_NAME, paymentDetails: e.CUOTA_PAYMENT_DETAILS },
    sessionSecret: e.CUOTA_SESSION_SECRET,
  };
  return deepFreeze(config);
}

function describeValue(
  env: Record<string, string | undefined>,
  path: readonly PropertyKey[],
): string {
  const key = path[0];
  if (typeof key !== 'string' || env[key] === undefined) return '';
  if (/KEY|SECRET|TOKEN|PASSWORD|DATABASE_URL/.test(key)) return ' (value hidden)';
  return ` (got ${JSON.stringify(env[key])})`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

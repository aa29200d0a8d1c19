import { z } from 'zod';
import { AppError } from './domain/errors.js';
import { isTimeZone } from './domain/dates.js';
import type { RateLimits } from './domain/messaging/delivery.js';
import { providers, type Provider } from './domain/messaging/message.js';
import { isLocaleTag } from './domain/regions.js';
import { loadTelegramConfig, type TelegramConfig } from './adapters/channels/telegram/config.js';
import {
  loadTwilioSmsConfig,
  type TwilioSmsConfig,
} from './adapters/channels/twilio-sms/config.js';
import {
  loadBaileysConfig,
  type BaileysConfig,
} from './adapters/channels/whatsapp-baileys/config.js';
import {
  loadWhatsAppCloudConfig,
  type WhatsAppCloudConfig,
} from './adapters/channels/whatsapp-cloud/config.js';

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
  CUOTA_WORKER: z.enum(['inline', 'off']).default('inline'),
  CUOTA_OUTBOX_STALE_MS: z.coerce.number().int().min(1000).default(60_000),
  CUOTA_OUTBOX_RESEND_UNCONFIRMED_MS: z.coerce.number().int().min(1000).default(600_000),
  CUOTA_LIFECYCLE_EVERY_MS: z.coerce.number().int().min(1000).default(60_000),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  CUOTA_LLM: z.enum(['auto', 'off']).default('auto'),
  CUOTA_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(4000),
  CUOTA_LLM_MAX_CALLS_PER_CONVERSATION: z.coerce.number().int().min(0).default(20),
  CUOTA_LLM_MAX_CALLS_PER_DAY: z.coerce.number().int().min(0).default(5000),
  CUOTA_LLM_BREAKER_FAILURES: z.coerce.number().int().min(1).default(5),
  CUOTA_LLM_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(1000).default(60_000),
  CUOTA_LLM_PRICE_INPUT_PER_MTOK: z.coerce.number().min(0).default(0.15),
  CUOTA_LLM_PRICE_OUTPUT_PER_MTOK: z.coerce.number().min(0).default(0.6),
  CUOTA_LLM_REPHRASE: boolean.default(false),
  CUOTA_SEND_RATES: z
    .string()
    .regex(
      /^\s*[a-z-]+=\d+(\.\d+)?\/\d+\s*(,\s*[a-z-]+=\d+(\.\d+)?\/\d+\s*)*$/,
      'provider=<sends per second>/<ms between sends to one recipient>, comma separated, e.g. whatsapp-cloud=80/1000,twilio-sms=1/1000',
    )
    .optional(),
});

/** Default pacing per provider: the providers' published limits, conservatively. */
export const defaultSendRates: Readonly<Record<Provider, RateLimits>> = {
  'whatsapp-cloud': { perSecond: 80, perRecipientIntervalMs: 1000 },
  'whatsapp-baileys': { perSecond: 1, perRecipientIntervalMs: 3000 },
  telegram: { perSecond: 30, perRecipientIntervalMs: 1000 },
  'twilio-sms': { perSecond: 1, perRecipientIntervalMs: 1000 },
  web: { perSecond: 1000, perRecipientIntervalMs: 0 },
};

/** CUOTA_SEND_RATES entries on top of `base`; providers it does not name keep their base rate. */
function sendRates(
  spec: string | undefined,
  base: Readonly<Record<Provider, RateLimits>>,
): Readonly<Record<Provider, RateLimits>> {
  const rates: Record<Provider, RateLimits> = { ...base };
  for (const part of (spec ?? '').split(',').filter((p) => p.trim() !== '')) {
    const [provider, value] = part.trim().split('=') as [string, string];
    const [perSecond, interval] = value.split('/').map(Number) as [number, number];
    if ((providers as readonly string[]).includes(provider)) {
      rates[provider as Provider] = { perSecond, perRecipientIntervalMs: interval };
    }
  }
  return rates;
}

/** Each channel is enabled by its own keys; absent keys leave it off, half-set keys stop start-up. */
export interface ChannelsConfig {
  readonly whatsappCloud: WhatsAppCloudConfig | undefined;
  readonly telegram: TelegramConfig | undefined;
  readonly twilioSms: TwilioSmsConfig | undefined;
  readonly baileys: BaileysConfig | undefined;
}

/** Runs a channel's loader, collecting its bad-key lines instead of stopping at the first one. */
function channelConfig<T>(load: () => T, problems: string[]): T | undefined {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'config_invalid') throw err;
    problems.push(...err.message.split('\n').slice(1));
    return undefined;
  }
}

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
  readonly channels: ChannelsConfig;
  /** Pacing per provider (CUOTA_SEND_RATES overrides the defaults). */
  readonly sendRates: Readonly<Record<Provider, RateLimits>>;
  /** `inline`: `serve` also runs the channel worker; `off`: run `cuota worker` separately. */
  readonly worker: 'inline' | 'off';
  /** A send `sending` longer than this was interrupted; an interrupted send with no report is resent after the second. */
  readonly outbox: { readonly staleAfterMs: number; readonly resendUnconfirmedAfterMs: number };
  /** How often the lifecycle sweep (reminders, follow-ups, thanks, nudges) runs. */
  readonly scheduler: { readonly sweepEveryMs: number };
  /** The LLM fallback: undefined when no OPENAI_API_KEY is set (or CUOTA_LLM=off): rules only. */
  readonly llm: LlmConfig | undefined;
}

/** An OpenAI-compatible endpoint and the limits cuota keeps on it. */
export interface LlmConfig {
  readonly apiKey: string;
  readonly baseUrl: string | undefined;
  readonly model: string;
  readonly timeoutMs: number;
  readonly maxCallsPerConversation: number;
  readonly maxCallsPerDay: number;
  readonly breakerFailures: number;
  readonly breakerCooldownMs: number;
  /** US dollars per million tokens, for the cost estimate recorded on each call. */
  readonly price: { readonly inputPerMillion: number; readonly outputPerMillion: number };
  /** Reword template replies in the debtor's register (facts checked in code); off by default. */
  readonly rephrase: boolean;
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
  const channelProblems: string[] = [];
  const channels: ChannelsConfig = {
    whatsappCloud: channelConfig(() => loadWhatsAppCloudConfig(env), channelProblems),
    telegram: channelConfig(() => loadTelegramConfig(env), channelProblems),
    twilioSms: channelConfig(() => loadTwilioSmsConfig(env), channelProblems),
    baileys: channelConfig(() => loadBaileysConfig(env), channelProblems),
  };
  if (!parsed.success || channelProblems.length > 0) {
    const lines = (parsed.success ? [] : parsed.error.issues).map(
      (issue) =>
        `  ${issue.path.join('.') || '(env)'}: ${issue.message}${describeValue(present, issue.path)}`,
    );
    throw new AppError(
      'config_invalid',
      `invalid configuration:\n${[...lines, ...channelProblems].join('\n')}`,
    );
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
    channels,
    sendRates: sendRates(e.CUOTA_SEND_RATES, {
      ...defaultSendRates,
      // A Twilio number's own limit (TWILIO_MPS), unless CUOTA_SEND_RATES names twilio-sms.
      ...(channels.twilioSms === undefined
        ? {}
        : {
            'twilio-sms': {
              ...defaultSendRates['twilio-sms'],
              perSecond: channels.twilioSms.messagesPerSecond,
            },
          }),
    }),
    worker: e.CUOTA_WORKER,
    outbox: {
      staleAfterMs: e.CUOTA_OUTBOX_STALE_MS,
      resendUnconfirmedAfterMs: e.CUOTA_OUTBOX_RESEND_UNCONFIRMED_MS,
    },
    scheduler: { sweepEveryMs: e.CUOTA_LIFECYCLE_EVERY_MS },
    llm:
      e.OPENAI_API_KEY === undefined || e.CUOTA_LLM === 'off'
        ? undefined
        : {
            apiKey: e.OPENAI_API_KEY,
            baseUrl: e.OPENAI_BASE_URL,
            model: e.OPENAI_MODEL,
            timeoutMs: e.CUOTA_LLM_TIMEOUT_MS,
            maxCallsPerConversation: e.CUOTA_LLM_MAX_CALLS_PER_CONVERSATION,
            maxCallsPerDay: e.CUOTA_LLM_MAX_CALLS_PER_DAY,
            breakerFailures: e.CUOTA_LLM_BREAKER_FAILURES,
            breakerCooldownMs: e.CUOTA_LLM_BREAKER_COOLDOWN_MS,
            price: {
              inputPerMillion: e.CUOTA_LLM_PRICE_INPUT_PER_MTOK,
              outputPerMillion: e.CUOTA_LLM_PRICE_OUTPUT_PER_MTOK,
            },
            rephrase: e.CUOTA_LLM_REPHRASE,
          },
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

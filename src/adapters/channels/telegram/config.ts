/**
 * Telegram Bot API settings. The channel is off when none of its keys is set; once any key is
 * set, every required one must be valid or start-up stops (fail closed: a webhook without its
 * secret token would accept forged updates from anyone who finds the URL).
 */
import { z } from 'zod';
import { AppError } from '../../../domain/errors.js';

/** Every TELEGRAM_* key and what it expects. */
export const TelegramEnvSchema = z.object({
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d{5,20}:[A-Za-z0-9_-]{30,}$/, 'a bot token from @BotFather such as 123456:ABC-...'),
  TELEGRAM_MODE: z.enum(['webhook', 'polling']).default('webhook'),
  // setWebhook's secret_token: 1-256 characters, only A-Z, a-z, 0-9, _ and -.
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{32,256}$/, '32 to 256 characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  TELEGRAM_API_ROOT: z
    .url({ protocol: /^https?$/ })
    .transform((v) => v.replace(/\/+$/, ''))
    .default('https://api.telegram.org'),
  TELEGRAM_BOT_USERNAME: z
    .string()
    .transform((v) => v.replace(/^@/, ''))
    .pipe(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, 'the bot username, such as CuotaBot'))
    .optional(),
  TELEGRAM_LINK_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  TELEGRAM_MAX_BODY_KB: z.coerce.number().int().min(1).max(10240).default(256),
  TELEGRAM_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(10000),
});

/** Signed `/start` deep links that tie a Telegram chat to a debtor. */
export interface TelegramDeepLinkConfig {
  /** Without the leading @. */
  readonly botUsername: string;
  readonly secret: string;
}

export type TelegramConfig = {
  readonly botToken: string;
  /** Without a trailing slash: https://api.telegram.org, or a stand-in in tests. */
  readonly apiRoot: string;
  readonly maxBodyBytes: number;
  readonly sendTimeoutMs: number;
  /** Undefined when deep links are not configured. */
  readonly deepLinks: TelegramDeepLinkConfig | undefined;
} & (
  | { readonly mode: 'webhook'; readonly webhookSecret: string }
  /** getUpdates long polling, for development without a public URL. */
  | { readonly mode: 'polling'; readonly webhookSecret: string | undefined }
);

const keys = Object.keys(TelegramEnvSchema.shape);
const secretKeys = /TOKEN|SECRET/;

/** Rules across keys, checked on the raw values so they are reported with every other problem. */
function crossKeyProblems(present: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const mode = present.TELEGRAM_MODE ?? 'webhook';
  if (mode === 'webhook' && present.TELEGRAM_WEBHOOK_SECRET === undefined) {
    problems.push('TELEGRAM_WEBHOOK_SECRET: required in webhook mode (TELEGRAM_MODE=webhook)');
  }
  // Deep links need both: the bot's name for the URL and the key that signs the token.
  const hasUsername = present.TELEGRAM_BOT_USERNAME !== undefined;
  if (hasUsername !== (present.TELEGRAM_LINK_SECRET !== undefined)) {
    const missing = hasUsername ? 'TELEGRAM_LINK_SECRET' : 'TELEGRAM_BOT_USERNAME';
    problems.push(
      `${missing}: required, because deep links need both TELEGRAM_BOT_USERNAME and TELEGRAM_LINK_SECRET`,
    );
  }
  return problems;
}

/**
 * Reads the TELEGRAM_* keys. Undefined when none is set (channel disabled); throws
 * AppError('config_invalid') listing every bad or missing key when some are set.
 */
export function loadTelegramConfig(
  env: Readonly<Record<string, string | undefined>>,
): TelegramConfig | undefined {
  const present = Object.fromEntries(
    keys.flatMap((key) => {
      const value = env[key];
      return value === undefined || value === '' ? [] : [[key, value]];
    }),
  );
  if (Object.keys(present).length === 0) return undefined;
  const parsed = TelegramEnvSchema.safeParse(present);
  const lines = [
    ...(parsed.success ? [] : parsed.error.issues).map((issue) => {
      const key = String(issue.path[0] ?? '(env)');
      const value = present[key];
      if (value === undefined) return `  ${key}: required, because another TELEGRAM_* key is set`;
      const shown = secretKeys.test(key) ? ' (value hidden)' : ` (got ${JSON.stringify(value)})`;
      return `  ${key}: ${issue.message}${shown}`;
    }),
    ...crossKeyProblems(present).map((line) => `  ${line}`),
  ];
  if (!parsed.success || lines.length > 0) {
    throw new AppError('config_invalid', `invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const deepLinks =
    e.TELEGRAM_BOT_USERNAME !== undefined && e.TELEGRAM_LINK_SECRET !== undefined
      ? Object.freeze({ botUsername: e.TELEGRAM_BOT_USERNAME, secret: e.TELEGRAM_LINK_SECRET })
      : undefined;
  const common = {
    botToken: e.TELEGRAM_BOT_TOKEN,
    apiRoot: e.TELEGRAM_API_ROOT,
    maxBodyBytes: e.TELEGRAM_MAX_BODY_KB * 1024,
    sendTimeoutMs: e.TELEGRAM_SEND_TIMEOUT_MS,
    deepLinks,
  };
  if (e.TELEGRAM_MODE === 'webhook') {
    if (e.TELEGRAM_WEBHOOK_SECRET === undefined) {
      throw new AppError('internal', 'webhook secret checked above');
    }
    return Object.freeze({ ...common, mode: 'webhook', webhookSecret: e.TELEGRAM_WEBHOOK_SECRET });
  }
  return Object.freeze({ ...common, mode: 'polling', webhookSecret: e.TELEGRAM_WEBHOOK_SECRET });
}

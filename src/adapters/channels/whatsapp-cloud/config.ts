/**
 * WhatsApp Cloud API settings. The channel is off when none of its keys is set; once any key is
 * set, every required one must be valid or start-up stops (fail closed: a webhook without its
 * app secret would accept forged messages).
 */
import { z } from 'zod';
import { AppError } from '../../../domain/errors.js';

/**
 * The Graph API version used when WHATSAPP_CLOUD_API_VERSION is unset. v26.0 is the current
 * version (released 2026-07-29); v21.0 stops working on 2027-01-21.
 */
export const defaultGraphApiVersion = 'v26.0';

/** Every WHATSAPP_CLOUD_* key and what it expects. */
export const WhatsAppCloudEnvSchema = z.object({
  WHATSAPP_CLOUD_TOKEN: z.string().min(20, 'a system-user access token'),
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: z
    .string()
    .regex(/^\d{5,20}$/, 'the numeric phone number id from WhatsApp Manager'),
  WHATSAPP_CLOUD_APP_SECRET: z.string().min(16, 'the Meta app secret (at least 16 characters)'),
  WHATSAPP_CLOUD_VERIFY_TOKEN: z.string().min(8, 'at least 8 characters'),
  WHATSAPP_CLOUD_GRAPH_URL: z
    .url({ protocol: /^https?$/ })
    .transform((v) => v.replace(/\/+$/, ''))
    .default('https://graph.facebook.com'),
  WHATSAPP_CLOUD_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'a Graph API version such as v26.0')
    .default(defaultGraphApiVersion),
  WHATSAPP_CLOUD_MAX_BODY_KB: z.coerce.number().int().min(1).max(10240).default(3072),
  WHATSAPP_CLOUD_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(10000),
});

export interface WhatsAppCloudConfig {
  readonly token: string;
  readonly phoneNumberId: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  /** Without a trailing slash: https://graph.facebook.com, or a stand-in in tests. */
  readonly graphBaseUrl: string;
  readonly apiVersion: string;
  /** Largest webhook body accepted; Meta documents payloads of up to 3 MB. */
  readonly maxBodyBytes: number;
  readonly sendTimeoutMs: number;
}

const keys = Object.keys(WhatsAppCloudEnvSchema.shape);
const secretKeys = /TOKEN|SECRET/;

/**
 * Reads the WHATSAPP_CLOUD_* keys. Undefined when none is set (channel disabled); throws
 * AppError('config_invalid') listing every bad or missing key when some are set.
 */
export function loadWhatsAppCloudConfig(
  env: Readonly<Record<string, string | undefined>>,
): WhatsAppCloudConfig | undefined {
  const present = Object.fromEntries(
    keys.flatMap((key) => {
      const value = env[key];
      return value === undefined || value === '' ? [] : [[key, value]];
    }),
  );
  if (Object.keys(present).length === 0) return undefined;
  const parsed = WhatsAppCloudEnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '(env)');
      const value = present[key];
      if (value === undefined) {
        return `  ${key}: required, because another WHATSAPP_CLOUD_* key is set`;
      }
      const shown = secretKeys.test(key) ? ' (value hidden)' : ` (got ${JSON.stringify(value)})`;
      return `  ${key}: ${issue.message}${shown}`;
    });
    throw new AppError('config_invalid', `invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    token: e.WHATSAPP_CLOUD_TOKEN,
    phoneNumberId: e.WHATSAPP_CLOUD_PHONE_NUMBER_ID,
    appSecret: e.WHATSAPP_CLOUD_APP_SECRET,
    verifyToken: e.WHATSAPP_CLOUD_VERIFY_TOKEN,
    graphBaseUrl: e.WHATSAPP_CLOUD_GRAPH_URL,
    apiVersion: e.WHATSAPP_CLOUD_API_VERSION,
    maxBodyBytes: e.WHATSAPP_CLOUD_MAX_BODY_KB * 1024,
    sendTimeoutMs: e.WHATSAPP_CLOUD_SEND_TIMEOUT_MS,
  });
}

/**
 * Twilio SMS settings. The channel is off when none of its keys is set; once any key is set,
 * every required one must be valid or start-up stops (fail closed: without the auth token and
 * the exact public URLs Twilio signs, webhooks could not be told from forgeries).
 */
import { z } from 'zod';
import { AppError } from '../../../domain/errors.js';

const httpUrl = z.url({ protocol: /^https?$/ });

/** Every TWILIO_* key and what it expects. */
export const TwilioSmsEnvSchema = z.object({
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'an Account SID: AC and 32 hex digits'),
  TWILIO_AUTH_TOKEN: z
    .string()
    .regex(/^[0-9a-zA-Z]{32}$/, 'the 32-character auth token from the Twilio console'),
  TWILIO_FROM_NUMBER: z
    .string()
    .regex(/^\+[1-9]\d{1,14}$/, 'an E.164 number such as +15017122661')
    .optional(),
  TWILIO_MESSAGING_SERVICE_SID: z
    .string()
    .regex(/^MG[0-9a-fA-F]{32}$/, 'a Messaging Service SID: MG and 32 hex digits')
    .optional(),
  /** The exact public URL Twilio posts inbound messages to (it signs this URL, not req.url). */
  TWILIO_WEBHOOK_URL: httpUrl,
  /** The exact public URL of /webhooks/twilio/status, sent as StatusCallback and signed by Twilio. */
  TWILIO_STATUS_CALLBACK_URL: httpUrl,
  /** Where the REST API lives: only tests point it elsewhere (a stand-in server). */
  TWILIO_API_BASE_URL: httpUrl.transform((v) => v.replace(/\/+$/, '')).optional(),
  /** Sends per second the sender allows: 1 for a long code, 3 toll-free, 100 a short code. */
  TWILIO_MPS: z.coerce.number().positive().max(1000).default(1),
  TWILIO_MAX_BODY_KB: z.coerce.number().int().min(1).max(1024).default(64),
  TWILIO_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(10000),
});

export interface TwilioSmsConfig {
  readonly accountSid: string;
  readonly authToken: string;
  /** Who messages come from: a Twilio number, or a Messaging Service that picks one. */
  readonly sender:
    | { readonly kind: 'number'; readonly from: string }
    | { readonly kind: 'messaging-service'; readonly messagingServiceSid: string };
  readonly webhookUrl: string;
  readonly statusCallbackUrl: string;
  /** Without a trailing slash; undefined means Twilio's own https://api.twilio.com. */
  readonly apiBaseUrl: string | undefined;
  /** Messages per second for the dispatcher's per-provider limit. */
  readonly messagesPerSecond: number;
  readonly maxBodyBytes: number;
  readonly sendTimeoutMs: number;
}

const keys = Object.keys(TwilioSmsEnvSchema.shape);
const secretKeys = /TOKEN/;

/**
 * Reads the TWILIO_* keys. Undefined when no account key is set (channel disabled); throws
 * AppError('config_invalid') listing every bad or missing key when some are set.
 */
export function loadTwilioSmsConfig(
  env: Readonly<Record<string, string | undefined>>,
): TwilioSmsConfig | undefined {
  const present = Object.fromEntries(
    keys.flatMap((key) => {
      const value = env[key];
      return value === undefined || value === '' ? [] : [[key, value]];
    }),
  );
  // Any key, even TWILIO_MPS alone, means someone meant to turn the channel on.
  if (Object.keys(present).length === 0) return undefined;
  const parsed = TwilioSmsEnvSchema.safeParse(present);
  const lines = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '(env)');
        const value = present[key];
        if (value === undefined) return `  ${key}: required, because another TWILIO_* key is set`;
        const shown = secretKeys.test(key) ? ' (value hidden)' : ` (got ${JSON.stringify(value)})`;
        return `  ${key}: ${issue.message}${shown}`;
      });
  // Checked apart from the schema so that it is reported together with every other problem.
  if (
    (present.TWILIO_FROM_NUMBER === undefined) ===
    (present.TWILIO_MESSAGING_SERVICE_SID === undefined)
  ) {
    lines.push(
      '  TWILIO_FROM_NUMBER: set exactly one of TWILIO_FROM_NUMBER and TWILIO_MESSAGING_SERVICE_SID',
    );
  }
  if (!parsed.success || lines.length > 0) {
    throw new AppError('config_invalid', `invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let sender: TwilioSmsConfig['sender'];
  if (e.TWILIO_MESSAGING_SERVICE_SID !== undefined) {
    sender = { kind: 'messaging-service', messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID };
  } else if (e.TWILIO_FROM_NUMBER !== undefined) {
    sender = { kind: 'number', from: e.TWILIO_FROM_NUMBER };
  } else {
    throw new AppError('internal', 'sender checked above');
  }
  return Object.freeze({
    accountSid: e.TWILIO_ACCOUNT_SID,
    authToken: e.TWILIO_AUTH_TOKEN,
    sender: Object.freeze(sender),
    webhookUrl: e.TWILIO_WEBHOOK_URL,
    statusCallbackUrl: e.TWILIO_STATUS_CALLBACK_URL,
    apiBaseUrl: e.TWILIO_API_BASE_URL,
    messagesPerSecond: e.TWILIO_MPS,
    maxBodyBytes: e.TWILIO_MAX_BODY_KB * 1024,
    sendTimeoutMs: e.TWILIO_SEND_TIMEOUT_MS,
  });
}

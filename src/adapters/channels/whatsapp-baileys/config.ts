/**
 * WhatsApp-through-Baileys settings. Baileys is an unofficial WhatsApp Web client: it has no
 * credentials to configure (the session is paired by QR or pairing code and kept in PostgreSQL),
 * so the channel is switched on explicitly with BAILEYS_ENABLED=true. Any other BAILEYS_* key
 * without that switch is a mistake and stops start-up (fail closed), as does any bad value.
 */
import { z } from 'zod';
import { AppError } from '../../../domain/errors.js';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const ms = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every BAILEYS_* key and what it expects. */
export const BaileysEnvSchema = z.object({
  BAILEYS_ENABLED: flag,
  /** Names the stored auth state; several numbers can be kept apart in one database. */
  BAILEYS_SESSION: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a session name such as default')
    .default('default'),
  /** When set, pair with an 8-character code typed on the phone instead of scanning a QR. */
  BAILEYS_PAIRING_NUMBER: z
    .string()
    .transform((v) => v.replace(/[\s+()-]/g, ''))
    .pipe(
      z.string().regex(/^[1-9]\d{6,14}$/, 'the phone number in international form, digits only'),
    )
    .optional(),
  BAILEYS_PRINT_QR: flag.default(true),
  /** At most one message per chat in this many milliseconds. */
  BAILEYS_MIN_INTERVAL_MS: ms(500, 600_000).default(3000),
  /** At most this many messages per minute across all chats. */
  BAILEYS_MAX_PER_MINUTE: z.coerce.number().int().min(1).max(120).default(8),
  BAILEYS_RECONNECT_BASE_MS: ms(100, 60_000).default(2000),
  BAILEYS_RECONNECT_MAX_MS: ms(1000, 3_600_000).default(120_000),
  /** The circuit opens after this many failed connections within BAILEYS_CIRCUIT_WINDOW_MS. */
  BAILEYS_CIRCUIT_FAILURES: z.coerce.number().int().min(1).max(100).default(6),
  BAILEYS_CIRCUIT_WINDOW_MS: ms(1000, 86_400_000).default(600_000),
  BAILEYS_CIRCUIT_COOLDOWN_MS: ms(1000, 86_400_000).default(900_000),
});

export interface BaileysConfig {
  readonly session: string;
  /** Digits only (country code first); undefined means pair by QR. */
  readonly pairingNumber: string | undefined;
  readonly printQr: boolean;
  readonly minIntervalMs: number;
  readonly maxPerMinute: number;
  readonly reconnect: {
    readonly baseDelayMs: number;
    readonly maxDelayMs: number;
    readonly circuitFailures: number;
    readonly circuitWindowMs: number;
    readonly circuitCooldownMs: number;
  };
}

const keys = Object.keys(BaileysEnvSchema.shape);

/**
 * Reads the BAILEYS_* keys. Undefined when none is set or BAILEYS_ENABLED is false (channel
 * disabled); throws AppError('config_invalid') listing every bad key otherwise.
 */
export function loadBaileysConfig(
  env: Readonly<Record<string, string | undefined>>,
): BaileysConfig | undefined {
  const present = Object.fromEntries(
    keys.flatMap((key) => {
      const value = env[key];
      return value === undefined || value === '' ? [] : [[key, value]];
    }),
  );
  if (Object.keys(present).length === 0) return undefined;
  const parsed = BaileysEnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '(env)');
      const value = present[key];
      if (value === undefined) {
        return `  ${key}: required (set it to true), because another BAILEYS_* key is set`;
      }
      return `  ${key}: ${issue.message} (got ${JSON.stringify(value)})`;
    });
    throw new AppError('config_invalid', `invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (!e.BAILEYS_ENABLED) return undefined;
  if (e.BAILEYS_RECONNECT_MAX_MS < e.BAILEYS_RECONNECT_BASE_MS) {
    throw new AppError(
      'config_invalid',
      'invalid configuration:\n  BAILEYS_RECONNECT_MAX_MS: must not be below BAILEYS_RECONNECT_BASE_MS',
    );
  }
  return Object.freeze({
    session: e.BAILEYS_SESSION,
    pairingNumber: e.BAILEYS_PAIRING_NUMBER,
    printQr: e.BAILEYS_PRINT_QR,
    minIntervalMs: e.BAILEYS_MIN_INTERVAL_MS,
    maxPerMinute: e.BAILEYS_MAX_PER_MINUTE,
    reconnect: Object.freeze({
      baseDelayMs: e.BAILEYS_RECONNECT_BASE_MS,
      maxDelayMs: e.BAILEYS_RECONNECT_MAX_MS,
      circuitFailures: e.BAILEYS_CIRCUIT_FAILURES,
      circuitWindowMs: e.BAILEYS_CIRCUIT_WINDOW_MS,
      circuitCooldownMs: e.BAILEYS_CIRCUIT_COOLDOWN_MS,
    }),
  });
}

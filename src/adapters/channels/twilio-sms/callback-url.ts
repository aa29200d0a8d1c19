/**
 * The StatusCallback URL of one send: the configured public status URL plus our outbox id, so a
 * status callback names its outbox row even when the send's answer was lost (the row is then
 * `unknown` and has no MessageSid to be found by). Twilio signs the URL exactly as we gave it,
 * so the webhook rebuilds it with this same function before checking the signature.
 */

/** The query parameter that carries the outbox id. */
export const outboxIdParam = 'cuotaOutboxId';

/** Outbox ids are short opaque tokens (bigint row ids in PostgreSQL); nothing else is echoed. */
export function isOutboxId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value);
}

/** `base` with `cuotaOutboxId=<id>` appended (after any query it already has). */
export function statusCallbackUrlFor(base: string, outboxId: string | undefined): string {
  if (!isOutboxId(outboxId)) return base;
  const separator = base.includes('?') ? '&' : '?';
  return `${base}${separator}${outboxIdParam}=${encodeURIComponent(outboxId)}`;
}

/**
 * Signed `/start` deep links: `https://t.me/<bot>?start=<token>` ties the Telegram chat that
 * opens it to one debtor, because a Telegram chat id is not a phone number. The token carries
 * the debtor ref and an expiry under a truncated HMAC-SHA256, base64url, and fits Telegram's
 * 64-character limit for start parameters (A-Z, a-z, 0-9, _ and -).
 *
 * Layout before base64url: version/kind (1 byte) | expiry, unix seconds (4 bytes, big endian) |
 * ref (16 bytes for a UUID, else its UTF-8 bytes) | MAC (16 bytes).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundContent } from '../../../domain/messaging/message.js';

/** Telegram accepts start parameters of up to 64 characters. */
export const maxStartParameterLength = 64;

const kindUuid = 0x01;
const kindText = 0x02;
const macBytes = 16;
const headerBytes = 5;
// 64 base64url characters carry 48 bytes.
const maxRefBytes = (maxStartParameterLength / 4) * 3 - headerBytes - macBytes;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const macContext = 'cuota.telegram.deep-link.v1';

export type SignDeepLinkResult =
  | { readonly ok: true; readonly token: string; readonly expiresAt: Date }
  | { readonly ok: false; readonly reason: 'ref-too-long' | 'ref-empty' | 'ttl-invalid' };

export type VerifyDeepLinkResult =
  | { readonly ok: true; readonly debtorRef: string; readonly expiresAt: Date }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad-signature' | 'expired' };

function mac(secret: string, body: Buffer): Buffer {
  return createHmac('sha256', secret)
    .update(macContext)
    .update(body)
    .digest()
    .subarray(0, macBytes);
}

function encodeRef(debtorRef: string): { kind: number; bytes: Buffer } {
  if (uuidPattern.test(debtorRef)) {
    return { kind: kindUuid, bytes: Buffer.from(debtorRef.replaceAll('-', ''), 'hex') };
  }
  return { kind: kindText, bytes: Buffer.from(debtorRef, 'utf8') };
}

function decodeRef(kind: number, bytes: Buffer): string | undefined {
  if (kind === kindUuid) {
    if (bytes.length !== 16) return undefined;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  if (kind === kindText) {
    const text = bytes.toString('utf8');
    // A round trip rules out truncated multi-byte characters.
    return text !== '' && Buffer.from(text, 'utf8').equals(bytes) ? text : undefined;
  }
  return undefined;
}

/**
 * Signs a start token for `debtorRef` (a debtor UUID, 37 bytes in all, or any other ref of up
 * to 27 UTF-8 bytes) valid for `ttlMs` from `now`. The expiry is kept to the second.
 */
export function signDeepLink(
  debtorRef: string,
  ttlMs: number,
  secret: string,
  now: Date,
): SignDeepLinkResult {
  if (debtorRef === '') return { ok: false, reason: 'ref-empty' };
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) return { ok: false, reason: 'ttl-invalid' };
  const { kind, bytes } = encodeRef(debtorRef);
  if (bytes.length > maxRefBytes) return { ok: false, reason: 'ref-too-long' };
  const expirySeconds = Math.floor((now.getTime() + ttlMs) / 1000);
  if (expirySeconds > 0xffffffff) return { ok: false, reason: 'ttl-invalid' };
  const header = Buffer.alloc(headerBytes);
  header.writeUInt8(kind, 0);
  header.writeUInt32BE(expirySeconds, 1);
  const body = Buffer.concat([header, bytes]);
  const token = Buffer.concat([body, mac(secret, body)]).toString('base64url');
  return { ok: true, token, expiresAt: new Date(expirySeconds * 1000) };
}

/** Checks a start token's signature and expiry; `now` at or past the expiry is expired. */
export function verifyDeepLink(token: string, secret: string, now: Date): VerifyDeepLinkResult {
  if (token.length > maxStartParameterLength || !/^[A-Za-z0-9_-]+$/.test(token)) {
    return { ok: false, reason: 'malformed' };
  }
  const raw = Buffer.from(token, 'base64url');
  if (raw.length <= headerBytes + macBytes || raw.toString('base64url') !== token) {
    return { ok: false, reason: 'malformed' };
  }
  const body = raw.subarray(0, raw.length - macBytes);
  const given = raw.subarray(raw.length - macBytes);
  if (!timingSafeEqual(given, mac(secret, body))) return { ok: false, reason: 'bad-signature' };
  const debtorRef = decodeRef(body.readUInt8(0), body.subarray(headerBytes));
  if (debtorRef === undefined) return { ok: false, reason: 'malformed' };
  const expiresAt = new Date(body.readUInt32BE(1) * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, debtorRef, expiresAt };
}

/** The `https://t.me/<bot>?start=<token>` URL a debtor opens (or scans as a QR code). */
export function deepLinkUrl(botUsername: string, token: string): string {
  return `https://t.me/${encodeURIComponent(botUsername.replace(/^@/, ''))}?start=${token}`;
}

/** A `/start` command: `token` is the deep link's start parameter, absent for a bare /start. */
export interface StartCommand {
  readonly type: 'start';
  readonly token: string | undefined;
}

/**
 * Recognises the `/start <token>` text Telegram sends when a debtor opens a deep link (also
 * `/start@BotName <token>`), so the core can verify the token before the text reaches the flow.
 * Undefined for any other content.
 */
export function linkCommandOf(content: InboundContent): StartCommand | undefined {
  if (content.type !== 'text') return undefined;
  const match = /^\/start(?:@[A-Za-z0-9_]+)?(?:\s+(\S+))?\s*$/.exec(content.text.trim());
  if (match === null) return undefined;
  return { type: 'start', token: match[1] };
}

export type ResolveLinkResult =
  | { readonly ok: true; readonly debtorRef: string }
  | {
      readonly ok: false;
      readonly reason: 'not-a-link' | 'no-token' | 'malformed' | 'bad-signature' | 'expired';
    };

/** linkCommandOf then verifyDeepLink: the debtor a `/start <token>` message vouches for. */
export function resolveLinkCommand(
  content: InboundContent,
  secret: string,
  now: Date,
): ResolveLinkResult {
  const command = linkCommandOf(content);
  if (command === undefined) return { ok: false, reason: 'not-a-link' };
  if (command.token === undefined) return { ok: false, reason: 'no-token' };
  const verified = verifyDeepLink(command.token, secret, now);
  return verified.ok ? { ok: true, debtorRef: verified.debtorRef } : verified;
}

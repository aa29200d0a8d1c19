import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Small signed tokens: `base64url(JSON payload).base64url(HMAC-SHA256)`. Used for web chat
 * session tokens (a debtor's browser holds one for its conversation) and for debtor links
 * (`/chat/link/<token>`), sent on another channel, that open a chat about one account.
 */
export interface TokenSigner {
  sign(payload: Record<string, unknown>, ttlSeconds: number, nowMs: number): string;
  verify(token: string, nowMs: number): Record<string, unknown> | undefined;
}

export function tokenSigner(secret: string, purpose: string): TokenSigner {
  const key = createHmac('sha256', secret).update(`cuota:${purpose}`).digest();
  const mac = (data: string): Buffer => createHmac('sha256', key).update(data).digest();
  return {
    sign(payload, ttlSeconds, nowMs) {
      const body = Buffer.from(
        JSON.stringify({ ...payload, exp: Math.floor(nowMs / 1000) + ttlSeconds }),
      ).toString('base64url');
      return `${body}.${mac(body).toString('base64url')}`;
    },
    verify(token, nowMs) {
      const [body, signature, extra] = token.split('.');
      if (body === undefined || signature === undefined || extra !== undefined) return undefined;
      const expected = mac(body);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<
          string,
          unknown
        >;
        if (typeof payload.exp !== 'number' || payload.exp * 1000 < nowMs) return undefined;
        return payload;
      } catch {
        return undefined;
      }
    },
  };
}

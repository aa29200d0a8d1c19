/**
 * Delivery rules for the outbox, pure: how long to wait before retrying, how fast one provider
 * and one recipient may be sent to, and what a WhatsApp business may send when.
 */

/** Exponential backoff with full jitter: a random delay in [0, min(cap, base * 2^(attempt-1))]. */
export function retryDelayMs(
  attempt: number,
  random: number,
  options: { baseMs?: number; capMs?: number } = {},
): number {
  const base = options.baseMs ?? 2_000;
  const cap = options.capMs ?? 10 * 60_000;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  // Never less than a second: an immediate retry after a 429 only earns another 429.
  return Math.max(1_000, Math.floor(random * ceiling));
}

export interface RateLimits {
  /** Sends per second across the provider (WhatsApp Cloud 80, Telegram 30, a Twilio long code 1). */
  readonly perSecond: number;
  /** Minimum gap between two sends to the same recipient (WhatsApp about 6 s, Telegram 1 s). */
  readonly perRecipientIntervalMs: number;
}

/**
 * A token bucket per provider plus a minimum interval per recipient. `take` answers how long to
 * wait (0: send now, and the send is counted). Time comes in as milliseconds.
 *
 * Providers count their limit over any one-second window, so the bucket is sized for that, not
 * for the average: it holds a tenth of a second's sends (at least one) and refills at the rest of
 * the rate, so no one-second window ever holds more than `perSecond` sends.
 */
export class SendPacer {
  private tokens: number;
  private refilledAt: number;
  private readonly capacity: number;
  private readonly ratePerMs: number;
  private readonly lastSendTo = new Map<string, number>();

  constructor(
    private readonly limits: RateLimits,
    nowMs: number,
  ) {
    this.capacity = Math.max(1, limits.perSecond / 10);
    const perSecond =
      limits.perSecond >= 10 ? limits.perSecond - this.capacity : limits.perSecond * 0.9;
    this.ratePerMs = perSecond / 1000;
    this.tokens = this.capacity;
    this.refilledAt = nowMs;
  }

  take(recipient: string, nowMs: number): number {
    // A clock stepped back (NTP) refills nothing rather than draining the bucket.
    const elapsedMs = Math.max(0, nowMs - this.refilledAt);
    this.tokens = Math.min(this.capacity, this.tokens + elapsedMs * this.ratePerMs);
    this.refilledAt = Math.max(this.refilledAt, nowMs);
    const last = this.lastSendTo.get(recipient);
    const recipientWait =
      last === undefined ? 0 : last + this.limits.perRecipientIntervalMs - nowMs;
    if (recipientWait > 0) return recipientWait;
    if (this.tokens < 1) return Math.ceil((1 - this.tokens) / this.ratePerMs);
    this.tokens -= 1;
    this.lastSendTo.set(recipient, nowMs);
    if (this.lastSendTo.size > 50_000)
      this.forgetBefore(nowMs - this.limits.perRecipientIntervalMs);
    return 0;
  }

  private forgetBefore(cutoffMs: number): void {
    for (const [recipient, at] of this.lastSendTo)
      if (at < cutoffMs) this.lastSendTo.delete(recipient);
  }
}

/** WhatsApp's customer-service window: free-form messages only within 24 h of the debtor's last message. */
export const whatsAppWindowMs = 24 * 3600 * 1000;

export function isInsideWhatsAppWindow(lastInboundAt: Date | null, now: Date): boolean {
  return lastInboundAt !== null && now.getTime() - lastInboundAt.getTime() < whatsAppWindowMs;
}

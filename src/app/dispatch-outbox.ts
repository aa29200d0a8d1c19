import {
  isInsideWhatsAppWindow,
  retryDelayMs,
  SendPacer,
  type RateLimits,
} from '../domain/messaging/delivery.js';
import type { Provider } from '../domain/messaging/message.js';
import { assertNever } from '../domain/errors.js';
import type { ChannelSender } from '../ports/channel.js';
import type { Clock } from '../ports/clock.js';
import type { ClaimedOutboxRow, OutboxStore } from '../ports/outbox.js';
import { recordDecision, type ContactDecision } from '../domain/contact-policy/index.js';
import type { ContactGate } from './contact-gate.js';

export interface DispatcherDeps {
  readonly outbox: OutboxStore;
  readonly senders: ReadonlyMap<Provider, ChannelSender>;
  readonly limits: Readonly<Partial<Record<Provider, RateLimits>>>;
  readonly clock: Clock;
  /** Jitter source, [0, 1). */
  readonly random: () => number;
  /** Tries before a retryable error becomes a failure. */
  readonly maxAttempts?: number;
  /** The contact policy, asked once more right before each send. */
  readonly gate?: ContactGate | undefined;
  /**
   * Called after a row failed for good (a permanent error, or retries exhausted): a message cuota
   * sent first goes again on the debtor's next channel (WhatsApp failed, then SMS).
   */
  readonly onFailed?: ((rowId: string) => Promise<void>) | undefined;
}

export interface DispatchRun {
  readonly sent: number;
  readonly retried: number;
  readonly deferred: number;
  /** Refused by the contact policy at send time. */
  readonly denied: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Sends whose outcome is unknown (timeouts): left for status callbacks to reconcile. */
  readonly uncertain: number;
}

/**
 * Sends due outbox rows. Before each send it checks, at send time, what may have changed since
 * the row was written: an agent took the conversation (a bot never talks over an agent), the
 * debtor opted out of the channel (only the opt-out confirmation still goes), WhatsApp's 24-hour
 * window closed (a free-form message that would fail with 131047 is never attempted). Pacing
 * per provider and per recipient defers a row without counting an attempt; retryable errors back
 * off exponentially with jitter; permanent ones are recorded and never retried.
 */
export class OutboxDispatcher {
  private readonly pacers = new Map<Provider, SendPacer>();

  constructor(private readonly deps: DispatcherDeps) {}

  async dispatchDue(limit = 100): Promise<DispatchRun> {
    const now = this.deps.clock.now();
    const rows = await this.deps.outbox.claimDue(limit, now);
    const counts = {
      sent: 0,
      retried: 0,
      deferred: 0,
      denied: 0,
      failed: 0,
      cancelled: 0,
      uncertain: 0,
    };
    const sent: { id: string; providerMessageId: string }[] = [];
    const decisions =
      this.deps.gate === undefined
        ? new Map<string, ContactDecision>()
        : await this.deps.gate.decide(
            rows.filter((r) => !(r.author === 'bot' && r.conversationOwner === 'agent')),
            now,
          );
    await Promise.all(
      rows.map(async (row) => {
        counts[await this.dispatch(row, now, sent, decisions.get(row.id))] += 1;
      }),
    );
    // The rows stay `sending` until this commits: a crash before it leaves them for the
    // interrupted-send recovery, never for a blind resend.
    await this.deps.outbox.markSent(sent, this.deps.clock.now());
    return counts;
  }

  private async dispatch(
    row: ClaimedOutboxRow,
    now: Date,
    sent: { id: string; providerMessageId: string }[],
    decision: ContactDecision | undefined,
  ): Promise<keyof DispatchRun> {
    const { outbox, clock } = this.deps;
    if (row.author === 'bot' && row.conversationOwner === 'agent') {
      await outbox.cancel(row.id, 'an agent owns the conversation', now);
      return 'cancelled';
    }
    if (row.isOptedOut && !row.isOptOutNotice) {
      await outbox.cancel(row.id, 'the debtor opted out of this channel', now);
      return 'cancelled';
    }
    if (decision !== undefined && decision.type !== 'allow') {
      await outbox.applyDecision(
        row.id,
        recordDecision(decision, now),
        decision.type === 'defer' ? decision.until : undefined,
      );
      return decision.type === 'defer' ? 'deferred' : 'denied';
    }
    if (
      row.provider === 'whatsapp-cloud' &&
      row.content.type !== 'template' &&
      row.author !== 'system' &&
      !isInsideWhatsAppWindow(row.lastInboundAt, now)
    ) {
      await outbox.markFailed(
        row.id,
        'outside the WhatsApp 24-hour window: only templates may be sent',
        now,
      );
      return 'failed';
    }
    const sender = this.deps.senders.get(row.provider);
    if (sender === undefined) {
      await outbox.markFailed(row.id, `provider ${row.provider} is not configured`, now);
      return 'failed';
    }
    const wait = this.pacer(row.provider, now).take(row.recipient, now.getTime());
    if (wait > 0) {
      await outbox.reschedule(row.id, new Date(now.getTime() + wait), null, false);
      return 'deferred';
    }
    const result = await sender.send({
      outboxId: row.id,
      provider: row.provider,
      recipient: row.recipient,
      content: row.content,
      locale: row.locale,
    });
    const at = clock.now();
    switch (result.type) {
      case 'sent':
        sent.push({ id: row.id, providerMessageId: result.providerMessageId });
        return 'sent';
      case 'retry': {
        const attempt = row.attempts + 1;
        if (attempt >= (this.deps.maxAttempts ?? 8)) {
          await outbox.markFailed(
            row.id,
            `gave up after ${attempt} attempts: ${result.reason}`,
            at,
          );
          await this.deps.onFailed?.(row.id);
          return 'failed';
        }
        const delay = Math.max(result.retryAfterMs ?? 0, retryDelayMs(attempt, this.deps.random()));
        await outbox.reschedule(row.id, new Date(at.getTime() + delay), result.reason, true);
        return 'retried';
      }
      case 'failed':
        await outbox.markFailed(
          row.id,
          result.code === undefined ? result.reason : `${result.code}: ${result.reason}`,
          at,
        );
        await this.deps.onFailed?.(row.id);
        return 'failed';
      case 'uncertain':
        await outbox.markUnknown(row.id, result.reason, at);
        return 'uncertain';
      default:
        return assertNever(result, 'send result');
    }
  }

  private pacer(provider: Provider, now: Date): SendPacer {
    let pacer = this.pacers.get(provider);
    if (pacer === undefined) {
      pacer = new SendPacer(
        this.deps.limits[provider] ?? { perSecond: 10, perRecipientIntervalMs: 1000 },
        now.getTime(),
      );
      this.pacers.set(provider, pacer);
    }
    return pacer;
  }
}

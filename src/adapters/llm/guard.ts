/**
 * The {@link LlmGuard}: a circuit breaker and the cost caps, in memory, seeded from the usage
 * table on start. Checks are synchronous because they run inside a turn's transaction (the
 * embedded store has one connection); every call is also written to `llm_usage` behind the
 * turn by the sink.
 *
 * - Breaker: after `breakerFailures` consecutive failures (errors, timeouts, unparseable
 *   answers) the model is not called for `breakerCooldownMs`; then one trial call decides.
 * - Caps: at most `perConversation` calls for one conversation and `perDay` calls in all per
 *   UTC day. In a deployment with several processes each keeps its own tally between starts.
 */
import type { LlmGuard, LlmUsage } from '../../ports/language-model.js';

export interface LlmLimits {
  readonly perConversation: number;
  readonly perDay: number;
  readonly breakerFailures: number;
  readonly breakerCooldownMs: number;
}

/** Where each call's usage goes (the database); fire-and-forget, flushed on shutdown. */
export interface UsageSink {
  write(usage: LlmUsage): void;
}

/** Counts already spent today, read from the usage table on start. */
export interface UsageSeed {
  readonly day: string;
  readonly total: number;
  readonly byConversation: ReadonlyMap<string, number>;
}

function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export class CapsAndBreakerGuard implements LlmGuard {
  private day = '';
  private dayTotal = 0;
  private byConversation = new Map<string, number>();
  private consecutiveFailures = 0;
  private openUntil: number | undefined;
  private isTrialRunning = false;

  constructor(
    private readonly limits: LlmLimits,
    private readonly sink?: UsageSink,
    seed?: UsageSeed,
  ) {
    if (seed) {
      this.day = seed.day;
      this.dayTotal = seed.total;
      this.byConversation = new Map(seed.byConversation);
    }
  }

  /** 'open' while the breaker refuses calls, 'half-open' while one trial may go, else 'closed'. */
  breakerState(now: Date): 'closed' | 'open' | 'half-open' {
    if (this.openUntil === undefined) return 'closed';
    return now.getTime() < this.openUntil ? 'open' : 'half-open';
  }

  allow(conversationId: string | undefined, now: Date): 'ok' | 'cap' | 'breaker' {
    this.rollDay(now);
    const breaker = this.breakerState(now);
    if (breaker === 'open' || (breaker === 'half-open' && this.isTrialRunning)) return 'breaker';
    if (this.dayTotal >= this.limits.perDay) return 'cap';
    if (
      conversationId !== undefined &&
      (this.byConversation.get(conversationId) ?? 0) >= this.limits.perConversation
    ) {
      return 'cap';
    }
    if (breaker === 'half-open') this.isTrialRunning = true;
    return 'ok';
  }

  record(usage: LlmUsage, isFailure: boolean): void {
    this.rollDay(usage.at);
    this.dayTotal += 1;
    if (usage.conversationId !== undefined) {
      this.byConversation.set(
        usage.conversationId,
        (this.byConversation.get(usage.conversationId) ?? 0) + 1,
      );
    }
    this.isTrialRunning = false;
    if (isFailure) {
      this.consecutiveFailures += 1;
      if (this.openUntil !== undefined || this.consecutiveFailures >= this.limits.breakerFailures) {
        this.openUntil = usage.at.getTime() + this.limits.breakerCooldownMs;
      }
    } else {
      this.consecutiveFailures = 0;
      this.openUntil = undefined;
    }
    this.sink?.write(usage);
  }

  private rollDay(now: Date): void {
    const day = utcDay(now);
    if (day === this.day) return;
    this.day = day;
    this.dayTotal = 0;
    this.byConversation = new Map();
  }
}

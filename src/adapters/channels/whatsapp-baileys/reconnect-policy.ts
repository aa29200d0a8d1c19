/**
 * When to reconnect a dropped WhatsApp Web socket: exponential backoff with jitter up to a
 * ceiling, and a circuit breaker that stops hammering WhatsApp after too many failures in a
 * window (a flapping session is what gets numbers flagged). Pure: time and randomness come in.
 */

export interface ReconnectPolicyOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Failures within `circuitWindowMs` that open the circuit. */
  readonly circuitFailures: number;
  readonly circuitWindowMs: number;
  /** How long an open circuit waits before one trial connection. */
  readonly circuitCooldownMs: number;
}

export type ReconnectDecision =
  | { readonly type: 'retry'; readonly delayMs: number; readonly attempt: number }
  | { readonly type: 'circuit_open'; readonly delayMs: number; readonly failures: number };

/** Tracks connection failures; one instance per session. */
export class ReconnectPolicy {
  private readonly options: ReconnectPolicyOptions;
  private readonly random: () => number;
  /** Times (ms) of the failures still inside the window. */
  private failures: number[] = [];
  private consecutive = 0;
  /** After a cool-down, one trial: its failure reopens the circuit at once. */
  private isHalfOpen = false;

  constructor(options: ReconnectPolicyOptions, random: () => number = Math.random) {
    this.options = options;
    this.random = random;
  }

  /** Records a failure at `nowMs` and says when to try again. */
  onFailure(nowMs: number): ReconnectDecision {
    const { baseDelayMs, maxDelayMs, circuitFailures, circuitWindowMs, circuitCooldownMs } =
      this.options;
    this.failures = this.failures.filter((t) => nowMs - t < circuitWindowMs);
    this.failures.push(nowMs);
    this.consecutive += 1;
    if (this.isHalfOpen || this.failures.length >= circuitFailures) {
      const failures = this.failures.length;
      this.failures = [];
      this.consecutive = 0;
      this.isHalfOpen = true;
      return { type: 'circuit_open', delayMs: circuitCooldownMs, failures };
    }
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (this.consecutive - 1));
    // "Equal jitter": at least half the ceiling, so retries never bunch up near zero.
    const delayMs = Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
    return { type: 'retry', delayMs, attempt: this.consecutive };
  }

  /**
   * The connection opened. Consecutive backoff resets; failures stay in the window, so a session
   * that opens and drops again and again still trips the circuit.
   */
  onSuccess(): void {
    this.consecutive = 0;
    this.isHalfOpen = false;
  }
}

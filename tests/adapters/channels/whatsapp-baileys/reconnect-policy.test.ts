import { describe, expect, it } from '@jest/globals';
import { ReconnectPolicy } from '../../../../src/adapters/channels/whatsapp-baileys/reconnect-policy.js';

const options = {
  baseDelayMs: 1000,
  maxDelayMs: 8000,
  circuitFailures: 5,
  circuitWindowMs: 60_000,
  circuitCooldownMs: 600_000,
};

describe('ReconnectPolicy', () => {
  it('doubles the delay up to the ceiling, jittered within its upper half', () => {
    const low = new ReconnectPolicy({ ...options, circuitFailures: 100 }, () => 0);
    const high = new ReconnectPolicy({ ...options, circuitFailures: 100 }, () => 1);
    const lows = [1, 2, 3, 4, 5].map((i) => low.onFailure(i * 100_000));
    const highs = [1, 2, 3, 4, 5].map((i) => high.onFailure(i * 100_000));
    expect(lows.map((d) => d.delayMs)).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(highs.map((d) => d.delayMs)).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(highs.map((d) => d.type === 'retry' && d.attempt)).toEqual([1, 2, 3, 4, 5]);
  });

  it('opens the circuit after N failures within the window, then half-opens', () => {
    const policy = new ReconnectPolicy(options, () => 0.5);
    for (let i = 0; i < 4; i += 1) expect(policy.onFailure(i * 1000).type).toBe('retry');
    expect(policy.onFailure(4000)).toEqual({ type: 'circuit_open', delayMs: 600_000, failures: 5 });
    // The trial connection after the cool-down fails: open again at once.
    expect(policy.onFailure(610_000).type).toBe('circuit_open');
    // A trial that connects closes the circuit; backoff starts over.
    policy.onSuccess();
    expect(policy.onFailure(1_300_000)).toEqual({ type: 'retry', delayMs: 750, attempt: 1 });
  });

  it('forgets failures that fall out of the window', () => {
    const policy = new ReconnectPolicy(options, () => 0);
    for (let i = 0; i < 4; i += 1) policy.onFailure(i * 1000);
    expect(policy.onFailure(70_000).type).toBe('retry');
  });

  it('still trips for a session that connects and drops again and again', () => {
    const policy = new ReconnectPolicy(options, () => 0);
    const types = [0, 1, 2, 3, 4].map((i) => {
      const decision = policy.onFailure(i * 5000);
      policy.onSuccess();
      return decision.type;
    });
    expect(types).toEqual(['retry', 'retry', 'retry', 'retry', 'circuit_open']);
  });
});

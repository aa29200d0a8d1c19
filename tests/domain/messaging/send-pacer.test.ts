import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SendPacer } from '../../../src/domain/messaging/delivery.js';

/** The most sends inside any window of `windowMs` (inclusive start, exclusive end). */
function busiestWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('SendPacer', () => {
  it('never lets more than perSecond sends into any one-second window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 600 }),
        (perSecond, gaps) => {
          const pacer = new SendPacer({ perSecond, perRecipientIntervalMs: 0 }, 0);
          const sent: number[] = [];
          let now = 0;
          for (const [i, gap] of gaps.entries()) {
            now += gap;
            // A sender that always waits as told, as the dispatcher does.
            for (;;) {
              const wait = pacer.take(`r${i}`, now);
              if (wait === 0) break;
              now += wait;
            }
            sent.push(now);
          }
          expect(busiestWindow(sent, 1000)).toBeLessThanOrEqual(perSecond);
        },
      ),
    );
  });

  it('still sends close to the limit when it is busy', () => {
    const pacer = new SendPacer({ perSecond: 80, perRecipientIntervalMs: 0 }, 0);
    let now = 0;
    let sent = 0;
    while (now < 60_000) {
      const wait = pacer.take(`r${sent}`, now);
      if (wait === 0) sent += 1;
      else now += wait;
    }
    expect(sent / 60).toBeGreaterThanOrEqual(71);
    expect(sent / 60).toBeLessThanOrEqual(80);
  });

  it('keeps a recipient waiting for its own interval', () => {
    const pacer = new SendPacer({ perSecond: 80, perRecipientIntervalMs: 6000 }, 0);
    expect(pacer.take('573001112233', 0)).toBe(0);
    expect(pacer.take('573001112233', 1000)).toBe(5000);
    expect(pacer.take('573009998877', 1000)).toBe(0);
  });

  it('survives a clock stepped back', () => {
    const pacer = new SendPacer({ perSecond: 10, perRecipientIntervalMs: 0 }, 10_000);
    expect(pacer.take('a', 5_000)).toBeLessThanOrEqual(200);
  });
});

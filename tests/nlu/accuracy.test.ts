import { describe, expect, it } from '@jest/globals';
import { formatNluReport, runNluEval } from '../../src/app/eval-nlu.js';

/**
 * The tuning set (tests/nlu/*.yaml) is what the lexicons were written against, so its figure
 * guards against regressions rather than measuring generalization; tests/nlu/holdout was
 * written later and is the more honest number (see its header).
 */
describe('rules understander on the labelled dataset', () => {
  it('keeps intent accuracy >= 0.95 and entity accuracy >= 0.95 on the tuning set', async () => {
    const report = await runNluEval('tests/nlu');
    expect(report.intent.total).toBeGreaterThanOrEqual(450);
    if (report.intent.accuracy < 0.95) console.log(formatNluReport(report));
    expect(report.intent.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(report.entities.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps intent accuracy >= 0.90 on the held-out set', async () => {
    const report = await runNluEval('tests/nlu/holdout');
    expect(report.intent.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.entities.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('covers every intent', async () => {
    const report = await runNluEval('tests/nlu');
    expect(Object.keys(report.byIntent).length).toBe(23);
  });
});

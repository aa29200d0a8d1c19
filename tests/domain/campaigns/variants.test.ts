import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { assignVariant, type CampaignVariant } from '../../../src/domain/campaigns/index.js';

const variantsArb = fc
  .array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 5 })
  .map((weights): CampaignVariant[] =>
    weights.map((weight, i) => ({ id: `v${i}`, template: `t${i}`, weight })),
  );

describe('assignVariant', () => {
  it('is sticky: the same campaign and debtor always get the same variant', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), variantsArb, (campaignId, debtorId, variants) => {
        const first = assignVariant(campaignId, debtorId, variants);
        expect(assignVariant(campaignId, debtorId, variants)).toBe(first);
        expect(variants).toContain(first);
      }),
    );
  });

  it('splits many debtors close to the weights', () => {
    fc.assert(
      fc.property(fc.uuid(), variantsArb, (campaignId, variants) => {
        const n = 5_000;
        const counts = new Map<string, number>();
        for (let i = 0; i < n; i += 1) {
          const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
          const v = assignVariant(campaignId, id, variants).id;
          counts.set(v, (counts.get(v) ?? 0) + 1);
        }
        const total = variants.reduce((s, v) => s + v.weight, 0);
        for (const variant of variants) {
          const share = (counts.get(variant.id) ?? 0) / n;
          // Five standard deviations of a binomial share at n = 5,000 is below 0.036.
          expect(Math.abs(share - variant.weight / total)).toBeLessThan(0.04);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('gives a single variant to everyone and depends on the campaign', () => {
    const one = [{ id: 'only', template: 't', weight: 3 }];
    expect(assignVariant('c', 'd', one).id).toBe('only');
    const ab = [
      { id: 'a', template: 't', weight: 1 },
      { id: 'b', template: 't', weight: 1 },
    ];
    const debtors = Array.from({ length: 200 }, (_, i) => `debtor-${i}`);
    const inFirst = debtors.map((d) => assignVariant('campaign-1', d, ab).id);
    const inSecond = debtors.map((d) => assignVariant('campaign-2', d, ab).id);
    // Another campaign reshuffles the arms: the same debtors are not always in the same one.
    expect(inFirst.filter((v, i) => v !== inSecond[i]).length).toBeGreaterThan(50);
  });

  it('refuses an empty list', () => {
    expect(() => assignVariant('c', 'd', [])).toThrow(RangeError);
  });
});

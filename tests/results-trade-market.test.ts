import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../agents/backend/index.js';
import { tradeMarketProfile } from '../games/trade-market/profile.js';
import { readRecipe } from '../training/results/row.js';
import { consumers, priceSetter } from '../games/trade-market/results/rows.js';
import type { ResultRow, RowOutcome } from '../training/results/row.js';

/**
 * The fast version of the trade-market rows of RESULTS.md: one seed, 100 iterations, 256
 * evaluation worlds, looser bars (the recipes' `fast.thresholds`); the untrained policy must fail them.
 */
beforeAll(async () => {
  await selectBackend('wasm');
});

const log = () => {};
const fast = (row: ResultRow, untrained = false) => row.run({ seeds: [0], fast: true, untrained, log }) as RowOutcome;

describe('results rows (fast): trade market', () => {
  it('row 9 trains plain `train trade-market-v0`: its recipe is the profile\'s train defaults', () => {
    expect(readRecipe(priceSetter.recipe).train).toEqual(tradeMarketProfile.trainDefaults);
  });

  for (const [name, row] of [
    ['row 9: the learned price-setter nears p*', priceSetter],
    ['row 10: learned consumers near x* against tâtonnement', consumers],
  ] as const) {
    it(`${name}; untrained it does not`, () => {
      const trained = fast(row);
      expect(trained.reached, trained.details.join('\n')).toBe(true);
      expect(trained.figures[0].svg).toMatch(/^<svg/);
      const untrained = fast(row, true);
      expect(untrained.reached, untrained.details.join('\n')).toBe(false);
    }, 120_000);
  }
});

import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../agents/backend/index.js';
import { competitionAligns, kgSingle, twoOpposed, twoTypes } from '../games/persuasion/results/rows.js';
import type { ResultRow } from '../training/results/row.js';

/**
 * The fast version of the persuasion rows of RESULTS.md (`buddy-gym results --fast`): one seed,
 * 600 iterations, looser bars (the recipes' `fast.thresholds`), judged on exact values of the
 * mode profile; and the same judging of the untrained policy, which must fail it.
 */
beforeAll(async () => {
  await selectBackend('wasm');
});

const log = () => {};
const fast = (row: ResultRow, untrained = false) => Promise.resolve(row.run({ seeds: [0], fast: true, untrained, log }));

describe('results rows (fast): persuasion', () => {
  for (const [name, row] of [
    ['row 5: the kg-single provider nears the Kamenica–Gentzkow value', kgSingle],
    ['row 6: two opposed providers inform the user', twoOpposed],
    ['row 7: personalised providers close each type’s gap', twoTypes],
    ['row 8: the buyer’s utility rises with the sellers to V*', competitionAligns],
  ] as const) {
    it(`${name}; untrained it does not`, async () => {
      const trained = await fast(row);
      expect(trained.reached, trained.details.join('\n')).toBe(true);
      expect(trained.figures[0].svg).toMatch(/^<svg/);
      const untrained = await fast(row, true);
      expect(untrained.reached, untrained.details.join('\n')).toBe(false);
    }, 120_000);
  }
});

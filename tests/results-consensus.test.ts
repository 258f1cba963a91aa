import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../agents/backend/index.js';
import { consensusGame } from '../games/consensus-game/results/rows.js';
import type { RowOutcome } from '../training/results/row.js';

/**
 * The fast version of the consensus row of RESULTS.md: one seed, the example candidates, 80
 * iterations, a looser tolerance to Equilibrium-Ranking's agreement; the untrained pair must fail it.
 */
beforeAll(async () => {
  await selectBackend('wasm');
});

const log = () => {};

describe('results rows (fast): consensus game', () => {
  it("row 11: the learned pair's expected agreement nears Equilibrium-Ranking's; untrained it does not", () => {
    const trained = consensusGame.run({ seeds: [0], fast: true, log }) as RowOutcome;
    expect(trained.reached, trained.details.join('\n')).toBe(true);
    expect(trained.figures[0].svg).toMatch(/^<svg/);
    const untrained = consensusGame.run({ seeds: [0], fast: true, untrained: true, log }) as RowOutcome;
    expect(untrained.reached, untrained.details.join('\n')).toBe(false);
  }, 120_000);
});

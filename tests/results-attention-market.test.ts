import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../agents/backend/index.js';
import { goalLearnsToExaggerate, goalStaysHonest, selfPlayBothSides, usersBeatGreedy } from '../games/attention-market/results/rows.js';
import type { ResultRow, RowOutcome } from '../training/results/row.js';

/**
 * The fast version of the attention market's rows of RESULTS.md (`buddy-gym results --fast`):
 * fewer iterations and worlds, looser bars, one seed; and, where the bar asks that something
 * be learned, the same judging of the untrained policy, which must fail it (so the bar can
 * fail). The full rows run with `npm run results`.
 */
beforeAll(async () => {
  await selectBackend('wasm');
});

const log = () => {};
/** Each row trains for about a minute on a quiet core (several under load): its own, generous limit. */
const ROW_TIMEOUT_MS = 600_000;
const fast = (row: ResultRow, untrained = false) => row.run({ seeds: [0], fast: true, untrained, log }) as RowOutcome;

describe('results rows (fast): attention market', () => {
  it('row 1: π_user trained against exaggerating goals beats greedy (mode, paired); untrained it does not', () => {
    const trained = fast(usersBeatGreedy);
    expect(trained.reached, trained.details.join('\n')).toBe(true);
    expect(trained.figures[0].svg).toMatch(/^<svg/);
    const untrained = fast(usersBeatGreedy, true);
    expect(untrained.reached, untrained.details.join('\n')).toBe(false);
  }, ROW_TIMEOUT_MS);

  it('row 2: a lone trained goal gains over honesty where tastes cluster; untrained it does not', () => {
    const trained = fast(goalLearnsToExaggerate);
    expect(trained.reached, trained.details.join('\n')).toBe(true);
    const untrained = fast(goalLearnsToExaggerate, true);
    expect(untrained.reached, untrained.details.join('\n')).toBe(false);
  }, ROW_TIMEOUT_MS);

  it('row 3: where exaggeration does not pay, the trained goal stays near honest (fast: within 0.1)', () => {
    // (an untrained goal is honest up to its small initial correction, so it meets this bar too:
    // the row checks that training does not learn noise)
    const trained = fast(goalStaysHonest);
    expect(trained.reached, trained.details.join('\n')).toBe(true);
  }, ROW_TIMEOUT_MS);

  it('row 4 (fast: honesty at the ends of λ): π_goal is more honest at λ = 1 than at λ = 0.03; untrained it is the same', () => {
    const trained = fast(selfPlayBothSides);
    expect(trained.reached, trained.details.join('\n')).toBe(true);
    const untrained = fast(selfPlayBothSides, true);
    expect(untrained.reached, untrained.details.join('\n')).toBe(false);
  }, ROW_TIMEOUT_MS);
});

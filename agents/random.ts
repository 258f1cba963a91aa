import type { Baseline } from './baseline.js';
import type { Space } from '../envs/core/spaces/space.js';
import { Box } from '../envs/core/spaces/box.js';
import { Subset } from '../envs/core/spaces/subset.js';
import type { Agent, AgentContext, BatchContext } from './agent.js';

/** Uniform over the action space (any env, any role): Box uniform in its bounds, Subset uniform over k-subsets. */
export class RandomAgent implements Agent<unknown, unknown> {
  readonly name = 'random';
  private scratch = new Int32Array(0);

  act(_observation: unknown, ctx: AgentContext): unknown {
    return ctx.env.actionSpace(ctx.agent).sample(ctx.rng);
  }

  actBatch(_obs: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void {
    const space: Space = ctx.role.actionSpace;
    const rows = ctx.numEnvs * ctx.count;
    if (space instanceof Box) {
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < ctx.actSize; i++) {
          const lo = space.low[i];
          const hi = space.high[i];
          actions[r * ctx.actSize + i] = Number.isFinite(lo) && Number.isFinite(hi) ? lo + (hi - lo) * ctx.rng.uniform() : ctx.rng.normal();
        }
      }
    } else if (space instanceof Subset) {
      if (this.scratch.length !== space.n) this.scratch = new Int32Array(space.n);
      const pool = this.scratch;
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < space.n; i++) pool[i] = i;
        for (let i = 0; i < space.k; i++) {
          const j = i + ctx.rng.int(space.n - i);
          const t = pool[i];
          pool[i] = pool[j];
          pool[j] = t;
          actions[r * space.k + i] = pool[i];
        }
      }
    } else {
      for (let r = 0; r < rows; r++) space.flatten(space.sample(ctx.rng), actions, r * ctx.actSize);
    }
  }
}

/** The baseline every side of every env has: uniform over its action space. */
export const RANDOM_BASELINE: Baseline = { doc: 'uniform over the action space', make: () => new RandomAgent() };

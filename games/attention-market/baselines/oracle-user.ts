import type { AttentionMarketKernel } from '../kernel.js';
import { AttentionMarketEnv } from '../env.js';
import { ScoringUser } from './scoring-user.js';

/**
 * CHEATING REFERENCE, not a policy a User Buddy could run: ranks the pool by θ·e with the
 * user's true, hidden preference θ, read from the env. It is the yardstick for "how well
 * could a user do if it knew what it wanted"; with honest goals its regret is exactly 0.
 */
export class OracleUser extends ScoringUser {
  readonly name = 'oracle (cheats: reads θ)';

  private kernel: AttentionMarketKernel | null = null;

  protected vectorArray(_obs: Float32Array, ctx: { kernel?: unknown; env?: unknown }): ArrayLike<number> {
    this.kernel = (ctx.kernel ?? findKernel(ctx.env)) as AttentionMarketKernel;
    return this.kernel.preferences; // θ: hidden from every honest agent
  }

  protected vectorOffset(_obsBase: number, _estimateOffset: number, env: number, user: number): number {
    const k = this.kernel!;
    return (env * k.U + user) * k.D;
  }
}

/** Follows wrappers (`env`, `unwrapped`) down to the attention market's kernel. */
function findKernel(env: unknown): AttentionMarketKernel {
  let e = env as { env?: unknown; unwrapped?: unknown; kernel?: unknown } | undefined;
  for (let depth = 0; e && depth < 16; depth++) {
    if (e instanceof AttentionMarketEnv) return e.kernel;
    e = (e.unwrapped ?? e.env) as typeof e;
  }
  throw new TypeError('OracleUser only plays attention-market-v0 (it reads the hidden preferences from the env)');
}

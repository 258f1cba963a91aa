import { CORRECT, INCORRECT } from '../candidates.js';
import { ConsensusGameEnv } from '../env.js';
import { ConsensusGameKernel } from '../kernel.js';
import { ConsensusPolicy, type DiscriminatorLayout, type GeneratorLayout, type PolicyContext } from './consensus-policy.js';

/**
 * Plays the Equilibrium-Ranking solution of the question shown (the one the env computed from its
 * er* options, which its round metrics compare with): π_G^ER(y | x, v) and π_D^ER(correct | x, y).
 * It reads that solution from the env's kernel, and the question index x from the observation.
 */
export class EquilibriumRankingAgent extends ConsensusPolicy {
  readonly name = 'equilibrium-ranking';

  protected generatorLogProbs(obs: Float32Array, base: number, l: GeneratorLayout, out: Float64Array, _copy: number, ctx: PolicyContext): void {
    const k = findKernel(ctx);
    const q = obs[base + l.question];
    const v = obs[base + l.verdict] > 0.5 ? CORRECT : INCORRECT;
    const row = (q * 2 + v) * k.K;
    for (let y = 0; y < l.K; y++) out[y] = Math.log(k.erGenerator[row + y]);
  }

  protected discriminatorLogOdds(obs: Float32Array, base: number, l: DiscriminatorLayout, _copy: number, ctx: PolicyContext): number {
    const k = findKernel(ctx);
    const q = obs[base + l.question];
    let y = 0;
    while (y < l.K - 1 && obs[base + l.candidate + y] < 0.5) y++; // the one-hot candidate
    const p = k.erDiscriminator[q * k.K + y];
    return Math.log(p) - Math.log1p(-p);
  }
}

/** The consensus-game kernel behind a batch context or an env (following wrappers' `env` / `unwrapped`). */
function findKernel(ctx: PolicyContext): ConsensusGameKernel {
  if (ctx.kernel instanceof ConsensusGameKernel) return ctx.kernel;
  let e = ctx.env as { env?: unknown; unwrapped?: unknown } | undefined;
  for (let depth = 0; e && depth < 16; depth++) {
    if (e instanceof ConsensusGameEnv) return e.kernel;
    e = (e.unwrapped ?? e.env) as typeof e;
  }
  throw new TypeError('EquilibriumRankingAgent only plays consensus-game-v0 (it reads the Equilibrium-Ranking solution from the env)');
}

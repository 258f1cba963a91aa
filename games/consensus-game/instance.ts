import { parseCandidates, type ConsensusCandidates } from './candidates.js';
import { equilibriumRankingAll, resolveERParams, type EquilibriumRankingParams, type EquilibriumRankingSolution } from './equilibrium-ranking.js';
import { erParamsOf, type ConsensusGameOptions } from './options.js';

/** What a kernel needs from its options: the loaded candidates and their Equilibrium-Ranking solutions. */
export interface ConsensusInstance {
  readonly candidates: ConsensusCandidates;
  readonly params: EquilibriumRankingParams;
  readonly solutions: readonly EquilibriumRankingSolution[];
}

/**
 * Loads the candidates and solves Equilibrium-Ranking on every question (T = 5000 on the
 * example takes ~0.1 s). Deep-frozen candidates objects (the shipped examples) cannot change,
 * so their instances are cached by identity: every env made from a preset shares one solve.
 */
export function consensusInstance(options: ConsensusGameOptions): ConsensusInstance {
  const raw = options.candidates;
  const params = resolveERParams(erParamsOf(options));
  const key = JSON.stringify(params);
  const cacheable = isDeepFrozen(raw);
  const byParams = cacheable ? cache.get(raw) : undefined;
  const hit = byParams?.get(key);
  if (hit) return hit;
  const candidates = parseCandidates(raw);
  const instance: ConsensusInstance = Object.freeze({ candidates, params, solutions: Object.freeze(equilibriumRankingAll(candidates, params)) });
  if (cacheable) {
    if (!byParams) cache.set(raw, new Map([[key, instance]]));
    else byParams.set(key, instance);
  }
  return instance;
}

const cache = new WeakMap<object, Map<string, ConsensusInstance>>();

function isDeepFrozen(x: unknown): x is object {
  if (typeof x !== 'object' || x === null) return false;
  const stack: unknown[] = [x];
  while (stack.length > 0) {
    const o = stack.pop();
    if (typeof o !== 'object' || o === null) continue;
    if (!Object.isFrozen(o)) return false;
    for (const v of Object.values(o)) stack.push(v);
  }
  return true;
}

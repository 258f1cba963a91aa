import type { NetworkSpec } from '../networks.js';
import { Scratch } from './dense.js';
import { MlpNet } from './mlp-net.js';
import { ParamBlock, type WeightInfo } from './params.js';
import { PoolScorerNet } from './pool-scorer-net.js';
import type { FusedRuntime } from './runtime.js';

/**
 * A policy network of agents/policy/networks.ts computed by the fused engine: the same
 * function of the same weights (laid out as the tfjs model's `weights`), forward and
 * backward, over batches of flat observations in the runtime's memory.
 */
export interface FusedNet {
  readonly params: ParamBlock;
  /** Head parameters per row. */
  readonly paramSize: number;
  readonly obsSize: number;
  /**
   * Forward pass on observations [n, obsSize] at byte offset `obs`: the head parameters
   * [n, paramSize] (when `policy`) and the values [n] (when `value`), as byte offsets of
   * scratch buffers valid until the next call.
   */
  forward(obs: number, n: number, policy: boolean, value: boolean): { params: number; value: number };
  /**
   * Accumulates the weights' gradients for dParams [n, paramSize] and dValue [n] (byte
   * offsets) after a forward pass with both outputs on the same observations.
   */
  backward(obs: number, n: number, dParams: number, dValue: number): void;
  dispose(): void;
}

/** Builds the fused form of a network spec over weights named and shaped as the tfjs model's. */
export function buildFusedNet(rt: FusedRuntime, prefix: string, spec: NetworkSpec, paramSize: number, weights: readonly WeightInfo[]): FusedNet {
  const params = new ParamBlock(rt, weights);
  const scratch = new Scratch(rt);
  switch (spec.arch) {
    case 'mlp':
    case 'residual-goal':
      return new MlpNet(rt, prefix, spec, paramSize, params, scratch);
    case 'pool-scorer':
      return new PoolScorerNet(rt, prefix, spec, paramSize, params, scratch);
  }
}

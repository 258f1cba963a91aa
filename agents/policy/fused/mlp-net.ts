import type { NetworkSpec } from '../networks.js';
import { MlpStack, denseOf, type Dense, type Scratch } from './dense.js';
import type { FusedNet } from './net.js';
import type { ParamBlock } from './params.js';
import { ACCUMULATE, type FusedRuntime } from './runtime.js';

type MlpSpec = Extract<NetworkSpec, { arch: 'mlp' | 'residual-goal' }>;

/** One tanh stack `${prefix}_${branch}_h{i}` over the first `obsSize` numbers of the observation, and its output layer. */
export function mlpStack(rt: FusedRuntime, p: ParamBlock, scratch: Scratch, prefix: string, branch: 'pi' | 'v', obsSize: number, hidden: readonly number[], outName: string, outSize: number): MlpStack {
  const layers: Dense[] = [];
  let inSize = obsSize;
  hidden.forEach((units, i) => {
    layers.push(denseOf(p, `${prefix}_${branch}_h${i}`, inSize, units));
    inSize = units;
  });
  return new MlpStack(rt, layers, denseOf(p, `${prefix}_${outName}`, inSize, outSize), scratch, `${prefix}.${branch}`);
}

/**
 * The `mlp` and `residual-goal` networks: a policy stack and a separate value stack over the
 * observation. Gaussian heads get [mean, logStd] with a state-independent logStd; the
 * residual network's mean adds the grounded slice of the observation, repeated.
 */
export class MlpNet implements FusedNet {
  readonly obsSize: number;
  private readonly pi: MlpStack;
  private readonly v: MlpStack;
  /** Gaussian: size of the mean (the logStd vector has the same); 0 for logits. */
  private readonly gaussian: number;
  private readonly logStd: number;
  private readonly gLogStd: number;

  constructor(
    readonly rt: FusedRuntime,
    prefix: string,
    readonly spec: MlpSpec,
    readonly paramSize: number,
    readonly params: ParamBlock,
    private readonly scratch: Scratch,
  ) {
    this.obsSize = spec.obsSize;
    const residual = spec.arch === 'residual-goal';
    this.gaussian = residual ? spec.dim * spec.creations : spec.gaussian ? spec.gaussian.size : 0;
    if (this.gaussian && paramSize !== 2 * this.gaussian) throw new Error(`fused ${prefix}: a Gaussian head of ${this.gaussian} needs ${2 * this.gaussian} parameters, not ${paramSize}`);
    const outName = residual ? 'pi_delta' : this.gaussian ? 'pi_mean' : 'pi_out';
    // the policy reads the observation without the centralised critic's features (its last criticSize numbers)
    this.pi = mlpStack(rt, params, scratch, prefix, 'pi', spec.obsSize - (spec.criticSize ?? 0), spec.hidden, outName, this.gaussian || paramSize);
    this.v = mlpStack(rt, params, scratch, prefix, 'v', spec.obsSize, spec.hidden, 'v_out', 1);
    if (this.gaussian) {
      params.slot(`${prefix}_log_std/log_std`, [this.gaussian]);
      this.logStd = params.ptr(`${prefix}_log_std/log_std`);
      this.gLogStd = params.gradPtr(`${prefix}_log_std/log_std`);
    } else {
      this.logStd = this.gLogStd = 0;
    }
  }

  forward(obs: number, n: number, policy: boolean, value: boolean): { params: number; value: number } {
    const rt = this.rt;
    let out = 0;
    if (policy) {
      const head = this.pi.forward(obs, this.obsSize, n);
      if (!this.gaussian) out = head;
      else {
        const S = this.gaussian;
        out = this.scratch.get('params', n * 2 * S);
        const dst = rt.f32(out, n * 2 * S);
        const mean = rt.f32(head, n * S);
        const ls = rt.f32(this.logStd, S);
        const o = rt.f32(obs, n * this.obsSize);
        const spec = this.spec;
        for (let i = 0; i < n; i++) {
          for (let d = 0; d < S; d++) dst[i * 2 * S + d] = mean[i * S + d];
          if (spec.arch === 'residual-goal') {
            const g = i * this.obsSize + spec.groundedOffset;
            for (let c = 0; c < spec.creations; c++) for (let d = 0; d < spec.dim; d++) dst[i * 2 * S + c * spec.dim + d] += o[g + d];
          }
          dst.set(ls, i * 2 * S + S);
        }
      }
    }
    const v = value ? this.v.forward(obs, this.obsSize, n) : 0;
    return { params: out, value: v };
  }

  backward(obs: number, n: number, dParams: number, dValue: number): void {
    const rt = this.rt;
    let dHead = dParams;
    if (this.gaussian) {
      const S = this.gaussian;
      // The logStd vector is the same in every row: its gradient is the column sum.
      rt.k.colsum(dParams + 4 * S, 2 * S, n, S, this.gLogStd, ACCUMULATE);
      dHead = this.scratch.get('dMean', n * S);
      const src = rt.f32(dParams, n * 2 * S);
      const dst = rt.f32(dHead, n * S);
      for (let i = 0; i < n; i++) dst.set(src.subarray(i * 2 * S, i * 2 * S + S), i * S);
    }
    this.pi.backward(obs, this.obsSize, n, dHead);
    this.v.backward(obs, this.obsSize, n, dValue);
  }

  dispose(): void {
    this.scratch.dispose();
    this.params.dispose();
  }
}

import type { NetworkSpec } from '../networks.js';
import { MlpStack, denseBackward, denseForward, denseOf, type Dense, type Scratch } from './dense.js';
import { mlpStack } from './mlp-net.js';
import type { FusedNet } from './net.js';
import type { ParamBlock } from './params.js';
import { ACCUMULATE, TANH, type FusedRuntime } from './runtime.js';

type PoolSpec = Extract<NetworkSpec, { arch: 'pool-scorer' }>;

/** Units of the context layer (networks.ts: dense 'ctx', 16, tanh). */
const CTX_UNITS = 16;

/**
 * The pool scorer (networks.ts), with its first layer factorised. The tfjs network scores
 * every pool entry from the concatenation [e, q, e⊙q, pool mean, context, memory] (4D + 16
 * + f features) through a tanh MLP; of those, q, the pool mean and the context are the same
 * for all P entries of a transition. So the first layer is computed as
 *   z(entry) = [e, e⊙q, memory]·W_entry + ([q, pool mean, context]·W_shared + b)
 * with W_entry and W_shared the matching rows of the one tfjs kernel: the shared part once
 * per transition instead of P times (a third fewer multiply-adds at the defaults), and
 * its gradient from the per-transition sum of the entries' gradients. Logits are the
 * greedy prior c·(q·e) plus the MLP's score; the value is a separate MLP on the observation.
 */
export class PoolScorerNet implements FusedNet {
  readonly obsSize: number;
  private readonly P: number;
  private readonly D: number;
  private readonly f: number;
  /** Features per entry row [e, e⊙q, memory] and per transition [q, pool mean, context]. */
  private readonly entryWidth: number;
  private readonly sharedWidth: number;
  /** Rows of the tfjs first-layer kernel that make W_entry and W_shared, in packing order. */
  private readonly entryRows: number[];
  private readonly sharedRows: number[];
  private readonly ctx: Dense;
  private readonly first: Dense;
  private readonly deeper: Dense[];
  private readonly out: Dense;
  private readonly prior: number;
  private readonly gPrior: number;
  private readonly v: MlpStack;
  private rows = 0;
  private acts: number[] = [];

  constructor(
    readonly rt: FusedRuntime,
    prefix: string,
    readonly spec: PoolSpec,
    readonly paramSize: number,
    readonly params: ParamBlock,
    private readonly scratch: Scratch,
  ) {
    const { pool: P, dim: D, hidden } = spec;
    if (P !== paramSize) throw new Error(`fused ${prefix}: the head needs ${paramSize} logits, the pool has ${P} entries`);
    this.obsSize = spec.obsSize;
    this.P = P;
    this.D = D;
    this.f = spec.memoryOffset !== undefined && spec.memoryFeatures ? spec.memoryFeatures : 0;
    const features = 4 * D + CTX_UNITS + this.f;
    const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
    // concat order: e [0, D), q [D, 2D), e⊙q [2D, 3D), mean [3D, 4D), context [4D, 4D+16), memory
    this.entryRows = [...range(0, D), ...range(2 * D, 3 * D), ...range(4 * D + CTX_UNITS, features)];
    this.sharedRows = [...range(D, 2 * D), ...range(3 * D, 4 * D), ...range(4 * D, 4 * D + CTX_UNITS)];
    this.entryWidth = this.entryRows.length;
    this.sharedWidth = this.sharedRows.length;
    this.ctx = denseOf(params, `${prefix}_ctx`, spec.contextSize, CTX_UNITS);
    this.first = denseOf(params, `${prefix}_score_h0`, features, hidden[0]);
    this.deeper = hidden.slice(1).map((units, i) => denseOf(params, `${prefix}_score_h${i + 1}`, hidden[i], units));
    this.out = denseOf(params, `${prefix}_score_out`, hidden[hidden.length - 1], 1);
    params.slot(`${prefix}_greedy_prior/kernel`, [D, 1]);
    this.prior = params.ptr(`${prefix}_greedy_prior/kernel`);
    this.gPrior = params.gradPtr(`${prefix}_greedy_prior/kernel`);
    this.v = mlpStack(rt, params, scratch, prefix, 'v', spec.obsSize, hidden, 'v_out', 1);
  }

  /** Copies the listed rows of the first-layer kernel (or its gradient) into a packed [rows, H] block, or adds a packed block back. */
  private pack(rows: number[], kernel: number, packed: number, back: boolean): void {
    const H = this.first.outSize;
    const k = this.rt.f32(kernel, this.first.inSize * H);
    const p = this.rt.f32(packed, rows.length * H);
    rows.forEach((r, i) => {
      if (back) for (let j = 0; j < H; j++) k[r * H + j] += p[i * H + j];
      else p.set(k.subarray(r * H, r * H + H), i * H);
    });
  }

  forward(obs: number, n: number, policy: boolean, value: boolean): { params: number; value: number } {
    const v = value ? this.v.forward(obs, this.obsSize, n) : 0;
    if (!policy) return { params: 0, value: v };
    const rt = this.rt;
    const { P, D, f, spec, obsSize, entryWidth: EW, sharedWidth: SW } = this;
    const H0 = this.first.outSize;
    const rows = n * P;
    const s = this.scratch;
    // context layer, on the observation's [lastFeedback, progress] columns
    const ctx = s.get('ctx', n * CTX_UNITS);
    denseForward(rt, this.ctx, obs + 4 * spec.contextOffset, obsSize, ctx, n, true);
    // features: per entry [e, e⊙q, memory], per transition [q, pool mean, context]
    const entry = s.get('entry', rows * EW);
    const shared = s.get('shared', n * SW);
    rt.split('pool_features', [obs, obsSize, spec.poolOffset, spec.estimateOffset, spec.memoryOffset ?? 0, P, D, f, entry, EW, shared, SW, 0, n], rows * EW);
    const fs = rt.f32(shared, n * SW);
    const c = rt.f32(ctx, n * CTX_UNITS);
    for (let t = 0; t < n; t++) fs.set(c.subarray(t * CTX_UNITS, (t + 1) * CTX_UNITS), t * SW + 2 * D);
    // first layer: shared part once per transition (with the bias), entries on top of it
    const wEntry = s.get('wEntry', EW * H0);
    const wShared = s.get('wShared', SW * H0);
    this.pack(this.entryRows, this.first.w, wEntry, false);
    this.pack(this.sharedRows, this.first.w, wShared, false);
    const zShared = s.get('zShared', n * H0);
    rt.split('gemm', [shared, SW, wShared, H0, this.first.b, 0, 1, zShared, H0, 0, n, SW, H0, 0], n * SW * H0);
    let h = s.get('h0', rows * H0);
    rt.split('gemm', [entry, EW, wEntry, H0, zShared, H0, P, h, H0, 0, rows, EW, H0, TANH], rows * EW * H0);
    this.acts = [h];
    this.deeper.forEach((d, i) => {
      const next = s.get(`h${i + 1}`, rows * d.outSize);
      denseForward(rt, d, h, d.inSize, next, rows, true);
      this.acts.push(next);
      h = next;
    });
    // logits = c·(q·e) + score
    const logits = s.get('logits', rows);
    const prior = s.get('prior', rows);
    denseForward(rt, this.out, h, this.out.inSize, logits, rows, false);
    rt.split('gemv', [entry + 4 * D, EW, this.prior, 0, prior, 0, rows, D], rows * D);
    rt.k.add(prior, logits, rows);
    this.rows = n;
    return { params: logits, value: v };
  }

  backward(obs: number, n: number, dParams: number, dValue: number): void {
    if (n !== this.rows) throw new Error(`pool scorer: backward over ${n} rows after a forward over ${this.rows}`);
    const rt = this.rt;
    const { P, D, spec, obsSize, entryWidth: EW, sharedWidth: SW } = this;
    const H0 = this.first.outSize;
    const rows = n * P;
    const s = this.scratch;
    const entry = s.get('entry', rows * EW);
    const shared = s.get('shared', n * SW);
    // greedy prior: ∂/∂c = Σ_rows (e⊙q)·dlogit
    rt.split('gemv_tn', [entry + 4 * D, EW, dParams, this.gPrior, rows, 0, D, ACCUMULATE], rows * D);
    // score MLP, top down
    let dy = dParams;
    let layer = this.out;
    for (let i = this.acts.length - 1; i >= 0; i--) {
      const dh = s.get(`dh${i}`, rows * layer.inSize);
      denseBackward(rt, layer, this.acts[i], layer.inSize, dy, rows, dh, s);
      rt.k.tanh_bwd(dh, this.acts[i], rows * layer.inSize);
      dy = dh;
      layer = i > 0 ? this.deeper[i - 1] : this.first;
    }
    // first layer: entry rows from every entry, shared rows from each transition's sum
    const gEntry = s.get('gEntry', EW * H0);
    const gShared = s.get('gShared', SW * H0);
    rt.split('gemm_tn', [entry, EW, dy, H0, gEntry, H0, rows, 0, EW, H0, 0], rows * EW * H0);
    const dShared = s.get('dShared', n * H0);
    rt.k.group_sum(dy, H0, n, P, H0, dShared, H0);
    rt.split('gemm_tn', [shared, SW, dShared, H0, gShared, H0, n, 0, SW, H0, 0], n * SW * H0);
    rt.k.colsum(dShared, H0, n, H0, this.first.gb, ACCUMULATE);
    this.pack(this.entryRows, this.first.gw, gEntry, true);
    this.pack(this.sharedRows, this.first.gw, gShared, true);
    // context: its rows of W_shared (the last 16), back through its tanh layer
    const ctxRows = this.sharedRows.slice(2 * D);
    const wCtxT = s.get('wCtxT', CTX_UNITS * H0);
    const w = rt.f32(this.first.w, this.first.inSize * H0);
    const t = rt.f32(wCtxT, CTX_UNITS * H0);
    ctxRows.forEach((r, u) => {
      for (let j = 0; j < H0; j++) t[j * CTX_UNITS + u] = w[r * H0 + j];
    });
    const dCtx = s.get('dCtx', n * CTX_UNITS);
    rt.split('gemm', [dShared, H0, wCtxT, CTX_UNITS, 0, 0, 1, dCtx, CTX_UNITS, 0, n, H0, CTX_UNITS, 0], n * H0 * CTX_UNITS);
    rt.k.tanh_bwd(dCtx, s.get('ctx', n * CTX_UNITS), n * CTX_UNITS);
    denseBackward(rt, this.ctx, obs + 4 * spec.contextOffset, obsSize, dCtx, n, 0, s);
    this.v.backward(obs, obsSize, n, dValue);
  }

  dispose(): void {
    this.scratch.dispose();
    this.params.dispose();
  }
}

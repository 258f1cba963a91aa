import type { FusedRuntime } from './runtime.js';

/** One weight tensor of a network, as tfjs names and shapes it. */
export interface WeightInfo {
  name: string;
  shape: number[];
}

/** Where one weight lives in the flat buffers: float offset and count. */
export interface Slot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/**
 * A network's weights as one flat float32 block in the fused runtime's memory, in the
 * order of the tfjs model's `weights` (so getWeights/setWeights and the optimiser state
 * map one to one), with a gradient block of the same layout beside it. Each weight starts
 * on a 4-float boundary so that kernels can load it with aligned SIMD.
 */
export class ParamBlock {
  readonly slots: readonly Slot[];
  /** Floats in the block (with alignment padding). */
  readonly size: number;
  readonly params: number;
  readonly grads: number;
  private readonly byName = new Map<string, Slot>();

  constructor(
    readonly rt: FusedRuntime,
    weights: readonly WeightInfo[],
  ) {
    let offset = 0;
    const slots: Slot[] = [];
    for (const w of weights) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      const slot = { name: w.name, shape: [...w.shape], offset, size };
      slots.push(slot);
      this.byName.set(w.name, slot);
      offset += Math.ceil(size / 4) * 4;
    }
    this.slots = slots;
    this.size = offset;
    this.params = rt.alloc(offset);
    this.grads = rt.alloc(offset);
  }

  /** The slot of a weight by its tfjs name (`user_score_h0/kernel`); throws if the network has none. */
  slot(name: string, shape?: readonly number[]): Slot {
    const s = this.byName.get(name);
    if (!s) throw new Error(`fused network: no weight "${name}" (has ${[...this.byName.keys()].join(', ')})`);
    if (shape && (shape.length !== s.shape.length || shape.some((d, i) => d !== s.shape[i]))) {
      throw new Error(`fused network: weight "${name}" has shape [${s.shape}], expected [${shape}]`);
    }
    return s;
  }

  /** Byte pointer of a weight's values. */
  ptr(name: string): number {
    return this.params + 4 * this.slot(name).offset;
  }

  /** Byte pointer of a weight's gradient. */
  gradPtr(name: string): number {
    return this.grads + 4 * this.slot(name).offset;
  }

  /** A copy of every weight, in order. */
  get(): Float32Array[] {
    const all = this.rt.f32(this.params, this.size);
    return this.slots.map((s) => all.slice(s.offset, s.offset + s.size));
  }

  /** Overwrites every weight (arrays in slot order, each of the slot's size). */
  set(values: readonly ArrayLike<number>[]): void {
    if (values.length !== this.slots.length) throw new RangeError(`fused network: ${values.length} weight arrays given, it has ${this.slots.length}`);
    const all = this.rt.f32(this.params, this.size);
    this.slots.forEach((s, i) => {
      if (values[i].length !== s.size) throw new RangeError(`fused network: weight "${s.name}" needs ${s.size} values, got ${values[i].length}`);
      all.set(values[i], s.offset);
    });
  }

  zeroGrads(): void {
    this.rt.f32(this.grads, this.size).fill(0);
  }

  dispose(): void {
    this.rt.release(this.params);
    this.rt.release(this.grads);
  }
}

import type { Agent, AgentContext, BatchContext } from '../../../agents/agent.js';
import type { Box } from '../../../envs/core/spaces/box.js';
import type { PriceSetterObservation } from '../spaces.js';

export interface FixedPriceSetterOptions {
  /** One price for every good, or one per good; each finite and ≥ 0. */
  prices: number | ArrayLike<number>;
}

/** Posts the same prices every round, whatever happens. */
export class FixedPriceSetter implements Agent<PriceSetterObservation, Float32Array> {
  readonly name: string;
  private readonly prices: Float64Array;
  private readonly scalar: boolean;

  constructor(options: FixedPriceSetterOptions) {
    const p = options?.prices;
    this.scalar = typeof p === 'number';
    this.prices = typeof p === 'number' ? Float64Array.of(p) : Float64Array.from(p ?? []);
    if (this.prices.length === 0) throw new RangeError('FixedPriceSetter: prices must be a number or a non-empty array of numbers');
    this.prices.forEach((v, g) => {
      if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`FixedPriceSetter: prices${this.scalar ? '' : `[${g}]`} = ${v} must be a finite number ≥ 0`);
    });
    this.name = `fixed-price(${Array.from(this.prices).join(', ')})`;
  }

  act(_obs: PriceSetterObservation, ctx: AgentContext): Float32Array {
    const space = ctx.env.actionSpace(ctx.agent) as Box;
    const out = new Float32Array(space.flatSize);
    this.write(out, 0, space.flatSize, space.high);
    return out;
  }

  actBatch(_obs: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void {
    const high = (ctx.role.actionSpace as Box).high;
    for (let r = 0; r < ctx.numEnvs * ctx.count; r++) this.write(actions, r * ctx.actSize, ctx.actSize, high);
  }

  private write(out: Float32Array | Int32Array, off: number, G: number, high: Float32Array): void {
    if (!this.scalar && this.prices.length !== G) throw new RangeError(`FixedPriceSetter: has ${this.prices.length} prices but the market has ${G} goods`);
    for (let g = 0; g < G; g++) {
      const p = this.prices[this.scalar ? 0 : g];
      if (p > high[g]) throw new RangeError(`FixedPriceSetter: price ${p} of good ${g} is above the market's maxPrice ${high[g]}`);
      out[off + g] = p;
    }
  }
}

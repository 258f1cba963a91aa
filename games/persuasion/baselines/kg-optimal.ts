import type { Agent, AgentContext, BatchContext } from '../../../agents/agent.js';
import type { Box } from '../../../envs/core/spaces/box.js';
import type { PersuasionInstance } from '../instance.js';
import type { ProviderObservation } from '../spaces.js';
import { instanceTables, type InstanceTables } from '../tables.js';
import { kgSignal } from './kg-signal.js';
import { oneHotIndex, probabilitiesToLogits, providerLayout } from './layout.js';

export interface KgOptimalOptions {
  /** The instance played; by default read from the env (PersuasionEnv.instance) or the kernel. */
  instance?: PersuasionInstance;
  /** How far each induced posterior is kept inside the recommended action's region (see kgSignal). */
  margin?: number;
}

/**
 * The Kamenica–Gentzkow optimal signal for the provider's own utility, as if it were the only
 * sender (binary states only): in GAMES.md's example it recommends its preferred action
 * whenever that is right for the user, and otherwise with the largest probability that keeps
 * the user's posterior at the indifference point.
 *
 * The receiver is the user type the observation shows when personalised; with an anonymous
 * policy and several types it is a representative user with utility Σ_θ ρ(θ)·u_θ (a heuristic:
 * the exact optimum against a mixture of types is not a two-posterior split in general).
 * A reference agent: it reads the user's utility from the instance, which a learning provider
 * is not shown. Needs a logit bound large enough (≥ 6) for near-zero probabilities.
 */
export class KgOptimalProvider implements Agent<ProviderObservation, Float32Array> {
  readonly name = 'kg-optimal';
  private readonly margin: number;
  /** Logits [Y·M] (and the bound L they were made for) per instance, provider and receiver (type θ, or the representative at the end). */
  private readonly cache = new WeakMap<InstanceTables, ({ L: number; logits: Float32Array } | undefined)[]>();

  constructor(private readonly options: KgOptimalOptions = {}) {
    this.margin = options.margin ?? 1e-6;
    if (!(this.margin >= 0 && this.margin < 0.5)) throw new RangeError(`KgOptimalProvider: margin must be in [0, 0.5), got ${options.margin}`);
  }

  act(obs: ProviderObservation, ctx: AgentContext): Float32Array {
    const env = ctx.env as unknown as { instance?: PersuasionInstance; kernel?: { instance?: PersuasionInstance } };
    const instance = this.instanceOf(env.instance ?? env.kernel?.instance);
    const space = ctx.env.actionSpace(ctx.agent) as Box;
    const i = oneHotIndex(obs.provider, 0, obs.provider.length);
    const theta = oneHotIndex(obs.userType, 0, obs.userType.length);
    return Float32Array.from(this.logits(instance, i, theta, space.shape[1], space.high[0]));
  }

  actBatch(obs: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void {
    const instance = this.instanceOf((ctx.kernel as unknown as { instance?: PersuasionInstance }).instance);
    const lay = providerLayout(ctx.role);
    const rows = ctx.numEnvs * ctx.count;
    for (let r = 0; r < rows; r++) {
      const base = r * ctx.obsSize;
      const i = oneHotIndex(obs, base + lay.provider, lay.k);
      const theta = oneHotIndex(obs, base + lay.userType, lay.types);
      actions.set(this.logits(instance, i, theta, lay.M, lay.L), r * ctx.actSize);
    }
  }

  private instanceOf(found: PersuasionInstance | undefined): PersuasionInstance {
    const instance = this.options.instance ?? found;
    if (!instance) throw new RangeError('kg-optimal: cannot find the instance; play it in a persuasion env or pass { instance }');
    if (instance.states.length !== 2) throw new RangeError(`kg-optimal: handles binary states only; instance "${instance.name}" has ${instance.states.length} states`);
    return instance;
  }

  /** The cached logits of provider i against user type theta (−1: the representative user). */
  private logits(instance: PersuasionInstance, i: number, theta: number, M: number, L: number): Float32Array {
    const t = instanceTables(instance);
    let perInstance = this.cache.get(t);
    if (!perInstance) this.cache.set(t, (perInstance = new Array(t.k * (t.types + 1))));
    const slot = i * (t.types + 1) + (theta < 0 ? t.types : theta);
    const hit = perInstance[slot];
    if (hit && hit.L === L && hit.logits.length === 2 * M) return hit.logits;
    const receiver =
      theta >= 0
        ? instance.userTypes[theta].utility
        : instance.actions.map((_, a) => [0, 1].map((y) => instance.userTypes.reduce((s, u) => s + u.weight * u.utility[a][y], 0)));
    const { policy } = kgSignal(instance.prior, instance.providers[i].utility, receiver, M, this.margin);
    const logits = new Float32Array(2 * M);
    for (let s = 0; s < 2; s++) probabilitiesToLogits(policy[s], 0, M, L, logits, s * M);
    perInstance[slot] = { L, logits };
    return logits;
  }
}

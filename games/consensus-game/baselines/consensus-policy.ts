import type { Agent, AgentContext, BatchContext } from '../../../agents/agent.js';
import type { RoleSpec } from '../../../envs/core/kernel.js';
import { Box } from '../../../envs/core/spaces/box.js';
import type { ConsensusGameSpaces } from '../spaces.js';

/** Offsets of the flat generator observation's fields, read from the role's Dict space. */
export function generatorLayout(role: RoleSpec) {
  const space = role.observationSpace as ConsensusGameSpaces['generatorObservation'];
  return { ...space.offsets, K: space.entries.mask.flatSize };
}

/** Offsets of the flat discriminator observation's fields. */
export function discriminatorLayout(role: RoleSpec) {
  const space = role.observationSpace as ConsensusGameSpaces['discriminatorObservation'];
  return { ...space.offsets, K: space.entries.mask.flatSize };
}

export type GeneratorLayout = ReturnType<typeof generatorLayout>;
export type DiscriminatorLayout = ReturnType<typeof discriminatorLayout>;

/** What a policy sees besides the flat observation: the env's kernel, for the question's ER solution. */
export interface PolicyContext {
  readonly kernel?: unknown;
  readonly env?: unknown;
}

/**
 * A baseline of consensus-game-v0 that plays either role: as the generator it writes K logits
 * of π_G(y | x, v), as the discriminator the logit of π_D(correct | x, y). Subclasses give
 * log-probabilities (any additive constant), which are shifted so that the largest logit is L
 * and clipped to [−L, L] (exact unless a question's log-probabilities span more than 2L).
 */
export abstract class ConsensusPolicy implements Agent<unknown, Float32Array> {
  abstract readonly name: string;
  private readonly logp = new Float64Array(64);

  /** log π_G(y | x, v) up to a constant, for y < K (the padded ones are ignored), into out[0 .. K). */
  protected abstract generatorLogProbs(obs: Float32Array, base: number, layout: GeneratorLayout, out: Float64Array, row: number, ctx: PolicyContext): void;
  /** log π_D(correct | x, y) − log π_D(incorrect | x, y). */
  protected abstract discriminatorLogOdds(obs: Float32Array, base: number, layout: DiscriminatorLayout, row: number, ctx: PolicyContext): number;

  act(observation: unknown, ctx: AgentContext): Float32Array {
    const obsSpace = ctx.env.observationSpace(ctx.agent);
    const actSpace = ctx.env.actionSpace(ctx.agent);
    const flat = new Float32Array(obsSpace.flatSize);
    obsSpace.flatten(observation, flat, 0);
    const out = new Float32Array(actSpace.flatSize);
    const role = { name: ctx.agent.replace(/_\d+$/, ''), count: 1, observationSpace: obsSpace, actionSpace: actSpace, infoNames: [] };
    this.writeRows(flat, 1, flat.length, out, out.length, role, { env: ctx.env });
    return out;
  }

  actBatch(observations: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void {
    this.writeRows(observations, ctx.numEnvs * ctx.count, ctx.obsSize, actions as Float32Array, ctx.actSize, ctx.role, ctx);
  }

  private writeRows(obs: Float32Array, rows: number, obsSize: number, out: Float32Array, actSize: number, role: RoleSpec, ctx: PolicyContext): void {
    const space = role.actionSpace;
    if (!(space instanceof Box)) throw new TypeError(`${this.name}: plays consensus-game-v0 only (its actions are Box logits), not a ${space.kind} action space`);
    const L = space.high[0];
    if (role.name === 'generator') {
      const layout = generatorLayout(role);
      const { K, mask } = layout;
      const logp = this.logp;
      for (let r = 0; r < rows; r++) {
        const base = r * obsSize;
        const o = r * actSize;
        this.generatorLogProbs(obs, base, layout, logp, r, ctx);
        let max = -Infinity;
        for (let y = 0; y < K; y++) if (obs[base + mask + y] > 0 && logp[y] > max) max = logp[y];
        for (let y = 0; y < K; y++) {
          const l = obs[base + mask + y] > 0 ? logp[y] - max + L : -L;
          out[o + y] = l < -L ? -L : l;
        }
      }
    } else if (role.name === 'discriminator') {
      const layout = discriminatorLayout(role);
      for (let r = 0; r < rows; r++) {
        const l = this.discriminatorLogOdds(obs, r * obsSize, layout, r, ctx);
        out[r * actSize] = l > L ? L : l < -L ? -L : l;
      }
    } else {
      throw new TypeError(`${this.name}: plays the generator or the discriminator of consensus-game-v0, not a "${role.name}"`);
    }
  }
}

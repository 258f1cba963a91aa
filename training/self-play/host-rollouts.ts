import type { Policy } from '../../agents/policy/policy.js';
import type { Rng } from '../../envs/core/rng.js';
import type { VecEnv } from '../../envs/core/vector-env.js';
import type { ReturnScaler } from '../learners/return-scaler.js';
import type { Rollout, RolloutBatch, RolloutRequest, RolloutSource, Side } from '../rollouts/source.js';
import { PartialPolicyActor, PolicyActor, type RoleActor } from './actors.js';
import { playEpisode } from './rollout.js';
import { Trajectory } from './trajectory.js';

export interface HostRolloutsOptions {
  /** The VecEnv played (autoreset 'disabled'); the caller owns it (and checkpoints its kernel). */
  readonly vec: VecEnv;
  /** T, the rounds of an episode. */
  readonly rounds: number;
  /** Seed of the first reset; without one the first episode continues the env's PRNG (a resumed run). */
  readonly seed?: number;
  /** The sampling Rng. */
  readonly rng: Rng;
  /** GAE's γ and λ. */
  readonly gamma: number;
  readonly gaeLambda: number;
  /** The policies being trained, by side. */
  readonly policies: Readonly<Record<Side, Policy>>;
  /** Return scalers of the sides that may learn. */
  readonly scalers: Readonly<Partial<Record<Side, ReturnScaler>>>;
  /** Sides played by a baseline agent while they do not learn (the opponents setting). */
  readonly baselines?: Readonly<Partial<Record<Side, RoleActor>>>;
  /** Deviators: only the first `count` agents of a learning side play its policy, its other agents `peers(side)`. */
  readonly deviators?: { readonly count: number; peers(side: Side): RoleActor };
}

/**
 * Episodes on the host: the sides' actors write into the VecEnv's flat buffers
 * (playEpisode), a Trajectory per learning side collects its transitions, and
 * `Trajectory.toBatch` scales the rewards and runs GAE on typed arrays.
 */
export class HostRollouts implements RolloutSource {
  private readonly trajectories = new Map<Side, Trajectory>();
  private seed: number | undefined;

  constructor(private readonly o: HostRolloutsOptions) {
    this.seed = o.seed;
  }

  collect({ learning, opponent }: RolloutRequest): Rollout {
    const { vec, policies, rounds: T } = this.o;
    const k = this.o.deviators?.count ?? 0;
    const actors: RoleActor[] = [];
    const trajectories: (Trajectory | null)[] = [];
    vec.roles.forEach((role, r) => {
      const side = role.name;
      if (learning.includes(side)) {
        actors[r] = k > 0 ? new PartialPolicyActor(policies[side], this.o.deviators!.peers(side), k) : new PolicyActor(policies[side]);
        trajectories[r] = this.trajectory(side, r, k);
      } else {
        actors[r] = this.o.baselines?.[side] ?? new PolicyActor(opponent ? opponent(side) : policies[side]);
        trajectories[r] = null;
      }
    });
    vec.reset(this.seed === undefined ? {} : { seed: this.seed });
    this.seed = undefined;
    const stats = playEpisode(vec, actors, this.o.rng, trajectories, T);
    const batches: Partial<Record<Side, RolloutBatch>> = {};
    for (const side of learning) {
      const r = vec.roles.findIndex((role) => role.name === side);
      batches[side] = { kind: 'host', batch: trajectories[r]!.toBatch(this.o.gamma, this.o.gaeLambda, this.o.scalers[side]) };
    }
    return { stats, batches, dispose: () => {} };
  }

  dispose(): void {}

  /** The side's Trajectory (made once: its buffers are reused every episode). */
  private trajectory(side: Side, r: number, deviators: number): Trajectory {
    let t = this.trajectories.get(side);
    if (!t) {
      const { vec, policies } = this.o;
      const role = vec.roles[r];
      const head = policies[side].head;
      const rows = deviators > 0 ? PartialPolicyActor.rowsOf(vec.numEnvs, role.count, deviators) : null;
      t = new Trajectory(this.o.rounds, vec.numEnvs * (deviators || role.count), policies[side].obsSize, head.actionSize, head.actionDtype === 'int32', rows);
      this.trajectories.set(side, t);
    }
    return t;
  }
}

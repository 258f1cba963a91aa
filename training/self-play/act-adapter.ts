import type { Agent, AgentContext } from '../../agents/agent.js';
import type { AgentId, ParallelEnv } from '../../envs/core/env.js';
import { agentId } from '../../envs/core/kernel-env.js';
import type { GameKernel } from '../../envs/core/kernel.js';
import type { Rng } from '../../envs/core/rng.js';
import type { VecEnv } from '../../envs/core/vector-env.js';
import type { RoleActor } from './actors.js';

/**
 * Plays one role of a VecEnv with an agent that has only the object form `act(observation,
 * ctx)` (no `actBatch`): for every copy b and every agent j of the role, it unflattens the
 * agent's observation from the flat buffer with the role's observation space, calls `act`,
 * checks the action against the role's action space and flattens it into the actions buffer.
 * It allocates per call (the objects `act` receives), so it is for custom agents in
 * evaluation, not for the training hot path.
 *
 * Agents: `agentFor(copy, index)` is called once per slot (copy b, agent j) the first time it
 * acts, and the agent is kept for that slot: a factory that makes a new agent per call gives
 * every slot its own state; one that returns the same agent shares it.
 *
 * Episodes: `reset(ctx)` of every slot's agent is called before its first act of each
 * episode. The VecEnv does not tell its actors when it was reset, so episodes are counted:
 * given `rounds`, an episode is `rounds` rounds, in each of which this role acts as often as
 * it appears in the kernel's phases (the callers, `evaluateMatchup` and the trainer, always
 * play whole episodes of a freshly reset env). Without `rounds`, reset is called once, before
 * the first act in each VecEnv.
 */
export class AgentActorFromAct implements RoleActor {
  private readonly slots = new Map<number, Agent>();
  private vec: VecEnv | null = null;
  private calls = 0;

  constructor(
    readonly name: string,
    private readonly agentFor: (copy: number, index: number) => Agent,
    private readonly rounds?: number,
  ) {}

  act(vec: VecEnv, role: number, rng: Rng): null {
    const r = vec.roles[role];
    if (vec !== this.vec) {
      this.vec = vec;
      this.calls = 0;
    }
    const perRound = vec.kernel.phaseRoles.filter((p) => p === role).length;
    const episodeStart = this.rounds === undefined ? this.calls === 0 : this.calls % (this.rounds * perRound) === 0;
    this.calls++;
    const env = envView(vec.kernel);
    const obsSpace = r.spec.observationSpace;
    const actSpace = r.spec.actionSpace;
    for (let b = 0; b < vec.numEnvs; b++) {
      for (let j = 0; j < r.count; j++) {
        const id: AgentId = agentId(r.name, j);
        const ctx: AgentContext = { agent: id, rng, env };
        const agent = this.slot(b, j, r.count);
        if (episodeStart) agent.reset?.(ctx);
        const row = b * r.count + j;
        const observation = obsSpace.unflatten(r.observations, row * r.obsSize);
        const action = agent.act(observation, ctx);
        const why = actSpace.explain(action);
        if (why !== null) throw new RangeError(`agent "${this.name}" playing ${id} (copy ${b}) returned an action outside its action space: ${why}`);
        actSpace.flatten(action, r.actions, row * r.actSize);
      }
    }
    return null;
  }

  private slot(b: number, j: number, count: number): Agent {
    const key = b * count + j;
    let agent = this.slots.get(key);
    if (!agent) {
      agent = this.agentFor(b, j);
      this.slots.set(key, agent);
    }
    return agent;
  }
}

const views = new WeakMap<GameKernel, ParallelEnv>();

/**
 * What `ctx.env` is for an agent inside a VecEnv: the game's agents and spaces (the same
 * objects every call), read-only. Stepping or resetting it is an error: the VecEnv runs the game.
 */
export function envView(kernel: GameKernel): ParallelEnv {
  let view = views.get(kernel);
  if (view) return view;
  const ids: AgentId[] = [];
  const roleOfId = new Map<AgentId, number>();
  kernel.roles.forEach((role, r) => {
    for (let i = 0; i < role.count; i++) {
      const id = agentId(role.name, i);
      ids.push(id);
      roleOfId.set(id, r);
    }
  });
  const possibleAgents = Object.freeze(ids);
  const roleIndex = (agent: AgentId): number => {
    const r = roleOfId.get(agent);
    if (r === undefined) throw new RangeError(`${kernel.id}: no agent "${agent}"; the agents are ${ids.join(', ')}`);
    return r;
  };
  const refuse = (what: string) => () => {
    throw new Error(`${kernel.id}: ${what}() is not available to an agent: this env is a read-only view of a vector env that buddy-gym steps`);
  };
  view = {
    id: kernel.id,
    metadata: { description: `${kernel.id} (a vector env copy, read-only)`, phases: kernel.phaseRoles.map((r) => kernel.roles[r].name) },
    possibleAgents,
    get agents() {
      return possibleAgents;
    },
    get actingAgents() {
      const r = kernel.phaseRoles[kernel.phase];
      return possibleAgents.filter((a) => roleOfId.get(a) === r);
    },
    observationSpace: (agent: AgentId) => kernel.roles[roleIndex(agent)].observationSpace,
    actionSpace: (agent: AgentId) => kernel.roles[roleIndex(agent)].actionSpace,
    reset: refuse('reset'),
    step: refuse('step'),
    close: () => undefined,
  };
  views.set(kernel, view);
  return view;
}

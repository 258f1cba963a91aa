import { OptionError } from '../envs/core/errors.js';
import { spec as envSpec } from '../envs/registry.js';
import { evaluatePlay } from '../training/evaluate.js';
import { metricLabel, profileFor, summaryMetrics } from '../training/profiles/index.js';
import { AgentActor } from '../training/self-play/actors.js';
import { parsePairs } from '../training/self-play/config.js';
import { withPreset } from './env-options.js';
import { UsageError } from './errors.js';
import { num, statJson, table } from './format.js';
import type { CliIO } from './io.js';

export interface GenericPlayArgs {
  id: string;
  options: Record<string, unknown>;
  preset: string | undefined;
  /** --side side=agent pairs, as given. */
  sides: readonly string[];
  episodes: number;
  seed: number;
  numEnvs: number;
  json: boolean;
}

/** What `play --json` prints for a game other than the attention market. */
export interface GenericPlayJson {
  env: string;
  options: Record<string, unknown>;
  episodes: number;
  seed: number;
  numEnvs: number;
  rounds: number;
  /** The baseline agent of each side. */
  players: Record<string, string>;
  reward: Record<string, ReturnType<typeof statJson>>;
  metrics: Record<string, ReturnType<typeof statJson>>;
}

/**
 * `play` for every env but the attention market: each side played by one of its baseline
 * agents (its reference agent unless `--side side=agent` names another), K seeded episodes of
 * B copies, each side's reward and every round metric as a mean with its 95% CI.
 */
export function genericPlay(a: GenericPlayArgs, io: CliIO): void {
  const s = envSpec(a.id);
  const given = withPreset(a.id, a.preset, a.options);
  let options: Record<string, unknown>;
  try {
    options = s.parseOptions(given) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(`--option: ${e.message}`);
    throw e;
  }
  const roles = s.createKernel(options, 1).roles;
  const profile = profileFor(a.id, roles);
  const chosen: Record<string, string> = { ...profile.reference };
  for (const pair of a.sides) {
    if (!/^[^=]+=[^=]+$/.test(pair)) throw new UsageError(`--side expects side=agent, got ${JSON.stringify(pair)}`);
    const [[side, agent]] = parsePairs(pair);
    if (!roles.some((r) => r.name === side)) throw new UsageError(`--side: ${a.id} has no side "${side}"; its sides are ${roles.map((r) => r.name).join(', ')}`);
    if (!profile.baselines[side]?.[agent]) throw new UsageError(`--side: the ${side} side has no agent "${agent}"; its agents are ${Object.keys(profile.baselines[side] ?? {}).join(', ')}`);
    chosen[side] = agent;
  }
  const actors = roles.map((r) => new AgentActor(profile.baselines[r.name][chosen[r.name]]()));
  const rounds = profile.rounds(options);
  const r = evaluatePlay(actors, { envId: a.id, envOptions: given, episodes: a.episodes, numEnvs: a.numEnvs, rounds, seed: a.seed });
  const json: GenericPlayJson = {
    env: a.id,
    options,
    episodes: a.episodes,
    seed: a.seed,
    numEnvs: a.numEnvs,
    rounds,
    players: Object.fromEntries(roles.map((role) => [role.name, chosen[role.name]])),
    reward: Object.fromEntries(Object.entries(r.reward).map(([k, v]) => [k, statJson(v)])),
    metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, statJson(v)])),
  };
  if (a.json) {
    io.out(JSON.stringify(json, null, 2));
    return;
  }
  const ci = (x: ReturnType<typeof statJson>) => (x.ci95 === null ? 'n/a' : `± ${num(x.ci95)}`);
  io.out(`${a.id}: ${a.episodes} episode${a.episodes === 1 ? '' : 's'} x ${a.numEnvs} copies x ${rounds} rounds (seed ${a.seed}); ${roles.map((role) => `${role.name}: ${chosen[role.name]}`).join(', ')}`);
  const rows = [['figure (mean per round)', 'mean', '95% CI']];
  for (const role of roles) rows.push([`  ${role.name} reward (per agent)`, num(json.reward[role.name].mean ?? NaN), ci(json.reward[role.name])]);
  for (const k of summaryMetrics(profile, Object.keys(json.metrics))) rows.push([`  ${metricLabel(profile, k)}`, num(json.metrics[k].mean ?? NaN), ci(json.metrics[k])]);
  table(rows, [false, true, false]).forEach((l) => io.out(l));
}

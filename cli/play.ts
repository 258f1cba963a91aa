/**
 * `buddy-gym play <id>`: K samples of B seeded episodes of any game, each side played by
 * baselines (a mix per side: --side SIDE=SPEC, or --goals/--users, the old spellings) or by
 * your own module (--agent SIDE=PATH); each side's reward and every round metric as a mean
 * with its 95% CI, and the game's own figures where its descriptor has a play report.
 */
import type { Agent } from '../agents/agent.js';
import type { AgentId } from '../envs/core/env.js';
import { agentId } from '../envs/core/kernel-env.js';
import type { GameDescriptor, PlayGroup } from '../training/game/descriptor.js';
import { playEpisodes, type EpisodeSummary } from '../training/play.js';
import { metricLabel, summaryMetrics } from '../training/profiles/metric-words.js';
import { statJson, summarise, type Stat } from '../training/stats.js';
import { loadAgentModules, type AgentModule } from './agent-module.js';
import { intFlag, parseCommandArgs, type FlagValues } from './args.js';
import { envOptionsArgs, gameFromPositionals } from './env-args.js';
import { EXIT, UsageError } from './errors.js';
import { ci, num, table } from './format.js';
import type { CliIO } from './io.js';
import { lineups, type Lineup } from './lineups.js';
import { playSpec } from './play-spec.js';

/** What `play --json` prints. */
export interface PlaySummaryJson {
  env: string;
  /** Every option, as parsed (defaults filled in). */
  options: Record<string, unknown>;
  /** Samples, each the mean of `numEnvs` episodes. */
  episodes: number;
  seed: number;
  numEnvs: number;
  rounds: number;
  /** Who played each side: the mix as given, or the module's name. */
  players: Record<string, string>;
  groups: Record<string, { type: string; count: number; agent: string; ids: string[]; cheatingReference: boolean }[]>;
  /** Mean reward per agent per round, by side. */
  reward: Record<string, ReturnType<typeof statJson>>;
  /** The same per group of a side (a mix has one group per baseline). */
  rewardByGroup: Record<string, Record<string, ReturnType<typeof statJson>>>;
  /** Every round metric, averaged over rounds. */
  metrics: Record<string, ReturnType<typeof statJson>>;
  notes: string[];
  /** The game's own figures (its descriptor's play report), when it has one. */
  [gameFigures: string]: unknown;
}

/** `buddy-gym play`: the exit code, or a promise of it when an --agent module must be loaded. */
export function playCommand(argv: readonly string[], io: CliIO): number | Promise<number> {
  const { values, positionals } = parseCommandArgs(playSpec, argv);
  const g = gameFromPositionals(positionals, 'play');
  const modules = (values.agent as string[] | undefined) ?? [];
  if (modules.length === 0) return play(g, values, [], io);
  return loadAgentModules(modules).then((ms) => play(g, values, ms, io));
}

interface Group extends PlayGroup {
  readonly agentName: string;
}

function play(g: GameDescriptor, values: FlagValues, modules: readonly AgentModule[], io: CliIO): number {
  const episodes = intFlag(values, 'episodes', 10, 1, 1_000_000);
  const numEnvs = intFlag(values, 'num-envs', 1, 1, 4096);
  if (episodes * numEnvs > 10_000_000) throw new UsageError(`--episodes × --num-envs is ${episodes * numEnvs} episodes; play at most 10000000`);
  const seed = intFlag(values, 'seed', 0, 0, Number.MAX_SAFE_INTEGER - 20_000_000);
  const { given, options } = envOptionsArgs(g, values);
  const roles = g.roles(options);
  const counts = Object.fromEntries(roles.map((r) => [r.name, r.count]));
  const chosen = lineups(values, g, counts, modules, { ...g.reference, ...g.playDefaults });

  // One agent object per agent id: a baseline makes one per agent, a module class too.
  const agents = new Map<AgentId, Agent>();
  const groups: Record<string, Group[]> = {};
  for (const role of roles) {
    const ids = Array.from({ length: role.count }, (_, i) => agentId(role.name, i));
    groups[role.name] = assign(chosen[role.name], ids, g.baselines[role.name] ?? {}, agents);
  }
  const env = g.env.createEnv(options);
  let run;
  try {
    run = playEpisodes(env, { agents: (id) => agents.get(id)!, episodes: episodes * numEnvs, seed });
  } finally {
    env.close();
  }
  const eps = run.episodes;
  const rounds = eps[0].rounds;
  // Sample k is the mean of episodes k·B .. k·B + B − 1 (seeds S + k·B .. S + k·B + B − 1).
  const samples = (f: (e: EpisodeSummary) => number): Stat => {
    const out: number[] = [];
    for (let k = 0; k < episodes; k++) {
      let s = 0;
      for (let b = 0; b < numEnvs; b++) s += f(eps[k * numEnvs + b]);
      out.push(s / numEnvs);
    }
    return summarise(out);
  };
  const perRound = (ids: readonly string[]) => (e: EpisodeSummary) => ids.reduce((s, id) => s + e.returns[id], 0) / ids.length / e.rounds;
  const words = g.words ?? {};
  const metricNames = summaryMetrics(words, Object.keys(eps[0].metrics));
  const reportOf = g.playReport?.(run, groups, options);
  const notes = Object.values(groups).flat().some((x) => x.cheats)
    ? ['NOTE: a CHEATING REFERENCE plays (marked *): it reads hidden state no agent of its side can see; a yardstick, not a baseline to beat.']
    : [];

  // Every figure once, as a Stat: the JSON and the table are two views of these.
  const reward = Object.fromEntries(roles.map((r) => [r.name, samples(perRound(groups[r.name].flatMap((x) => x.ids)))]));
  const rewardByGroup = Object.fromEntries(roles.map((r) => [r.name, Object.fromEntries(groups[r.name].map((x) => [x.type, samples(perRound(x.ids))]))]));
  const metrics = Object.fromEntries(Object.keys(eps[0].metrics).map((m) => [m, samples((e) => e.metrics[m])]));
  const json: PlaySummaryJson = {
    env: g.env.id,
    options: { ...(options as Record<string, unknown>) },
    episodes,
    seed,
    numEnvs,
    rounds,
    players: Object.fromEntries(roles.map((r) => [r.name, describe(chosen[r.name])])),
    groups: Object.fromEntries(
      Object.entries(groups).map(([side, gs]) => [side, gs.map((x) => ({ type: x.type, count: x.ids.length, agent: x.agentName, ids: [...x.ids], cheatingReference: x.cheats }))]),
    ),
    reward: mapStats(reward),
    rewardByGroup: Object.fromEntries(Object.entries(rewardByGroup).map(([side, byType]) => [side, mapStats(byType)])),
    metrics: mapStats(metrics),
    notes,
    ...reportOf?.json,
  };
  if (values.json) {
    io.out(JSON.stringify(json, null, 2));
    return EXIT.ok;
  }
  const seeds = episodes * numEnvs === 1 ? `seed ${seed}` : `seeds ${seed}..${seed + episodes * numEnvs - 1}`;
  const what = numEnvs === 1 ? `${episodes} episode${episodes === 1 ? '' : 's'}` : `${episodes} sample${episodes === 1 ? '' : 's'} x ${numEnvs} episodes`;
  io.out(`${g.env.id}: ${what} (${seeds}), ${rounds} rounds each`);
  const givenText = Object.entries(given).map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`);
  io.out(`options: ${givenText.length ? `${givenText.join(', ')}, others default` : 'defaults'}`);
  for (const role of roles) io.out(`${role.name}: ${groups[role.name].map((x) => `${x.ids.length} x ${x.type}${x.cheats ? '*' : ''}${x.agentName !== x.type ? ` [${x.agentName}]` : ''}`).join(', ')}`);
  for (const n of notes) io.out(n);
  io.out('');
  const rows: string[][] = [['figure', 'mean', '95% CI']];
  const row = (label: string, s: Stat) => rows.push([label, num(s.mean), ci(s)]);
  for (const role of roles) {
    row(`${role.name} reward per agent per round`, reward[role.name]);
    if (groups[role.name].length > 1) for (const x of groups[role.name]) row(`  ${x.type} (${x.ids.length})`, rewardByGroup[role.name][x.type]);
  }
  // A game's own report replaces the plain list of round metrics (it names them in its words).
  if (reportOf) for (const r of reportOf.rows) row(r.label, r.stat);
  else for (const m of metricNames) row(metricLabel(words, m), metrics[m]);
  table(rows, [false, true, false]).forEach((l) => io.out(l));
  return EXIT.ok;
}

const mapStats = (stats: Readonly<Record<string, Stat>>) => Object.fromEntries(Object.entries(stats).map(([k, s]) => [k, statJson(s)]));

function describe(l: Lineup): string {
  return l.kind === 'mix' ? l.text : `${l.module.name} (${l.module.path})`;
}

function assign(l: Lineup, ids: readonly string[], catalogue: GameDescriptor['baselines'][string], agents: Map<AgentId, Agent>): Group[] {
  if (l.kind === 'module') {
    const shared = l.module.perAgent ? null : l.module.make();
    for (const id of ids) agents.set(id, shared ?? l.module.make());
    return [{ type: l.module.name, ids: [...ids], agentName: l.module.name, cheats: false }];
  }
  const out: Group[] = [];
  let next = 0;
  for (const { type, count } of l.entries) {
    const members = ids.slice(next, next + count);
    next += count;
    let agentName = type;
    for (const id of members) {
      const agent = catalogue[type].make();
      agentName = agent.name;
      agents.set(id, agent);
    }
    out.push({ type, ids: members, agentName, cheats: catalogue[type].cheats === true });
  }
  return out;
}

import type { Agent } from '../agents/agent.js';
import { ATTENTION_MARKET_ID } from '../games/attention-market/options.js';
import type { AgentId, ParallelEnv } from '../envs/core/env.js';
import { OptionError } from '../envs/core/errors.js';
import { didYouMean } from '../envs/core/suggest.js';
import { make, spec } from '../envs/registry.js';
import { marketReport, type MarketReport } from '../games/attention-market/report.js';
import { playEpisodes, roleOf } from '../training/play.js';
import type { Stat } from '../training/stats.js';
import { commandHelp, intFlag, parseCommandArgs, stringFlag } from './args.js';
import { GOAL_AGENTS, USER_AGENTS, names, type Baseline } from '../games/attention-market/cli-baselines.js';
import { playSpec } from './play-spec.js';
import { loadAgentModules, type AgentModule } from './agent-module.js';
import { genericPlay } from './play-generic.js';
import { assertEnvId, parseEnvOptions } from './env-options.js';
import { EXIT, UsageError } from './errors.js';
import { ci, num, statJson, table } from './format.js';
import type { CliIO } from './io.js';

const ORACLE_NOTE =
  'NOTE: "oracle" users are the CHEATING REFERENCE: they read the hidden true preferences θ, which no User Buddy can see. They are the yardstick, not a baseline to beat.';

/** One entry of an agent mix: `count` agents of `type`. */
export interface MixEntry {
  readonly type: string;
  readonly count: number;
}

/**
 * Parses "honest" (all `total` agents) or "exaggerate:4,honest:4" (counts summing to
 * `total`) against the allowed agent names; throws a UsageError naming the flag.
 */
export function parseMix(flag: string, text: string, allowed: Readonly<Record<string, Baseline>>, total: number, roleWord: string): MixEntry[] {
  const parts = text.split(',').map((p) => p.trim());
  const out: MixEntry[] = [];
  for (const part of parts) {
    const m = /^([A-Za-z][\w-]*)(?::(.*))?$/.exec(part);
    if (!m) throw new UsageError(`--${flag}: cannot read ${JSON.stringify(part)}; give an agent name (${names(allowed)}) or a mix like ${Object.keys(allowed)[0]}:${total}`);
    const [, type, countText] = m;
    if (!Object.hasOwn(allowed, type)) throw new UsageError(`--${flag}: unknown ${roleWord} agent ${JSON.stringify(type)}${didYouMean(type, Object.keys(allowed))}; the ${roleWord} agents are ${names(allowed)}`);
    if (out.some((e) => e.type === type)) throw new UsageError(`--${flag}: ${JSON.stringify(type)} appears twice in ${JSON.stringify(text)}`);
    let count: number;
    if (countText === undefined) {
      if (parts.length > 1) throw new UsageError(`--${flag}: give a count for each agent of a mix, like ${type}:1 (in ${JSON.stringify(text)})`);
      count = total;
    } else {
      count = /^\d+$/.test(countText) ? Number(countText) : NaN;
      if (!Number.isSafeInteger(count) || count < 1) throw new UsageError(`--${flag}: the count of ${JSON.stringify(type)} must be a positive integer, got ${JSON.stringify(countText)}`);
    }
    out.push({ type, count });
  }
  const sum = out.reduce((s, e) => s + e.count, 0);
  if (sum !== total) {
    throw new UsageError(`--${flag}: the counts in ${JSON.stringify(text)} add up to ${sum}, but the env has ${total} ${roleWord} agents (change the counts, or the env's size with --option)`);
  }
  return out;
}

interface Group {
  readonly type: string;
  readonly ids: AgentId[];
  readonly agentName: string;
  readonly cheats: boolean;
}

function assign(mix: readonly MixEntry[], ids: readonly AgentId[], catalogue: Readonly<Record<string, Baseline>>, agents: Map<AgentId, Agent>): Group[] {
  const groups: Group[] = [];
  let next = 0;
  for (const { type, count } of mix) {
    const members = ids.slice(next, next + count);
    next += count;
    let agentName = type;
    for (const id of members) {
      const agent = catalogue[type].make();
      agentName = agent.name;
      agents.set(id, agent);
    }
    groups.push({ type, ids: members, agentName, cheats: catalogue[type].cheats === true });
  }
  return groups;
}

/** Every agent of a role played by a user's module (a class: one instance per agent). */
function assignModule(m: AgentModule, ids: readonly AgentId[], agents: Map<AgentId, Agent>): Group[] {
  for (const id of ids) agents.set(id, m.make());
  return [{ type: m.name, ids: [...ids], agentName: m.name, cheats: false }];
}

/** The summary `play --json` prints. */
export interface PlaySummaryJson {
  env: string;
  options: Record<string, unknown>;
  episodes: number;
  seed: number;
  rounds: number;
  goals: { type: string; count: number; agent: string; ids: AgentId[] }[];
  users: { type: string; count: number; agent: string; ids: AgentId[]; cheatingReference: boolean }[];
  notes: string[];
  metrics: Record<string, ReturnType<typeof statJson>>;
  byGoalType: Record<string, Record<string, ReturnType<typeof statJson> | number>>;
  byUserType: Record<string, Record<string, ReturnType<typeof statJson> | number>>;
}

/** `buddy-gym play`: returns the exit code (a promise of it when an --agent module must be loaded). */
export function playCommand(argv: readonly string[], io: CliIO): number | Promise<number> {
  const { values, positionals } = parseCommandArgs(playSpec, argv);
  if (values.help) {
    commandHelp(playSpec).forEach((l) => io.out(l));
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError(`which env? give an env id: buddy-gym play ${ATTENTION_MARKET_ID} ...`);
  if (positionals.length > 1) throw new UsageError(`expected one env id, got ${positionals.length}: ${positionals.join(' ')}`);
  const id = positionals[0];
  assertEnvId(id);
  if (id !== ATTENTION_MARKET_ID) {
    for (const f of ['goals', 'users', 'agent']) if (values[f] !== undefined) throw new UsageError(`--${f} is for ${ATTENTION_MARKET_ID}; for ${id} choose agents with --side SIDE=AGENT`);
    genericPlay(
      {
        id,
        options: parseEnvOptions(id, (values.option as string[] | undefined) ?? []),
        preset: stringFlag(values, 'preset'),
        sides: (values.side as string[] | undefined) ?? [],
        episodes: intFlag(values, 'episodes', 10, 1, 1_000_000),
        seed: intFlag(values, 'seed', 0, 0, Number.MAX_SAFE_INTEGER - 1_000_000),
        numEnvs: intFlag(values, 'num-envs', 16, 1, 4096),
        json: values.json === true,
      },
      io,
    );
    return EXIT.ok;
  }
  for (const f of ['side', 'preset', 'num-envs']) if (values[f] !== undefined) throw new UsageError(`--${f} is for the other games; ${ATTENTION_MARKET_ID} takes --goals, --users and --agent`);

  const episodes = intFlag(values, 'episodes', 10, 1, 1_000_000);
  const seed = intFlag(values, 'seed', 0, 0, Number.MAX_SAFE_INTEGER - 1_000_000);
  const optionPairs = (values.option as string[] | undefined) ?? [];
  const options = parseEnvOptions(id, optionPairs);
  const agentFlags = (values.agent as string[] | undefined) ?? [];
  if (agentFlags.length === 0) return play(id, values, options, episodes, seed, [], io);
  return loadAgentModules(agentFlags).then((modules) => play(id, values, options, episodes, seed, modules, io));
}

function play(
  id: string,
  values: ReturnType<typeof parseCommandArgs>['values'],
  options: Record<string, unknown>,
  episodes: number,
  seed: number,
  modules: readonly AgentModule[],
  io: CliIO,
): number {
  const custom: Partial<Record<'users' | 'goals', AgentModule>> = {};
  for (const m of modules) {
    if (custom[m.role]) throw new UsageError(`--agent: give one module for the ${m.role}, got ${custom[m.role]!.path} and ${m.path}`);
    if (stringFlag(values, m.role) !== undefined) throw new UsageError(`give --${m.role} or --agent ${m.role}=PATH, not both`);
    custom[m.role] = m;
  }
  let env: ParallelEnv;
  try {
    env = make(id, options);
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(`--option: ${e.message}`);
    throw e;
  }
  try {
    const goalIds = env.possibleAgents.filter((a) => roleOf(a) === 'goal');
    const userIds = env.possibleAgents.filter((a) => roleOf(a) === 'user');
    const agents = new Map<AgentId, Agent>();
    const goals = custom.goals
      ? assignModule(custom.goals, goalIds, agents)
      : assign(parseMix('goals', stringFlag(values, 'goals') ?? 'honest', GOAL_AGENTS, goalIds.length, 'goal'), goalIds, GOAL_AGENTS, agents);
    const users = custom.users
      ? assignModule(custom.users, userIds, agents)
      : assign(parseMix('users', stringFlag(values, 'users') ?? 'greedy', USER_AGENTS, userIds.length, 'user'), userIds, USER_AGENTS, agents);

    const run = playEpisodes(env, { agents: (agent) => agents.get(agent)!, episodes, seed });
    const report = marketReport(run, {
      goals: Object.fromEntries(goals.map((g) => [g.type, g.ids])),
      users: Object.fromEntries(users.map((u) => [u.type, u.ids])),
    });
    const parsed = spec(id).parseOptions(options) as Record<string, unknown>;
    const fullOptions = Object.fromEntries(Object.keys(spec(id).optionSchema).map((k) => [k, parsed[k]]));
    const notes = users.some((u) => u.cheats) ? [ORACLE_NOTE] : [];
    if (values.json) {
      io.out(JSON.stringify(summaryJson(id, fullOptions, episodes, seed, goals, users, notes, report), null, 2));
    } else {
      printSummary(io, id, options, fullOptions, episodes, seed, goals, users, notes, report);
    }
    return EXIT.ok;
  } finally {
    env.close();
  }
}

function summaryJson(
  id: string,
  options: Record<string, unknown>,
  episodes: number,
  seed: number,
  goals: Group[],
  users: Group[],
  notes: string[],
  r: MarketReport,
): PlaySummaryJson {
  const G = goals.reduce((s, g) => s + g.ids.length, 0);
  return {
    env: id,
    options,
    episodes,
    seed,
    rounds: options.rounds as number,
    goals: goals.map((g) => ({ type: g.type, count: g.ids.length, agent: g.agentName, ids: g.ids })),
    users: users.map((u) => ({ type: u.type, count: u.ids.length, agent: u.agentName, ids: u.ids, cheatingReference: u.cheats })),
    notes,
    metrics: {
      meanRegret: statJson(r.meanRegret),
      meanNormalizedRegret: statJson(r.meanNormalizedRegret),
      welfare: statJson(r.welfare),
      topGoalVisibilityShare: statJson(r.topGoalVisibilityShare),
      generationCost: statJson(r.generationCost),
      honesty: statJson(r.honesty),
      estimateError: statJson(r.estimateError),
      finalEstimateError: statJson(r.finalEstimateError),
    },
    byGoalType: Object.fromEntries(
      Object.entries(r.goals).map(([t, g]) => [
        t,
        {
          count: g.count,
          fairShare: g.count / G,
          visibilityShare: statJson(g.visibilityShare),
          generationCost: statJson(g.generationCost),
          honesty: statJson(g.honesty),
          return: statJson(g.return),
        },
      ]),
    ),
    byUserType: Object.fromEntries(
      Object.entries(r.users).map(([t, u]) => [
        t,
        {
          count: u.count,
          regret: statJson(u.regret),
          normalizedRegret: statJson(u.normalizedRegret),
          welfare: statJson(u.welfare),
          estimateError: statJson(u.estimateError),
          return: statJson(u.return),
        },
      ]),
    ),
  };
}

function printSummary(
  io: CliIO,
  id: string,
  given: Record<string, unknown>,
  options: Record<string, unknown>,
  episodes: number,
  seed: number,
  goals: Group[],
  users: Group[],
  notes: string[],
  r: MarketReport,
): void {
  const G = goals.reduce((s, g) => s + g.ids.length, 0);
  const seeds = episodes === 1 ? `seed ${seed}` : `seeds ${seed}..${seed + episodes - 1}`;
  io.out(`${id}: ${episodes} episode${episodes === 1 ? '' : 's'} (${seeds}), ${options.rounds} rounds each`);
  const givenText = Object.keys(given).length ? `${Object.entries(given).map(([k, v]) => `${k}=${String(v)}`).join(', ')}, others default` : 'defaults';
  io.out(`options: ${givenText} (goals=${options.goals}, users=${options.users}, slots=${options.slots}, dim=${options.dim})`);
  const who = (gs: Group[]) => gs.map((g) => `${g.ids.length} x ${g.type}${g.agentName !== g.type ? ` [${g.agentName}]` : ''}`).join(', ');
  io.out(`goals: ${who(goals)}`);
  io.out(`users: ${who(users)}`);
  for (const n of notes) io.out(n);
  io.out('');

  const rows: string[][] = [['metric', 'mean', '95% CI']];
  const row = (label: string, s: Stat) => rows.push([label, num(s.mean), ci(s)]);
  row('user regret per round (mean over users)', r.meanRegret);
  if (users.length > 1) for (const u of users) row(`  ${u.type} users (${u.ids.length})${u.cheats ? ' [cheating reference]' : ''}`, r.users[u.type].regret);
  row('normalised regret (0 best set, 1 worst)', r.meanNormalizedRegret);
  if (users.length > 1) for (const u of users) row(`  ${u.type} users (${u.ids.length})`, r.users[u.type].normalizedRegret);
  row('user welfare per round (sum of true relevance)', r.welfare);
  row(`visibility share of the most-visible goal (fair ${num(1 / G, 3)})`, r.topGoalVisibilityShare);
  if (goals.length > 1) {
    for (const g of goals) row(`visibility share of ${g.type} goals (${g.ids.length}, fair ${num(g.ids.length / G, 3)})`, r.goals[g.type].visibilityShare);
  }
  row('generation cost per goal per round', r.generationCost);
  if (goals.length > 1) for (const g of goals) row(`  ${g.type} goals`, r.goals[g.type].generationCost);
  row('honesty: |e - g| per creation (0 = honest)', r.honesty);
  if (goals.length > 1) for (const g of goals) row(`  ${g.type} goals`, r.goals[g.type].honesty);
  row('estimate error |q/|q| - theta|, mean over rounds', r.estimateError);
  row('estimate error after the last round', r.finalEstimateError);
  for (const g of goals) row(`goal return per episode (${g.type}, per goal)`, r.goals[g.type].return);
  for (const u of users) row(`user return per episode (${u.type}, per user)`, r.users[u.type].return);
  table(rows, [false, true, false]).forEach((l) => io.out(l));
}

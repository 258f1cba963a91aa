import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { selectBackend } from '../agents/backend/index.js';
import { Policy, type PolicySpec } from '../agents/policy/policy.js';
import { ATTENTION_MARKET_ID } from '../games/attention-market/options.js';
import { spec as envSpec } from '../envs/registry.js';
import { disposeCheckpoint, loadCheckpoint, type LoadedCheckpoint } from '../checkpoints/index.js';
import { checkEnvOptions, checkPolicyModel, checkTrainerState } from '../training/checkpoint-check.js';
import { evaluateMatchup, type MatchupOptions, type MatchupResult } from '../training/evaluate.js';
import { exploitabilityLowerBound, type ExploitabilityEstimate } from '../training/exploitability.js';
import { AgentActor, PolicyActor, type RoleActor } from '../training/self-play/actors.js';
import { parseTrainConfig, type TrainConfig } from '../training/self-play/config.js';
import type { Stat } from '../training/stats.js';
import { loadAgentModules, moduleActor, type AgentModule } from './agent-module.js';
import { commandHelp, intFlag, parseCommandArgs, stringFlag, type CommandSpec, type FlagValues } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { num, statJson, table } from './format.js';
import type { CliIO } from './io.js';
import { genericEval, type CrossPlayHeader } from './eval-generic.js';
import { evalSpec } from './eval-spec.js';
import { GOAL_AGENTS, USER_AGENTS } from '../games/attention-market/cli-baselines.js';
import { backendFlag, backendLine, bestResponseConfig, checkpointUsage, exploitabilityLines } from './train.js';
import { checkpointPath, showPath } from './run-folder.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ORACLE_NOTE = '* oracle users read the hidden true preferences θ, which no User Buddy can see: the CHEATING REFERENCE, a yardstick, not a baseline to beat.';

/** One side's player in the cross-play table. */
interface Player {
  /** Unique among its side's players: the table's row or column head. */
  label: string;
  kind: 'policy' | 'baseline' | 'agent';
  /** Checkpoint path, baseline doc, or module path. */
  source: string;
  cheatingReference: boolean;
  /** A fresh actor for one matchup. */
  actor(): RoleActor;
}

interface LoadedRun {
  path: string;
  label: string;
  loaded: LoadedCheckpoint;
  policies: { user: Policy; goal: Policy };
  config: TrainConfig | null;
  summary: Record<string, number>;
}

/** The cross-play result `eval --json` prints. */
export interface EvalJson extends CrossPlayHeader {
  players: { users: PlayerJson[]; goals: PlayerJson[] };
  /** One per pairing, rows (users) first. */
  cells: {
    users: string;
    goals: string;
    regret: ReturnType<typeof statJson>;
    normalizedRegret: ReturnType<typeof statJson>;
    goalUtility: ReturnType<typeof statJson>;
    welfare: ReturnType<typeof statJson>;
    userReward: ReturnType<typeof statJson>;
  }[];
  exploitability: { checkpoint: string; label: string; stored: Record<string, number> | null; lowerBound: ExploitabilityEstimate | null }[];
  notes: string[];
}

interface PlayerJson {
  label: string;
  kind: Player['kind'];
  source: string;
  cheatingReference: boolean;
}

/** "step-000000002048" → "step-2048"; with its run folder's name when it sits in <run>/checkpoints/. */
function checkpointLabel(path: string): string {
  const short = basename(path).replace(/^step-0*(\d)/, 'step-$1');
  return basename(dirname(path)) === 'checkpoints' ? `${basename(dirname(dirname(path)))}/${short}` : short;
}

function uniqueLabels<T extends { label: string }>(items: T[]): T[] {
  const seen = new Map<string, number>();
  for (const it of items) {
    const n = (seen.get(it.label) ?? 0) + 1;
    seen.set(it.label, n);
    if (n > 1) it.label = `${it.label}#${n}`;
  }
  return items;
}

/** `buddy-gym eval`: resolves to the exit code. */
export function evalCommand(argv: readonly string[], io: CliIO): number | Promise<number> {
  const { values, positionals } = parseCommandArgs(evalSpec, argv);
  if (values.help) {
    commandHelp(evalSpec).forEach((l) => io.out(l));
    return EXIT.ok;
  }
  return evaluate(values, positionals, io);
}

async function evaluate(values: FlagValues, positionals: string[], io: CliIO): Promise<number> {
  if (positionals.length === 0) throw new UsageError('which checkpoints? give one or more checkpoint folders: buddy-gym eval runs/<run>/checkpoints/best');
  const vs = stringFlag(values, 'vs') ?? 'baselines';
  if (vs !== 'baselines' && vs !== 'none') throw new UsageError(`--vs must be baselines or none, got ${JSON.stringify(vs)}`);
  const episodes = intFlag(values, 'episodes', 10, 1, 100_000);
  const seed = intFlag(values, 'seed', 0, 0, 2 ** 40);
  const numEnvsFlag = stringFlag(values, 'num-envs') === undefined ? undefined : intFlag(values, 'num-envs', 1, 1, 4096);
  const exploitIterations = stringFlag(values, 'exploitability') === undefined ? 0 : intFlag(values, 'exploitability', 0, 1, 1_000_000);
  const outJson = stringFlag(values, 'out-json');
  if (outJson !== undefined) {
    const parent = dirname(resolve(outJson));
    if (outJson === '' || !existsSync(parent) || !statSync(parent).isDirectory()) throw new UsageError(`--out-json ${outJson}: the folder ${parent} does not exist`);
    if (existsSync(outJson) && statSync(outJson).isDirectory()) throw new UsageError(`--out-json ${outJson} is a folder; give a file name`);
  }
  const backendName = backendFlag(values);
  const modules = await loadAgentModules((values.agent as string[] | undefined) ?? []);

  const backend = await selectBackend(backendName);

  const runs: LoadedRun[] = [];
  try {
    for (const path of positionals) {
      const loaded = await checkpointUsage(loadCheckpoint(checkpointPath(path, io.err)), '');
      disposeCheckpoint(loaded, { keepModels: true }); // the optimiser state is not needed here
      try {
        // The env options, a trainer's state and each policy's model against its spec, before playing.
        if (isObject(loaded.trainer) && 'config' in loaded.trainer) checkTrainerState(loaded.manifest, loaded.path);
        else checkEnvOptions(loaded.manifest, loaded.path);
        for (const [name, p] of Object.entries(loaded.policies)) checkPolicyModel(name, p.spec, p.model, loaded.path);
      } catch (e) {
        disposeCheckpoint(loaded);
        await checkpointUsage(Promise.reject(e), '');
      }
      if (loaded.manifest.envId === ATTENTION_MARKET_ID && (!loaded.policies.user || !loaded.policies.goal)) {
        disposeCheckpoint(loaded);
        throw new UsageError(`${path}: the checkpoint has no "user" and "goal" policies to play (it has ${Object.keys(loaded.policies).join(', ') || 'none'})`);
      }
      runs.push(toRun(loaded));
    }
    uniqueLabels(runs);
    io.err(backendLine(backend));
    const envId = runs[0].loaded.manifest.envId;
    const envOptions = (runs[0].loaded.manifest.envOptions ?? {}) as Record<string, unknown>;
    const fullOptions = envSpec(envId).parseOptions(envOptions) as Record<string, unknown>;
    for (const r of runs.slice(1)) {
      const other = envSpec(r.loaded.manifest.envId).parseOptions(r.loaded.manifest.envOptions) as Record<string, unknown>;
      const same = (k: string) => JSON.stringify(other[k]) === JSON.stringify(fullOptions[k]);
      const diff = r.loaded.manifest.envId !== envId ? ['env id'] : Object.keys(fullOptions).filter((k) => !same(k));
      if (diff.length) {
        throw new UsageError(`${r.path} was trained on another game than ${runs[0].path} (${diff.map((k) => `${k}: ${String(other[k])} vs ${String(fullOptions[k])}`).join(', ')}); cross-play needs one game`);
      }
    }
    if (envId !== ATTENTION_MARKET_ID) {
      if (modules.length) throw new UsageError(`--agent plugs agents into ${ATTENTION_MARKET_ID}'s users or goals; for ${envId} pass your agent to the API (evaluatePlay with an AgentActor)`);
      genericEval(
        { envId, envOptions, runs, withBaselines: vs === 'baselines', episodes, seed, numEnvs: numEnvsFlag, exploitIterations, backend: backend.name, json: values.json === true, outJson },
        io,
      );
      return EXIT.ok;
    }
    const rounds = fullOptions.rounds as number;
    const numEnvs = numEnvsFlag ?? runs[0].config?.numEnvs ?? 16;

    const users: Player[] = [];
    const goals: Player[] = [];
    for (const r of runs) {
      users.push({ label: r.label, kind: 'policy', source: `π_user of ${r.path}`, cheatingReference: false, actor: () => new PolicyActor(r.policies.user, r.label) });
      goals.push({ label: r.label, kind: 'policy', source: `π_goal of ${r.path}`, cheatingReference: false, actor: () => new PolicyActor(r.policies.goal, r.label) });
    }
    if (vs === 'baselines') {
      for (const [name, b] of Object.entries(USER_AGENTS)) {
        users.push({ label: b.cheats ? `${name}*` : name, kind: 'baseline', source: b.doc, cheatingReference: b.cheats === true, actor: () => new AgentActor(b.make()) });
      }
      for (const [name, b] of Object.entries(GOAL_AGENTS)) goals.push({ label: name, kind: 'baseline', source: b.doc, cheatingReference: false, actor: () => new AgentActor(b.make()) });
    }
    for (const m of modules) {
      const side = m.role === 'users' ? users : goals;
      side.push(moduleLabel(m, rounds));
    }
    uniqueLabels(users);
    uniqueLabels(goals);

    const matchup: MatchupOptions = { envId, envOptions, episodes, numEnvs, rounds, seed };
    const cells: { user: Player; goal: Player; r: MatchupResult }[] = [];
    users.forEach((u, i) => {
      io.err(`playing ${u.label} users (${i + 1}/${users.length}) against ${goals.length} goal player${goals.length === 1 ? '' : 's'}...`);
      for (const g of goals) cells.push({ user: u, goal: g, r: evaluateMatchup(g.actor(), u.actor(), matchup) });
    });

    const exploitability: EvalJson['exploitability'] = [];
    for (const r of runs) {
      const stored = storedExploitability(r.summary);
      let lowerBound: ExploitabilityEstimate | null = null;
      if (exploitIterations > 0) {
        if (!r.config) throw new UsageError(`--exploitability: ${r.path} holds no trainer settings to train best responses with`);
        io.err(`exploitability of ${r.label}: training best responses, ${exploitIterations} iterations per side...`);
        lowerBound = exploitabilityLowerBound(r.policies, {
          envId,
          envOptions,
          config: { ...bestResponseConfig(r.config), numEnvs },
          iterations: exploitIterations,
          evalEpisodes: Math.max(2, episodes),
          seed,
        });
      }
      exploitability.push({ checkpoint: r.path, label: r.label, stored, lowerBound });
    }

    const notes = users.some((u) => u.cheatingReference) ? [ORACLE_NOTE] : [];
    const json: EvalJson = {
      env: envId,
      envOptions: fullOptions,
      episodes,
      seed,
      numEnvs,
      rounds,
      backend: backend.name,
      players: { users: users.map(playerJson), goals: goals.map(playerJson) },
      cells: cells.map(({ user, goal, r }) => ({
        users: user.label,
        goals: goal.label,
        regret: statJson(r.regret),
        normalizedRegret: statJson(r.normalizedRegret),
        goalUtility: statJson(r.goalUtility),
        welfare: statJson(r.welfare),
        userReward: statJson(r.userReward),
      })),
      exploitability,
      notes,
    };
    if (outJson !== undefined) writeFileSync(outJson, JSON.stringify(json, null, 2) + '\n');
    if (values.json) io.out(JSON.stringify(json, null, 2));
    else printTables(io, json, users, goals, cells);
    return EXIT.ok;
  } finally {
    for (const r of runs) for (const p of Object.values(r.loaded.policies)) p.model.dispose(); // the policies' models among them
  }
}

/** A loaded checkpoint with its two policies wrapped (the Policy objects share the loaded models). */
function toRun(loaded: LoadedCheckpoint): LoadedRun {
  const u = loaded.policies.user;
  const g = loaded.policies.goal;
  const policy = (p: typeof u | undefined) => (p ? new Policy(p.spec as PolicySpec, { model: p.model }) : (null as unknown as Policy));
  const t = loaded.trainer as { config?: unknown; summary?: unknown } | null;
  let config: TrainConfig | null = null;
  try {
    config = t && typeof t.config === 'object' ? parseTrainConfig(t.config) : null;
  } catch {
    config = null;
  }
  const summary = t && typeof t.summary === 'object' && t.summary !== null ? (t.summary as Record<string, number>) : {};
  return {
    path: showPath(loaded.path),
    label: checkpointLabel(loaded.path),
    loaded,
    policies: { user: policy(u), goal: policy(g) },
    config,
    summary,
  };
}

function moduleLabel(m: AgentModule, rounds: number): Player {
  const how = m.batched ? 'batched' : m.perAgent ? 'one instance per agent' : 'one shared instance';
  const label = m.name;
  return { label, kind: 'agent', source: `your agent: ${m.path} (${m.exportName} export, ${m.kind}, ${how})`, cheatingReference: false, actor: () => moduleActor(m, label, rounds) };
}

const playerJson = (p: Player): PlayerJson => ({ label: p.label, kind: p.kind, source: p.source, cheatingReference: p.cheatingReference });

/** The exploitability figures train stored in a checkpoint's trainer summary, or null. */
function storedExploitability(summary: Record<string, number>): Record<string, number> | null {
  const keys = Object.keys(summary).filter((k) => /^exploitability|^nashConv/.test(k) && typeof summary[k] === 'number');
  return keys.length ? Object.fromEntries(keys.map((k) => [k, summary[k]])) : null;
}

const cellText = (s: ReturnType<typeof statJson>): string => `${s.mean === null ? 'n/a' : num(s.mean, 3)} ± ${s.ci95 === null ? 'n/a' : num(s.ci95, 3)}`;

function printTables(io: CliIO, j: EvalJson, users: Player[], goals: Player[], cells: { user: Player; goal: Player; r: MatchupResult }[]): void {
  const opts = Object.entries(j.envOptions).map(([k, v]) => `${k}=${String(v)}`).join(', ');
  io.out(`${j.env}: cross-play, ${j.episodes} episode${j.episodes === 1 ? '' : 's'} x ${j.numEnvs} copies per pairing (seed ${j.seed}), ${j.rounds} rounds each; backend ${j.backend}`);
  io.out(`options: ${opts}`);
  io.out('');
  const legend = (title: string, ps: Player[]) => {
    io.out(`${title}:`);
    table(ps.map((p) => [`  ${p.label}`, p.kind, p.source])).forEach((l) => io.out(l));
  };
  legend('user-side players (rows)', users);
  legend('goal-side players (columns)', goals);

  const at = new Map(cells.map((c) => [`${c.user.label}\u0000${c.goal.label}`, c.r]));
  const block = (title: string, pick: (r: MatchupResult) => Stat) => {
    io.out('');
    io.out(title);
    const rows = [['users \\ goals', ...goals.map((g) => g.label)]];
    for (const u of users) rows.push([u.label, ...goals.map((g) => cellText(statJson(pick(at.get(`${u.label}\u0000${g.label}`)!))))]);
    table(rows, [false, ...goals.map(() => true)]).forEach((l) => io.out(l));
  };
  block('user regret per round, mean ± 95% CI (lower is better for the users)', (r) => r.regret);
  block('goal utility per goal per round: visibility net of generation cost, mean ± 95% CI (higher is better for the goals)', (r) => r.goalUtility);
  block('user welfare per round: true relevance of all selections, mean ± 95% CI (higher is better for the users)', (r) => r.welfare);
  for (const n of j.notes) {
    io.out('');
    io.out(n);
  }

  io.out('');
  io.out('exploitability:');
  for (const x of j.exploitability) {
    if (x.stored) {
      const s = x.stored;
      const pm = (g: string, c: string) => (s[g] === undefined ? 'n/a' : `${num(s[g])}${s[c] === undefined ? '' : ` ± ${num(s[c])}`}`);
      io.out(
        `  ${x.label}: stored by train, LOWER BOUND (${s.exploitabilityIterations ?? '?'} best-response iterations per side): users ${pm('exploitabilityUserGain', 'exploitabilityUserCi95')}, goals ${pm('exploitabilityGoalGain', 'exploitabilityGoalCi95')}, NashConv ≥ ${s.nashConvLowerBound === undefined ? 'n/a' : num(s.nashConvLowerBound)}`,
      );
      const other = Object.keys(s).filter((k) => !/^exploitability(User|Goal)(Gain|Ci95)$|^exploitabilityIterations$|^nashConvLowerBound$/.test(k));
      if (other.length) io.out(`    also stored: ${other.map((k) => `${k} ${num(s[k])}`).join(', ')}`);
    }
    if (x.lowerBound) exploitabilityLines(`  ${x.label}, computed now`, x.lowerBound).forEach((l) => io.out(l));
    if (!x.stored && !x.lowerBound) io.out(`  ${x.label}: none stored (train --exploitability N stores one); compute one with --exploitability N`);
  }
}

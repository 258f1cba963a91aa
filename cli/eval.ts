/**
 * `buddy-gym eval <ckpt…>`: cross-play for any game. Each side's players are the checkpoints'
 * policies for it, its baselines (--vs baselines) and your modules (--agent SIDE=PATH); every
 * combination of one player per side plays the same seeded worlds, and each side's reward and
 * the game's headline figures are reported as means with 95% CIs. A two-sided game gets one
 * table per figure (rows: the second side's players, columns: the first side's); others get
 * one row per matchup.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { selectBackend } from '../agents/backend/index.js';
import { Policy, type PolicySpec } from '../agents/policy/policy.js';
import { isPlainObject } from '../envs/core/options.js';
import { disposeCheckpoint, loadCheckpoint, type LoadedCheckpoint } from '../checkpoints/index.js';
import { checkEnvOptions, checkPolicyModel, checkTrainerState } from '../training/checkpoint-check.js';
import { evaluatePlay, type MatchupOptions, type PlayOutcome } from '../training/evaluate.js';
import { exploitabilityLowerBound, type ExploitabilityEstimate } from '../training/exploitability.js';
import type { GameDescriptor } from '../training/game/descriptor.js';
import { profileFor } from '../training/profiles/index.js';
import { metricLabel } from '../training/profiles/metric-words.js';
import { AgentActor, PolicyActor, type RoleActor } from '../training/self-play/actors.js';
import { parseTrainConfig, type TrainConfig } from '../training/self-play/config.js';
import { statJson } from '../training/stats.js';
import { loadAgentModules, moduleActor, type AgentModule } from './agent-module.js';
import { intFlag, parseCommandArgs, stringFlag, type FlagValues } from './args.js';
import { backendFlag, backendLine } from './backend-flag.js';
import { checkpointUsage } from './checkpoint-usage.js';
import { gameOf } from './env-args.js';
import { EXIT, UsageError } from './errors.js';
import { evalSpec } from './eval-spec.js';
import { bestResponseConfig, exploitabilityLines, storedExploitability, storedExploitabilityLines } from './exploitability.js';
import { num, table } from './format.js';
import type { CliIO } from './io.js';
import { resolveSide } from './lineups.js';
import { checkpointPath, showPath } from './run-folder.js';

/** Most matchups one eval plays. */
const MAX_MATCHUPS = 64;

const CHEATING_NOTE = '* marks a player that reads hidden state no agent of its side can see: the CHEATING REFERENCE, a yardstick, not a baseline to beat.';

/** One side's player in the cross-play. */
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

interface PlayerJson {
  label: string;
  kind: Player['kind'];
  source: string;
  cheatingReference: boolean;
}

interface LoadedRun {
  path: string;
  label: string;
  loaded: LoadedCheckpoint;
  /** The checkpoint's policy of each side. */
  policies: Record<string, Policy>;
  config: TrainConfig | null;
  summary: Record<string, number>;
}

/** What `eval --json` prints. */
export interface EvalJson {
  env: string;
  /** Every env option, as parsed. */
  envOptions: Record<string, unknown>;
  episodes: number;
  seed: number;
  numEnvs: number;
  rounds: number;
  backend: string;
  sides: string[];
  players: Record<string, PlayerJson[]>;
  /** One per matchup: who played each side, each side's reward per agent per round and every round metric. */
  matchups: { players: Record<string, string>; reward: Record<string, ReturnType<typeof statJson>>; metrics: Record<string, ReturnType<typeof statJson>> }[];
  exploitability: { checkpoint: string; label: string; stored: Record<string, number> | null; lowerBound: ExploitabilityEstimate | null }[];
  notes: string[];
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
export function evalCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(evalSpec, argv);
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

  const loadedRuns: LoadedCheckpoint[] = [];
  try {
    for (const path of positionals) {
      const loaded = await checkpointUsage(loadCheckpoint(checkpointPath(path, io.err)), '');
      disposeCheckpoint(loaded, { keepModels: true }); // the optimiser state is not needed here
      loadedRuns.push(loaded);
      // The env options, a trainer's state and each policy's model against its spec, before playing.
      await checkpointUsage(
        Promise.resolve().then(() => {
          if (isPlainObject(loaded.trainer) && 'config' in loaded.trainer) checkTrainerState(loaded.manifest, loaded.path);
          else checkEnvOptions(loaded.manifest, loaded.path);
          for (const [name, p] of Object.entries(loaded.policies)) checkPolicyModel(name, p.spec, p.model, loaded.path);
        }),
        '',
      );
    }
    io.err(backendLine(backend));
    const g = gameOf(loadedRuns[0].manifest.envId);
    const options = g.env.parseOptions(loadedRuns[0].manifest.envOptions ?? {}) as Record<string, unknown>;
    for (const l of loadedRuns.slice(1)) sameGame(g, options, l, loadedRuns[0].path);
    const roles = g.roles(options);
    const sides = roles.map((r) => r.name);
    const runs = uniqueLabels(loadedRuns.map((l) => toRun(l, sides)));
    const rounds = profileFor(g.env.id, roles).rounds(options);
    const numEnvs = numEnvsFlag ?? runs[0].config?.numEnvs ?? 16;

    const players: Record<string, Player[]> = Object.fromEntries(sides.map((s) => [s, [] as Player[]]));
    for (const r of runs) for (const side of sides) players[side].push({ label: r.label, kind: 'policy', source: `π_${side} of ${r.path}`, cheatingReference: false, actor: () => new PolicyActor(r.policies[side], r.label) });
    if (vs === 'baselines') {
      for (const side of sides) {
        for (const [name, b] of Object.entries(g.baselines[side] ?? {})) {
          players[side].push({ label: b.cheats ? `${name}*` : name, kind: 'baseline', source: b.doc, cheatingReference: b.cheats === true, actor: () => new AgentActor(b.make()) });
        }
      }
    }
    for (const m of modules) players[resolveSide('--agent', m.side, sides, g.env.id)].push(modulePlayer(m, rounds));
    for (const side of sides) uniqueLabels(players[side]);
    const count = sides.reduce((n, s) => n * players[s].length, 1);
    if (count > MAX_MATCHUPS) throw new UsageError(`${count} matchups (${sides.map((s) => `${players[s].length} ${s} players`).join(' x ')}) is more than ${MAX_MATCHUPS}; give fewer checkpoints or --vs none`);

    const matchup: MatchupOptions = { envId: g.env.id, envOptions: options, episodes, numEnvs, rounds, seed };
    let combos: Player[][] = [[]];
    for (const side of sides) combos = combos.flatMap((c) => players[side].map((p) => [...c, p]));
    const results: PlayOutcome[] = combos.map((combo, i) => {
      io.err(`playing matchup ${i + 1}/${combos.length}: ${combo.map((p, r) => `${sides[r]} ${p.label}`).join(', ')}...`);
      return evaluatePlay(combo.map((p) => p.actor()), matchup);
    });

    const exploitability: EvalJson['exploitability'] = runs.map((r) => {
      const stored = storedExploitability(r.summary);
      if (exploitIterations === 0) return { checkpoint: r.path, label: r.label, stored, lowerBound: null };
      if (!r.config) throw new UsageError(`--exploitability: ${r.path} holds no trainer settings to train best responses with`);
      io.err(`exploitability of ${r.label}: training best responses, ${exploitIterations} iterations per side...`);
      const lowerBound = exploitabilityLowerBound(r.policies, {
        envId: g.env.id,
        envOptions: options,
        config: { ...bestResponseConfig(r.config), numEnvs },
        iterations: exploitIterations,
        evalEpisodes: Math.max(2, episodes),
        seed,
      });
      return { checkpoint: r.path, label: r.label, stored, lowerBound };
    });

    const json: EvalJson = {
      env: g.env.id,
      envOptions: options,
      episodes,
      seed,
      numEnvs,
      rounds,
      backend: backend.name,
      sides,
      players: Object.fromEntries(sides.map((s) => [s, players[s].map(playerJson)])),
      matchups: combos.map((combo, i) => ({
        players: Object.fromEntries(sides.map((s, r) => [s, combo[r].label])),
        reward: Object.fromEntries(Object.entries(results[i].reward).map(([k, v]) => [k, statJson(v)])),
        metrics: Object.fromEntries(Object.entries(results[i].metrics).map(([k, v]) => [k, statJson(v)])),
      })),
      exploitability,
      notes: sides.some((s) => players[s].some((p) => p.cheatingReference)) ? [CHEATING_NOTE] : [],
    };
    if (outJson !== undefined) writeFileSync(outJson, JSON.stringify(json, null, 2) + '\n');
    if (values.json) io.out(JSON.stringify(json, null, 2));
    else printTables(io, g, json, players);
    return EXIT.ok;
  } finally {
    for (const l of loadedRuns) for (const p of Object.values(l.policies)) p.model.dispose();
  }
}

/** Cross-play needs one game: the same env and the same options as the first checkpoint. */
function sameGame(g: GameDescriptor, options: Record<string, unknown>, l: LoadedCheckpoint, first: string): void {
  const path = showPath(l.path);
  if (l.manifest.envId !== g.env.id) throw new UsageError(`${path} was trained on ${l.manifest.envId}, ${first} on ${g.env.id}; cross-play needs one game`);
  const other = g.env.parseOptions(l.manifest.envOptions) as Record<string, unknown>;
  const diff = Object.keys(options).filter((k) => JSON.stringify(other[k]) !== JSON.stringify(options[k]));
  if (diff.length) throw new UsageError(`${path} was trained on another game than ${showPath(first)} (${diff.map((k) => `${k}: ${String(other[k])} vs ${String(options[k])}`).join(', ')}); cross-play needs one game`);
}

/** A loaded checkpoint with a policy for every side (the Policy objects share the loaded models). */
function toRun(loaded: LoadedCheckpoint, sides: readonly string[]): LoadedRun {
  const path = showPath(loaded.path);
  const policies: Record<string, Policy> = {};
  for (const side of sides) {
    const p = loaded.policies[side];
    if (!p) throw new UsageError(`${path}: the checkpoint has no "${side}" policy to play (it has ${Object.keys(loaded.policies).join(', ') || 'none'})`);
    policies[side] = new Policy(p.spec as PolicySpec, { model: p.model });
  }
  const t = loaded.trainer as { config?: unknown; summary?: unknown } | null;
  let config: TrainConfig | null = null;
  try {
    config = t && typeof t.config === 'object' ? parseTrainConfig(t.config) : null;
  } catch {
    config = null;
  }
  const summary = t && isPlainObject(t.summary) ? (t.summary as Record<string, number>) : {};
  return { path, label: checkpointLabel(loaded.path), loaded, policies, config, summary };
}

function modulePlayer(m: AgentModule, rounds: number): Player {
  const how = m.batched ? 'batched' : m.perAgent ? 'one instance per agent' : 'one shared instance';
  return { label: m.name, kind: 'agent', source: `your agent: ${m.path} (${m.exportName} export, ${m.kind}, ${how})`, cheatingReference: false, actor: () => moduleActor(m, m.name, rounds) };
}

const playerJson = (p: Player): PlayerJson => ({ label: p.label, kind: p.kind, source: p.source, cheatingReference: p.cheatingReference });

const cellText = (s: ReturnType<typeof statJson> | undefined): string => (s === undefined ? 'n/a' : `${s.mean === null ? 'n/a' : num(s.mean, 3)} ± ${s.ci95 === null ? 'n/a' : num(s.ci95, 3)}`);

function printTables(io: CliIO, g: GameDescriptor, j: EvalJson, players: Record<string, Player[]>): void {
  const words = g.words ?? {};
  const opts = Object.entries(j.envOptions).map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`).join(', ');
  io.out(`${j.env}: cross-play, ${j.episodes} episode${j.episodes === 1 ? '' : 's'} x ${j.numEnvs} copies per matchup (seed ${j.seed}), ${j.rounds} rounds each; backend ${j.backend}`);
  io.out(`options: ${opts}`);
  const two = j.sides.length === 2;
  for (const [i, side] of j.sides.entries()) {
    io.out('');
    io.out(`${side}-side players${two ? (i === 0 ? ' (columns)' : ' (rows)') : ''}:`);
    table(players[side].map((p) => [`  ${p.label}`, p.kind, p.source])).forEach((l) => io.out(l));
  }
  // Figures: each side's reward, then the game's headline round metrics.
  const figures: { title: string; pick: (m: EvalJson['matchups'][number]) => ReturnType<typeof statJson> | undefined }[] = [
    ...j.sides.map((side) => ({ title: `${metricLabel(words, `${side}Reward`)}, mean ± 95% CI (higher is better for the ${side} side)`, pick: (m: EvalJson['matchups'][number]) => m.reward[side] })),
    ...(words.headline ?? []).map((metric) => {
      const better = words.better?.[metric];
      return { title: `${metricLabel(words, metric)}, mean ± 95% CI${better ? ` (${better} is better)` : ''}`, pick: (m: EvalJson['matchups'][number]) => m.metrics[metric] };
    }),
  ];
  if (two) {
    const [cols, rowsSide] = j.sides;
    const at = new Map(j.matchups.map((m) => [`${m.players[rowsSide]}\u0000${m.players[cols]}`, m]));
    for (const f of figures) {
      io.out('');
      io.out(f.title);
      const rows = [[`${rowsSide} \\ ${cols}`, ...players[cols].map((p) => p.label)]];
      for (const r of players[rowsSide]) rows.push([r.label, ...players[cols].map((c) => cellText(f.pick(at.get(`${r.label}\u0000${c.label}`)!)))]);
      table(rows, [false, ...players[cols].map(() => true)]).forEach((l) => io.out(l));
    }
  } else {
    io.out('');
    io.out('each cell: mean ± 95% CI over episodes');
    const head = [...j.sides, ...figures.map((f) => f.title.replace(/, mean ± 95% CI.*$/, ''))];
    const rows = j.matchups.map((m) => [...j.sides.map((s) => m.players[s]), ...figures.map((f) => cellText(f.pick(m)))]);
    table([head, ...rows], head.map((_, i) => i >= j.sides.length)).forEach((l) => io.out(l));
  }
  for (const n of j.notes) {
    io.out('');
    io.out(n);
  }
  io.out('');
  io.out('exploitability:');
  for (const x of j.exploitability) {
    if (x.stored) storedExploitabilityLines(x.label, x.stored, j.sides).forEach((l) => io.out(l));
    if (x.lowerBound) exploitabilityLines(`  ${x.label}, computed now`, x.lowerBound).forEach((l) => io.out(l));
    if (!x.stored && !x.lowerBound) io.out(`  ${x.label}: none stored (train --exploitability N stores one); compute one with --exploitability N`);
  }
}

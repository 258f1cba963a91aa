import { writeFileSync } from 'node:fs';
import { Policy, type PolicySpec } from '../agents/policy/policy.js';
import type { LoadedCheckpoint } from '../checkpoints/index.js';
import { evaluatePlay, type MatchupOptions, type PlayOutcome } from '../training/evaluate.js';
import { exploitabilityLowerBound, type ExploitabilityEstimate } from '../training/exploitability.js';
import { metricLabel, profileFor } from '../training/profiles/index.js';
import { AgentActor, PolicyActor, type RoleActor } from '../training/self-play/actors.js';
import { parseTrainConfig, type TrainConfig } from '../training/self-play/config.js';
import { SelfPlayTrainer } from '../training/self-play/trainer.js';
import { spec as envSpec } from '../envs/registry.js';
import { UsageError } from './errors.js';
import { num, statJson, table } from './format.js';
import type { CliIO } from './io.js';
import { bestResponseConfig, exploitabilityLines } from './train.js';

/** Most matchups a generic cross-play plays (the product of the players of every side). */
export const MAX_MATCHUPS = 64;

/** One checkpoint of a game other than the attention market, its policies by side. */
export interface GenericRun {
  path: string;
  label: string;
  loaded: LoadedCheckpoint;
}

interface SidePlayer {
  label: string;
  kind: 'policy' | 'baseline';
  actor(): RoleActor;
}

/** What every `eval --json` starts with: the game and how it was played. */
export interface CrossPlayHeader {
  env: string;
  envOptions: Record<string, unknown>;
  episodes: number;
  seed: number;
  numEnvs: number;
  rounds: number;
  backend: string;
}

/** What `eval --json` prints for a game other than the attention market. */
export interface GenericEvalJson extends CrossPlayHeader {
  sides: string[];
  players: Record<string, { label: string; kind: SidePlayer['kind'] }[]>;
  /** One per matchup: who played each side, each side's reward and every round metric. */
  matchups: { players: Record<string, string>; reward: Record<string, ReturnType<typeof statJson>>; metrics: Record<string, ReturnType<typeof statJson>> }[];
  exploitability: { checkpoint: string; label: string; lowerBound: ExploitabilityEstimate | null }[];
}

export interface GenericEvalArgs {
  envId: string;
  envOptions: Record<string, unknown>;
  runs: GenericRun[];
  withBaselines: boolean;
  episodes: number;
  seed: number;
  numEnvs: number | undefined;
  exploitIterations: number;
  backend: string;
  json: boolean;
  outJson: string | undefined;
}

/**
 * Cross-play for any env: every combination of one player per side, where a side's players
 * are the checkpoints' policies for it and (with --vs baselines) the env's baseline agents.
 * Each matchup reports each side's reward per agent per round and the env's round metrics,
 * means over episodes with 95% CIs, on the same seeds for every matchup.
 */
export function genericEval(a: GenericEvalArgs, io: CliIO): void {
  const options = envSpec(a.envId).parseOptions(a.envOptions) as Record<string, unknown>;
  const sides = SelfPlayTrainer.sidesOf(a.envId, a.envOptions);
  const profile = profileFor(a.envId, envSpec(a.envId).createKernel(options, 1).roles);
  const rounds = profile.rounds(options);
  const configs = a.runs.map((r) => trainerConfig(r.loaded));
  const numEnvs = a.numEnvs ?? configs[0]?.numEnvs ?? 16;
  const policies = a.runs.map((r) => {
    const out: Record<string, Policy> = {};
    for (const side of sides) {
      const p = r.loaded.policies[side];
      if (!p) throw new UsageError(`${r.path}: the checkpoint has no "${side}" policy (it has ${Object.keys(r.loaded.policies).join(', ') || 'none'})`);
      out[side] = new Policy(p.spec as PolicySpec, { model: p.model });
    }
    return out;
  });
  const players: Record<string, SidePlayer[]> = {};
  for (const side of sides) {
    players[side] = a.runs.map((r, i) => ({ label: r.label, kind: 'policy' as const, actor: () => new PolicyActor(policies[i][side], r.label) }));
    if (a.withBaselines) {
      for (const [name, make] of Object.entries(profile.baselines[side] ?? {})) players[side].push({ label: name, kind: 'baseline', actor: () => new AgentActor(make()) });
    }
  }
  const count = sides.reduce((n, s) => n * players[s].length, 1);
  if (count > MAX_MATCHUPS) throw new UsageError(`${count} matchups (${sides.map((s) => `${players[s].length} ${s} players`).join(' x ')}) is more than ${MAX_MATCHUPS}; give fewer checkpoints or --vs none`);

  const matchup: MatchupOptions = { envId: a.envId, envOptions: a.envOptions, episodes: a.episodes, numEnvs, rounds, seed: a.seed };
  const results: PlayOutcome[] = [];
  const combos: SidePlayer[][] = [[]];
  for (const side of sides) combos.splice(0, combos.length, ...combos.flatMap((c) => players[side].map((p) => [...c, p])));
  combos.forEach((combo, i) => {
    io.err(`playing matchup ${i + 1}/${combos.length}: ${combo.map((p, r) => `${sides[r]} ${p.label}`).join(', ')}...`);
    results.push(evaluatePlay(combo.map((p) => p.actor()), matchup));
  });

  const exploitability: GenericEvalJson['exploitability'] = a.runs.map((r, i) => {
    if (a.exploitIterations === 0) return { checkpoint: r.path, label: r.label, lowerBound: null };
    const config = configs[i];
    if (!config) throw new UsageError(`--exploitability: ${r.path} holds no trainer settings to train best responses with`);
    io.err(`exploitability of ${r.label}: training best responses, ${a.exploitIterations} iterations per side...`);
    const lowerBound = exploitabilityLowerBound(policies[i], {
      envId: a.envId,
      envOptions: a.envOptions,
      config: { ...bestResponseConfig(config), numEnvs },
      iterations: a.exploitIterations,
      evalEpisodes: Math.max(2, a.episodes),
      seed: a.seed,
    });
    return { checkpoint: r.path, label: r.label, lowerBound };
  });

  const json: GenericEvalJson = {
    env: a.envId,
    envOptions: options,
    episodes: a.episodes,
    seed: a.seed,
    numEnvs,
    rounds,
    backend: a.backend,
    sides: [...sides],
    players: Object.fromEntries(sides.map((s) => [s, players[s].map((p) => ({ label: p.label, kind: p.kind }))])),
    matchups: results.map((r) => ({
      players: r.players,
      reward: Object.fromEntries(Object.entries(r.reward).map(([k, v]) => [k, statJson(v)])),
      metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, statJson(v)])),
    })),
    exploitability,
  };
  if (a.outJson !== undefined) writeFileSync(a.outJson, JSON.stringify(json, null, 2) + '\n');
  if (a.json) {
    io.out(JSON.stringify(json, null, 2));
    return;
  }
  const cell = (s: ReturnType<typeof statJson>) => `${s.mean === null ? 'n/a' : num(s.mean, 3)} ± ${s.ci95 === null ? 'n/a' : num(s.ci95, 3)}`;
  const headline = profile.headline ?? [];
  io.out(`${a.envId}: cross-play, ${a.episodes} episode${a.episodes === 1 ? '' : 's'} x ${numEnvs} copies per matchup (seed ${a.seed}), ${rounds} rounds each; backend ${a.backend}`);
  io.out(`options: ${Object.entries(options).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')}`);
  io.out('');
  io.out('each cell: mean ± 95% CI over episodes; reward = mean reward per agent per round');
  const head = [...sides, ...sides.map((s) => `${s} reward`), ...headline.map((m) => metricLabel(profile, m))];
  const rows = json.matchups.map((m) => [...sides.map((s) => m.players[s]), ...sides.map((s) => cell(m.reward[s])), ...headline.map((h) => cell(m.metrics[h]))]);
  table([head, ...rows], head.map((_, i) => i >= sides.length)).forEach((l) => io.out(l));
  for (const x of exploitability) if (x.lowerBound) exploitabilityLines(`${x.label}, computed now`, x.lowerBound).forEach((l) => io.out(l));
}

function trainerConfig(loaded: LoadedCheckpoint): TrainConfig | null {
  const t = loaded.trainer as { config?: unknown } | null;
  try {
    return t && typeof t.config === 'object' ? parseTrainConfig(t.config) : null;
  } catch {
    return null;
  }
}

import type { BaselineCatalogue } from '../../agents/baseline.js';
import type { RoleSpec } from '../../envs/core/kernel.js';
import type { EnvSpec } from '../../envs/core/registry.js';
import type { TensorGameFactory } from '../device/tensor-game.js';
import type { PlayResult } from '../play.js';
import type { MetricWords } from '../profiles/metric-words.js';
import type { TrainingProfile } from '../profiles/profile.js';
import type { ResultRow } from '../results/row.js';
import type { Stat } from '../stats.js';

/**
 * Everything the library knows about one game, gathered in the game's own folder
 * (games/<game>/game.ts) and registered once (games/registry.ts). training/ and the CLI reach
 * a game only through its descriptor, never by its id.
 *
 * The descriptor itself is light (no TensorFlow.js), so that the quick commands (list, check,
 * serve, analyze, --help) can read it; what needs tfjs (policy architectures, results rows) is
 * behind `training`, loaded once by `loadGames()`.
 */
export interface GameDescriptor<Options = any> {
  /** The env: id, typed options, presets, kernel. */
  readonly env: EnvSpec<Options>;
  /** The roles (sides) of the env for these parsed options, in kernel order. */
  roles(options: Options): readonly RoleSpec[];
  /** Scripted agents by side and name. */
  readonly baselines: BaselineCatalogue;
  /** The baseline of each side that trained policies are compared with (and that plays a side nobody names). */
  readonly reference: Readonly<Record<string, string>>;
  /** Words for its round metrics (labels, the record-only ones), for summaries and charts. */
  readonly words?: MetricWords;
  /** Who plays a side `play` is not told about, where that differs from `reference`. */
  readonly playDefaults?: Readonly<Record<string, string>>;
  /** The game's own figures for a run of `play` (beyond each side's reward and the round metrics). */
  readonly playReport?: PlayReporter<Options>;
  /** Exact tools (`buddy-gym analyze`), where the game has them. */
  readonly analysis?: GameAnalysis<Options>;
  /** The game's training part; absent for a game trained with the generic profile. */
  readonly training?: () => Promise<GameTraining>;
}

/** The parts of a game that need TensorFlow.js. */
export interface GameTraining {
  /** How self-play trains it and how a trained policy is judged. */
  readonly profile: TrainingProfile;
  /** Its rows of RESULTS.md, if any. */
  readonly results?: readonly ResultRow[];
  /** Its tensor form, where it has one: self-play may then play episodes on the device. */
  readonly tensor?: TensorGameFactory;
}

/** Which agents of a side played which baseline (or module) in a run of `play`. */
export interface PlayGroup {
  /** The baseline's (or module's) name. */
  readonly type: string;
  /** The agents' ids, e.g. goal_0..goal_3. */
  readonly ids: readonly string[];
  /** Whether it is a cheating reference. */
  readonly cheats: boolean;
}

/** A game's own report of a run of `play`: extra table rows and extra JSON fields. */
export type PlayReporter<Options> = (
  run: PlayResult,
  groups: Readonly<Record<string, readonly PlayGroup[]>>,
  options: Options,
) => { readonly rows: readonly PlayReportRow[]; readonly json: Readonly<Record<string, unknown>> };

/** One row of a play report: a label and its figure (mean and 95% CI over the episodes). */
export interface PlayReportRow {
  readonly label: string;
  readonly stat: Stat;
}

/** A game's exact analysis (what `buddy-gym analyze` prints). */
export interface GameAnalysis<Options> {
  /** What it computes, for the help text. */
  readonly details: readonly string[];
  /** Flags worth showing in the help's examples (after `analyze <id>`). */
  readonly examples?: readonly string[];
  /** Runs it on parsed options of env `envId`: lines to print and the JSON form. */
  run(options: Options, envId: string): Promise<{ readonly lines: readonly string[]; readonly json: Readonly<Record<string, unknown>> }>;
}

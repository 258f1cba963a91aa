import type { EnvSpec } from '../../envs/core/registry.js';
import type { TensorGameFactory } from '../device/tensor-game.js';
import type { TrainingProfile } from '../profiles/profile.js';
import type { ResultRow } from '../results/row.js';

/**
 * Everything the library knows about one game, gathered in the game's own folder
 * (games/<game>/game.ts) and registered once (games/registry.ts). training/ and the CLI reach
 * a game only through its descriptor, never by its id.
 *
 * The descriptor itself is light (no TensorFlow.js), so that the quick commands (list, check,
 * serve, --help) can read it; what needs tfjs (policy architectures, results rows) is behind
 * `training`, loaded once by `loadGames()`.
 */
export interface GameDescriptor<Options = any> {
  /** The env: id, typed options, presets, kernel. */
  readonly env: EnvSpec<Options>;
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

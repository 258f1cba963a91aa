/**
 * Self-play episodes that stay on the device: a game's tensor form (TensorGame), sampling,
 * owner memory, the rollout buffer, return scaling and GAE as tensor ops (the learners'
 * `updateFromTensors` take the batches), so that on a GPU backend only metric scalars are
 * read back.
 */
export { DeviceSelfPlay, type DeviceSelfPlayOptions } from './self-play.js';
export type { TensorGame, TensorGameFactory, RoundOutcome } from './tensor-game.js';
export { makeNoise, type NoiseKind, type NoiseSource } from './noise.js';
export { sampleOnDevice, envActionOnDevice, type DeviceSample } from './sampling.js';
export { DeviceOwnerMemory } from './owner-memory.js';
export { TensorRollout } from './rollout-buffer.js';
export { EpisodeMeter } from './episode-meter.js';
export { discountedReturnsOnDevice, scaleRewardsOnDevice, mergeReturnMoments } from './return-scaling.js';
export { toTensorBatch, disposeTensorBatch } from './tensor-batch.js';

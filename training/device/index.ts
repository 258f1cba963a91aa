/**
 * Self-play iterations that stay on the device: sampling, owner memory, the rollout
 * buffer, return scaling and GAE as tensor ops (the learners' `updateFromTensors` take the
 * batches), so that on a GPU backend only metric scalars are read back.
 */
export { DeviceSelfPlay, type DeviceSelfPlayOptions, type DeviceEpisode, type DeviceEpisodeOptions, type Side } from './self-play.js';
export type { TensorMarket } from './market.js';
export { makeNoise, type NoiseKind, type NoiseSource } from './noise.js';
export { sampleOnDevice, envActionOnDevice, type DeviceSample } from './sampling.js';
export { DeviceOwnerMemory } from './owner-memory.js';
export { TensorRollout } from './rollout-buffer.js';
export { EpisodeMeter } from './episode-meter.js';
export { gaeOnDevice, discountedReturnsOnDevice, scaleRewardsOnDevice, mergeReturnMoments } from './gae.js';
export { toTensorBatch, disposeTensorBatch } from './tensor-batch.js';

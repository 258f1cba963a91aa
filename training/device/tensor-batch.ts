import * as tf from '@tensorflow/tfjs';
import type { Batch, TensorBatch } from '../learners/batch.js';

/** A host Batch uploaded as a TensorBatch (the first n rows; the caller disposes it). */
export function toTensorBatch(batch: Batch): TensorBatch {
  const { n, obsSize, actionSize } = batch;
  // Copies (slice), because the cpu backend keeps the very array it is given.
  return {
    n,
    obsSize,
    actionSize,
    obs: tf.tensor2d(batch.obs.slice(0, n * obsSize), [n, obsSize]),
    actions: tf.tensor2d(batch.actions.slice(0, n * actionSize), [n, actionSize], batch.actions instanceof Int32Array ? 'int32' : 'float32'),
    logProb: tf.tensor1d(batch.logProb.slice(0, n)),
    values: tf.tensor1d(batch.values.slice(0, n)),
    advantages: tf.tensor1d(batch.advantages.slice(0, n)),
    returns: tf.tensor1d(batch.returns.slice(0, n)),
  };
}

export function disposeTensorBatch(batch: TensorBatch): void {
  tf.dispose([batch.obs, batch.actions, batch.logProb, batch.values, batch.advantages, batch.returns]);
}

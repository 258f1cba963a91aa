import * as tf from '@tensorflow/tfjs';

/**
 * Custom layers of the policy networks, registered with tfjs's serialisation registry on
 * import so that `tf.loadLayersModel` rebuilds them from a checkpoint's model.json.
 */

interface SliceConfig {
  begin: number;
  size: number;
  name?: string;
}

/** Columns [begin, begin + size) of a flat [B, F] input: how a network reads one observation field. */
export class SliceFeatures extends tf.layers.Layer {
  static className = 'BuddySliceFeatures';
  readonly begin: number;
  readonly size: number;

  constructor(config: SliceConfig) {
    super(config);
    this.begin = config.begin;
    this.size = config.size;
  }

  override computeOutputShape(inputShape: tf.Shape): tf.Shape {
    return [inputShape[0], this.size];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.slice(x, [0, this.begin], [-1, this.size]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), begin: this.begin, size: this.size };
  }
}

interface LogStdConfig {
  size: number;
  init: number;
  name?: string;
}

/**
 * A learned, state-independent log standard deviation: its input only sets the batch
 * size; the output is the same trainable vector for every sample (CleanRL's `actor_logstd`).
 */
export class StateIndependentLogStd extends tf.layers.Layer {
  static className = 'BuddyStateIndependentLogStd';
  readonly size: number;
  readonly init: number;
  private logStd!: tf.LayerVariable;

  constructor(config: LogStdConfig) {
    super(config);
    this.size = config.size;
    this.init = config.init;
  }

  override build(): void {
    this.logStd = this.addWeight('log_std', [this.size], 'float32', tf.initializers.constant({ value: this.init }));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape): tf.Shape {
    return [inputShape[0], this.size];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => tf.mul(tf.onesLike(tf.slice(x, [0, 0], [-1, 1])), this.logStd.read().reshape([1, this.size])));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size, init: this.init };
  }
}

tf.serialization.registerClass(SliceFeatures);
tf.serialization.registerClass(StateIndependentLogStd);

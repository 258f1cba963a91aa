/**
 * Plackett–Luce head for a Subset(n, k) action space: choose k distinct items of n.
 *
 * params = scores (logits) s [n] per sample. The policy is the Plackett–Luce distribution
 * over ORDERED sequences (a_1, …, a_k) of distinct items: draw a_1 from softmax(s), then
 * a_2 from softmax over the items left, and so on:
 *
 *   log p(a_1..a_k) = Σ_{i=1..k} [ s_{a_i} − logsumexp_{j ∉ {a_1..a_{i−1}}} s_j ].
 *
 * Sampling is Gumbel-top-k: the indices of the k largest s_j + G_j (G_j = −log(−log u_j)
 * from n uniforms per sample), in decreasing order, are an exact draw of that ordered
 * sequence.
 *
 * Which log-probability PPO uses: the ORDERED one (`logProb`). The env treats the set as
 * unordered, but the order in which the head drew the items is a latent choice of the
 * policy that is scored exactly, so the ordered sequence is a valid action for the policy
 * gradient (the policy over sequences is what is optimised; its marginal over sets is the
 * env's action). `logProbUnordered` = log Σ over the k! orders of the same set (the
 * marginal probability of the set), computed exactly by a dynamic programme over the 2^k
 * subsets of the chosen items, for tests and analysis.
 *
 * Entropy: `entropy(params, actions)` is the sampled-prefix estimate
 * Σ_i H(a_i | a_<i = the sampled prefix), each term an exact conditional entropy. With
 * actions drawn from these params it is an unbiased estimate of the entropy of the ordered
 * sequence (chain rule), differentiable and as cheap as `logProb`. (Its gradient is the
 * gradient of the conditional entropies at the fixed prefix, not of the full sequence
 * entropy, which would add a score-function term; with actions from an older policy, as in
 * PPO, the prefixes come from that policy.) `entropyExact(params)` sums the chain rule
 * over every prefix, Σ_{prefixes} p(prefix)·H(next | prefix): exact, differentiable, and
 * feasible only for small n and k (Σ_{i<k} n!/(n−i)! prefixes).
 *
 * All one-hot masks and `tf.where`, no `tf.gather` (whose gradient the wasm backend lacks).
 * An action row with an index outside [0, n) or a repeated index has probability 0
 * (logProb −∞).
 */
import * as tf from '@tensorflow/tfjs';
import { type ActionHead, type HeadSpec, asInt32, checkMatrix, checkSameBatch, entropyOfLogSoftmax, gumbel } from './head.js';

/** Default limits of the exact computations (how many tensor passes they may take). */
const MAX_PREFIXES = 20_000;
const MAX_SUBSET_STATES = 1 << 12;

export class PlackettLuceHead implements ActionHead {
  readonly kind = 'plackett-luce' as const;
  readonly paramSize: number;
  readonly actionSize: number;
  readonly actionDtype = 'int32' as const;
  readonly noise: { readonly kind: 'uniform'; readonly size: number };

  constructor(
    readonly n: number,
    readonly k: number,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`PlackettLuceHead: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`PlackettLuceHead: k must be an integer in [1, n = ${n}], got ${k}`);
    this.paramSize = n;
    this.actionSize = k;
    this.noise = Object.freeze({ kind: 'uniform' as const, size: n });
  }

  /** Gumbel-top-k with uniform noise [B, n] → ordered actions [B, k] int32. */
  sample(params: tf.Tensor2D, noise: tf.Tensor2D): { actions: tf.Tensor2D; logProb: tf.Tensor1D } {
    checkMatrix(params, this.n, 'params', 'PlackettLuceHead');
    checkMatrix(noise, this.n, 'noise', 'PlackettLuceHead');
    checkSameBatch(params, noise, 'noise', 'PlackettLuceHead');
    return tf.tidy(() => {
      const perturbed = tf.add(params, gumbel(tf.cast(noise, 'float32') as tf.Tensor2D)) as tf.Tensor2D;
      const actions = tf.topk(perturbed, this.k, true).indices as tf.Tensor2D;
      return { actions, logProb: this.logProb(params, actions) };
    });
  }

  /** Exact ORDERED log-probability of actions [B, k] (the one PPO uses). */
  logProb(params: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D {
    this.check(params, actions);
    return tf.tidy(() => {
      const steps = this.steps(params, actions);
      let lp: tf.Tensor = steps.validity;
      for (const { picked, lse } of steps.each) lp = tf.add(lp, tf.sub(picked, lse));
      return lp as tf.Tensor1D;
    });
  }

  /**
   * Unbiased sampled-prefix estimate Σ_i H(a_i | a_<i) of the sequence entropy, given the
   * sampled actions [B, k] (required: this head has no cheap exact entropy).
   */
  entropy(params: tf.Tensor2D, actions?: tf.Tensor2D): tf.Tensor1D {
    if (actions === undefined) {
      throw new TypeError('PlackettLuceHead.entropy needs the sampled actions (it estimates the entropy along the sampled prefix); entropyExact(params) is the exact value for small n, k');
    }
    this.check(params, actions);
    return tf.tidy(() => {
      let h: tf.Tensor = tf.zeros([params.shape[0]]);
      for (const { masked, lse } of this.steps(params, actions).each) {
        h = tf.add(h, entropyOfLogSoftmax(tf.sub(masked, tf.reshape(lse, [-1, 1]))));
      }
      return h as tf.Tensor1D;
    });
  }

  /**
   * Exact entropy of the ordered sequence by the chain rule over every prefix:
   * Σ_{i<k} Σ_{prefixes of length i} p(prefix)·H(next | prefix). Differentiable. Throws
   * when there are more than `maxPrefixes` prefixes (default 20 000).
   */
  entropyExact(params: tf.Tensor2D, maxPrefixes = MAX_PREFIXES): tf.Tensor1D {
    checkMatrix(params, this.n, 'params', 'PlackettLuceHead');
    const { n, k } = this;
    let count = 0;
    for (let i = 0, c = 1; i < k; i++, c *= n - i + 1) count += c;
    if (count > maxPrefixes) {
      throw new RangeError(`PlackettLuceHead.entropyExact: ${count} prefixes for n = ${n}, k = ${k} exceed maxPrefixes = ${maxPrefixes}`);
    }
    return tf.tidy(() => {
      const batch = params.shape[0];
      const s = tf.cast(params, 'float32') as tf.Tensor2D;
      const terms: tf.Tensor1D[] = [];
      const offset = new Float32Array(n); // 0 for available items, −∞ for chosen ones
      const visit = (depth: number, logP: tf.Tensor1D | null) => {
        const masked = tf.add(s, tf.tensor2d(offset, [1, n]));
        const ls = tf.sub(masked, tf.logSumExp(masked, 1, true)) as tf.Tensor2D;
        const h = entropyOfLogSoftmax(ls) as tf.Tensor1D;
        terms.push(logP === null ? h : (tf.mul(tf.exp(logP), h) as tf.Tensor1D));
        if (depth + 1 >= k) return;
        for (let j = 0; j < n; j++) {
          if (offset[j] !== 0) continue;
          const step = tf.reshape(tf.slice(ls, [0, j], [batch, 1]), [batch]) as tf.Tensor1D;
          offset[j] = -Infinity;
          visit(depth + 1, logP === null ? step : (tf.add(logP, step) as tf.Tensor1D));
          offset[j] = 0;
        }
      };
      visit(0, null);
      return tf.addN(terms) as tf.Tensor1D;
    });
  }

  /**
   * Exact UNORDERED log-probability of the set {a_1..a_k}: log Σ over its k! orders of the
   * ordered probability, by a dynamic programme over the 2^k subsets T of the chosen items
   * (f(T) = Σ_{x∈T} f(T∖x)·p(x next | T∖x chosen)). Differentiable. Throws when 2^k exceeds
   * `maxSubsetStates` (default 4096, i.e. k ≤ 12).
   */
  logProbUnordered(params: tf.Tensor2D, actions: tf.Tensor2D, maxSubsetStates = MAX_SUBSET_STATES): tf.Tensor1D {
    this.check(params, actions);
    const { n, k } = this;
    if (2 ** k > maxSubsetStates) {
      throw new RangeError(`PlackettLuceHead.logProbUnordered: 2^${k} subset states exceed maxSubsetStates = ${maxSubsetStates}`);
    }
    return tf.tidy(() => {
      const s = tf.cast(params, 'float32') as tf.Tensor2D;
      const oneHots = this.oneHots(actions); // k × [B, n] float32
      const picked = oneHots.map((oh) => tf.sum(tf.where(tf.cast(oh, 'bool'), s, tf.zerosLike(s)), 1));
      const full = (1 << k) - 1;
      // lseAfter[U] = logsumexp of s over the items not in U (U a set of chosen positions).
      const lseAfter: tf.Tensor[] = new Array(full);
      const logF: tf.Tensor[] = new Array(full + 1);
      const negInf = tf.fill(s.shape, -Infinity);
      for (let U = 0; U < full; U++) {
        let used: tf.Tensor | null = null;
        for (let x = 0; x < k; x++) if (U & (1 << x)) used = used === null ? oneHots[x] : tf.add(used, oneHots[x]);
        const masked = used === null ? s : tf.where(tf.greater(used, 0), negInf, s);
        lseAfter[U] = tf.logSumExp(masked, 1);
      }
      for (let T = 1; T <= full; T++) {
        const parts: tf.Tensor[] = [];
        for (let x = 0; x < k; x++) {
          if (!(T & (1 << x))) continue;
          const U = T & ~(1 << x);
          const step = tf.sub(picked[x], lseAfter[U]);
          parts.push(U === 0 ? step : tf.add(logF[U], step));
        }
        logF[T] = parts.length === 1 ? parts[0] : tf.logSumExp(tf.stack(parts), 0);
      }
      return tf.add(logF[full], this.validity(oneHots)) as tf.Tensor1D;
    });
  }

  /** The k highest logits in decreasing order (the most likely sequence), [B, k] int32. */
  mode(params: tf.Tensor2D): tf.Tensor2D {
    checkMatrix(params, this.n, 'params', 'PlackettLuceHead');
    return tf.tidy(() => tf.topk(params, this.k, true).indices as tf.Tensor2D);
  }

  /** The k indices of row `row` (in the order drawn; the env ignores the order). */
  toEnvAction(actions: ArrayLike<number>, row = 0): Int32Array {
    const out = new Int32Array(this.k);
    this.writeEnvAction(actions, row, out, 0);
    return out;
  }

  writeEnvAction(actions: ArrayLike<number>, row: number, out: Float32Array | Int32Array | Float64Array, offset: number): void {
    const base = row * this.k;
    if (!Number.isInteger(row) || row < 0 || base + this.k > actions.length) {
      throw new RangeError(`PlackettLuceHead: row ${row} is outside a buffer of ${actions.length / this.k} rows`);
    }
    for (let i = 0; i < this.k; i++) out[offset + i] = actions[base + i];
  }

  toJSON(): HeadSpec {
    return { kind: 'plackett-luce', n: this.n, k: this.k };
  }

  // -------------------------------------------------------------------------------------

  private check(params: tf.Tensor2D, actions: tf.Tensor2D): void {
    checkMatrix(params, this.n, 'params', 'PlackettLuceHead');
    checkMatrix(actions, this.k, 'actions', 'PlackettLuceHead');
    checkSameBatch(params, actions, 'actions', 'PlackettLuceHead');
  }

  /** One-hot rows [B, n] (float32) of each of the k action columns. */
  private oneHots(actions: tf.Tensor2D): tf.Tensor2D[] {
    const oh = tf.cast(tf.oneHot(asInt32(actions) as tf.Tensor2D, this.n), 'float32'); // [B, k, n]
    return tf.unstack(oh, 1) as tf.Tensor2D[];
  }

  /**
   * log of 1 when every row's indices are in range and distinct, of 0 (−∞) otherwise.
   * Constant in the logits.
   */
  private validity(oneHots: tf.Tensor2D[]): tf.Tensor1D {
    const counts = tf.addN(oneHots); // [B, n]: how often each item was chosen
    const inRange = tf.equal(tf.sum(counts, 1), this.k); // an out-of-range index has an all-zero one-hot
    const distinct = tf.lessEqual(tf.max(counts, 1), 1);
    return tf.log(tf.cast(tf.logicalAnd(inRange, distinct), 'float32')) as tf.Tensor1D;
  }

  /**
   * Per step i: the logits with the items chosen before i masked to −∞ (`masked`), their
   * logsumexp (`lse`), and the chosen item's logit (`picked`); plus the validity term.
   */
  private steps(params: tf.Tensor2D, actions: tf.Tensor2D): {
    each: { masked: tf.Tensor2D; lse: tf.Tensor1D; picked: tf.Tensor1D }[];
    validity: tf.Tensor1D;
  } {
    const s = tf.cast(params, 'float32') as tf.Tensor2D;
    const oneHots = this.oneHots(actions);
    const negInf = tf.fill(s.shape, -Infinity);
    const each: { masked: tf.Tensor2D; lse: tf.Tensor1D; picked: tf.Tensor1D }[] = [];
    let used: tf.Tensor | null = null;
    for (let i = 0; i < this.k; i++) {
      const oh = oneHots[i];
      const masked = (used === null ? s : tf.where(tf.greater(used, 0), negInf, s)) as tf.Tensor2D;
      const lse = tf.logSumExp(masked, 1) as tf.Tensor1D;
      const picked = tf.sum(tf.where(tf.cast(oh, 'bool'), s, tf.zerosLike(s)), 1) as tf.Tensor1D;
      each.push({ masked, lse, picked });
      used = used === null ? oh : tf.add(used, oh);
    }
    return { each, validity: this.validity(oneHots) };
  }
}

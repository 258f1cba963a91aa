/**
 * Scales rewards by a running standard deviation of discounted returns (Gymnasium's
 * NormalizeReward, which CleanRL's continuous PPO uses). Without it a side whose returns
 * are around −10 has value-loss gradients that dominate the global-norm clip and starve
 * the policy gradient. Merges each batch into running moments (Chan et al.'s parallel
 * variance); its state goes into checkpoints.
 */
export interface ReturnScalerState {
  count: number;
  mean: number;
  m2: number;
}

export class ReturnScaler {
  count = 0;
  mean = 0;
  m2 = 0;

  /**
   * Folds the discounted returns of `rewards` ([T, E] step-major, episodes ending where
   * done = 1) into the running moments, then divides `rewards` in place by the running std.
   */
  scale(rewards: Float64Array, done: Uint8Array, T: number, E: number, gamma: number): void {
    let n = 0;
    let mean = 0;
    let m2 = 0;
    for (let e = 0; e < E; e++) {
      let g = 0;
      for (let t = T - 1; t >= 0; t--) {
        const i = t * E + e;
        g = rewards[i] + (done[i] ? 0 : gamma * g);
        n++;
        const d = g - mean;
        mean += d / n;
        m2 += d * (g - mean);
      }
    }
    const total = this.count + n;
    const delta = mean - this.mean;
    this.m2 += m2 + (delta * delta * this.count * n) / total;
    this.mean += (delta * n) / total;
    this.count = total;
    const std = Math.sqrt(this.m2 / this.count + 1e-8);
    for (let i = 0; i < rewards.length; i++) rewards[i] /= std;
  }

  getState(): ReturnScalerState {
    return { count: this.count, mean: this.mean, m2: this.m2 };
  }

  setState(s: ReturnScalerState): void {
    this.count = s.count;
    this.mean = s.mean;
    this.m2 = s.m2;
  }
}

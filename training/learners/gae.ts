/**
 * Generalised advantage estimation (Schulman et al. 2016) over T steps of E trajectories
 * stored step-major ([T, E]): δ_t = r_t + γ V_{t+1} (1 − done_t) − V_t,
 * A_t = δ_t + γλ (1 − done_t) A_{t+1}, returns R_t = A_t + V_t. `done[t·E + e]` is 1 when
 * trajectory e's episode ended at step t (nothing is bootstrapped across it);
 * `lastValues[e]` is V of the observation after step T − 1 (ignored where it ended).
 */
export function gae(
  rewards: Float32Array | Float64Array,
  values: Float32Array,
  done: Uint8Array,
  lastValues: Float32Array,
  T: number,
  E: number,
  gamma: number,
  lambda: number,
  advantages: Float32Array,
  returns: Float32Array,
): void {
  for (let e = 0; e < E; e++) {
    let next = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = t * E + e;
      const notDone = done[i] ? 0 : 1;
      const nextValue = t === T - 1 ? lastValues[e] : values[i + E];
      const delta = rewards[i] + gamma * nextValue * notDone - values[i];
      next = delta + gamma * lambda * notDone * next;
      advantages[i] = next;
      returns[i] = next + values[i];
    }
  }
}

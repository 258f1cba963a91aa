export interface SoftmaxBestResponse {
  /** The best creation e* = g + κ q. */
  e: Float64Array;
  kappa: number;
  /** P(e* is selected) = exp(q·e*÷τ) ÷ (exp(q·e*÷τ) + Z). */
  p: number;
  /** p − λ‖e* − g‖². */
  utility: number;
}

/**
 * Best response of one goal to one softmax user with one slot (GAMES.md §1): maximise
 * f(e) = P(e ∈ S) − λ‖e − g‖² with P = exp(q·e/τ)/(exp(q·e/τ) + Z). Setting ∇f = 0 gives
 * e = g + κq with κ = p(1−p)/(2λτ): every stationary point lies on that ray, so we solve
 * the scalar equation κ = p(κ)(1−p(κ))/(2λτ) on [0, 1/(8λτ)] (p(1−p) ≤ 1/4), keep every
 * root (f need not be concave) and return the one with the highest f. The unit-ball
 * projection is ignored, as the spec says.
 */
export function softmaxBestResponse(g: ArrayLike<number>, q: ArrayLike<number>, Z: number, lambda: number, tau: number): SoftmaxBestResponse {
  if (!(lambda > 0) || !(tau > 0) || !(Z > 0)) throw new RangeError('softmaxBestResponse: λ, τ and Z must be > 0');
  if (g.length !== q.length) throw new RangeError('softmaxBestResponse: g and q must have the same length');
  let qg = 0;
  let qq = 0;
  for (let d = 0; d < g.length; d++) {
    qg += q[d] * g[d];
    qq += q[d] * q[d];
  }
  const logZ = Math.log(Z);
  const pOf = (kappa: number) => 1 / (1 + Math.exp(-((qg + kappa * qq) / tau - logZ)));
  const h = (kappa: number) => {
    const p = pOf(kappa);
    return kappa - (p * (1 - p)) / (2 * lambda * tau);
  };
  const f = (kappa: number) => pOf(kappa) - lambda * kappa * kappa * qq;

  const hi = 1 / (8 * lambda * tau);
  const steps = 4096;
  let best = 0;
  let bestF = -Infinity;
  let prevK = 0;
  let prevH = h(0);
  if (prevH === 0) {
    best = 0;
    bestF = f(0);
  }
  for (let s = 1; s <= steps; s++) {
    const k = (hi * s) / steps;
    const hk = h(k);
    if (hk === 0 || Math.sign(hk) !== Math.sign(prevH)) {
      let a = prevK;
      let b = k;
      for (let it = 0; it < 200 && b - a > 1e-16 * Math.max(1, b); it++) {
        const mid = 0.5 * (a + b);
        if (Math.sign(h(mid)) === Math.sign(h(a))) a = mid;
        else b = mid;
      }
      const root = 0.5 * (a + b);
      if (f(root) > bestF) {
        bestF = f(root);
        best = root;
      }
    }
    prevK = k;
    prevH = hk;
  }
  const e = new Float64Array(g.length);
  for (let d = 0; d < g.length; d++) e[d] = g[d] + best * q[d];
  return { e, kappa: best, p: pOf(best), utility: bestF };
}

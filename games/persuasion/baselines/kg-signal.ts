/**
 * The Kamenica–Gentzkow optimal signal of one sender facing one Bayesian receiver, for a binary
 * state y ∈ {0, 1} and any number of actions (Kamenica & Gentzkow 2011, "Bayesian Persuasion").
 *
 * With posterior q = P(y = 1), the receiver plays a best response a*(q), ties broken in the
 * sender's favour; the sender's value v(q) = E_q[U(a*(q), y)] is piecewise linear in q and
 * upper semicontinuous. The sender's optimum is the concave envelope of v at the prior μ,
 * reached by splitting μ into two posteriors q_L ≤ μ ≤ q_H. On each linear piece of v the
 * value of the chord at μ is monotone in either end, so both ends can be taken among the
 * breakpoints: 0, 1, μ and the points where the receiver is indifferent between two actions.
 *
 * In GAMES.md's example (U = (1−b)·1[a=y] + b·1[a=1], b > ½, μ < ½) this gives q_L = 0 and
 * q_H = ½: recommend 1 whenever y = 1 and with probability μ/(1−μ) when y = 0.
 */
export interface KgSignal {
  /** π(m | s), [s][m]: message 0 induces q_L, message 1 induces q_H; others are never sent. */
  readonly policy: number[][];
  /** The posteriors P(y = 1 | m) of messages 0 and 1. */
  readonly posteriors: readonly [number, number];
  /** The sender's expected utility under this signal (with the margin, slightly below the optimum). */
  readonly value: number;
}

const TIE = 1e-12;

/**
 * The optimal signal for prior [μ(0), μ(1)], sender utility U[a][y] and receiver utility u[a][y]
 * (both [action][state] with 2 states), over M ≥ 2 messages. `margin` > 0 moves each posterior
 * that sits on an indifference point that far into the region where the recommended action is
 * strictly optimal, so that a receiver who sees slightly perturbed probabilities (bounded
 * logits, float32 actions) still takes it, whatever its tie rule; 0 gives the exact optimum.
 */
export function kgSignal(prior: readonly number[], sender: readonly (readonly number[])[], receiver: readonly (readonly number[])[], M: number, margin = 0): KgSignal {
  if (prior.length !== 2) throw new RangeError(`kgSignal: needs a binary state, got ${prior.length} states`);
  if (!(M >= 2)) throw new RangeError(`kgSignal: needs at least 2 messages, got ${M}`);
  if (sender.length !== receiver.length || sender.length < 1) throw new RangeError('kgSignal: sender and receiver need tables over the same actions');
  const A = receiver.length;
  const mu = prior[1];
  const ru = (a: number, q: number) => (1 - q) * receiver[a][0] + q * receiver[a][1];
  const su = (a: number, q: number) => (1 - q) * sender[a][0] + q * sender[a][1];
  /** a*(q): the receiver's best response, the sender's favourite among ties (then the lowest index). */
  const response = (q: number) => {
    let best = -Infinity;
    for (let a = 0; a < A; a++) best = Math.max(best, ru(a, q));
    let chosen = -1;
    for (let a = 0; a < A; a++) if (ru(a, q) >= best - TIE && (chosen < 0 || su(a, q) > su(chosen, q) + TIE)) chosen = a;
    return chosen;
  };
  const v = (q: number) => su(response(q), q);

  const candidates = [0, 1, mu];
  for (let a = 0; a < A; a++) {
    for (let b = a + 1; b < A; b++) {
      const slope = receiver[a][1] - receiver[a][0] - (receiver[b][1] - receiver[b][0]);
      if (slope === 0) continue;
      const q = (receiver[b][0] - receiver[a][0]) / slope;
      if (q > 0 && q < 1) candidates.push(q);
    }
  }
  let qL = mu;
  let qH = mu;
  let best = v(mu);
  if (mu > 0 && mu < 1) {
    for (const lo of candidates) {
      if (lo >= mu) continue;
      for (const hi of candidates) {
        if (hi <= mu) continue;
        const value = ((hi - mu) * v(lo) + (mu - lo) * v(hi)) / (hi - lo);
        if (value > best + TIE) {
          best = value;
          qL = lo;
          qH = hi;
        }
      }
    }
  }
  const policy = Array.from({ length: 2 }, () => new Array<number>(M).fill(0));
  if (qL === qH) {
    // No information helps the sender: one message in every state.
    policy[0][0] = policy[1][0] = 1;
    return { policy, posteriors: [mu, mu], value: best };
  }
  if (margin > 0) {
    qL = intoRegion(qL, response(qL), receiver, margin, 0, mu);
    qH = intoRegion(qH, response(qH), receiver, margin, mu, 1);
  }
  const pH = (mu - qL) / (qH - qL);
  const high1 = (pH * qH) / mu; // π(1 | y = 1)
  const high0 = (pH * (1 - qH)) / (1 - mu); // π(1 | y = 0)
  policy[1][1] = Math.min(1, high1);
  policy[1][0] = 1 - policy[1][1];
  policy[0][1] = Math.min(1, high0);
  policy[0][0] = 1 - policy[0][1];
  const value = (1 - pH) * su(response(qL), qL) + pH * su(response(qH), qH);
  return { policy, posteriors: [qL, qH], value };
}

/**
 * q moved by up to `margin` away from the nearest boundary of the interval where action a is a
 * best response, when q lies within `margin` of it, staying inside [min, max]. Unchanged when
 * the interval is narrower than that.
 */
function intoRegion(q: number, a: number, u: readonly (readonly number[])[], margin: number, min: number, max: number): number {
  let lo = -Infinity;
  let hi = Infinity;
  for (let b = 0; b < u.length; b++) {
    if (b === a) continue;
    // u(a, q) − u(b, q) = d0 + q·(d1 − d0) ≥ 0
    const d0 = u[a][0] - u[b][0];
    const slope = u[a][1] - u[b][1] - d0;
    if (slope > 0) lo = Math.max(lo, -d0 / slope);
    else if (slope < 0) hi = Math.min(hi, -d0 / slope);
  }
  if (!(hi - lo > 2 * margin)) return q;
  let out = q;
  if (q - lo < margin) out = lo + margin;
  else if (hi - q < margin) out = hi - margin;
  return Math.min(max, Math.max(min, out));
}

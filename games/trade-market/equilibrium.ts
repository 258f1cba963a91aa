/**
 * The closed forms of GAMES.md §3 and the tâtonnement process, outside any env.
 *
 * Both markets have the same equilibrium shape with a weight w_ig per consumer and good:
 * w = λ in the quasi-linear market, w_ig = a_ig·B_i in the Fisher market. Then
 *   p*_g = Σ_i w_ig / Q_g,  x*_ig = w_ig / p*_g = Q_g w_ig / Σ_k w_kg,
 * which maximises Σ_i Σ_g w_ig log x_ig subject to Σ_i x_ig ≤ Q_g (with w = a·B that is
 * the Eisenberg–Gale program Σ_i B_i log u_i, u_i the Cobb–Douglas utility).
 */

/** ε₀ in log(x + ε₀): keeps a zero quantity's utility finite (−13.8 instead of −∞). */
export const EPSILON0 = 1e-6;

/** n rows (consumers) of G numbers (goods). */
export type Matrix = readonly ArrayLike<number>[];

export interface Equilibrium {
  /** p*_g for every good. */
  prices: number[];
  /** x*_ig: prices·allocation[i] is what consumer i spends. */
  allocation: number[][];
}

/** p*_g = Σ_i λ_ig / Q_g, x*_ig = Q_g λ_ig / Σ_k λ_kg (λ > 0, Q > 0). */
export function competitiveEquilibrium(weights: Matrix, supplies: ArrayLike<number>): Equilibrium {
  const G = checkMatrix('competitiveEquilibrium', 'weights', weights, 'positive');
  checkVector('competitiveEquilibrium', 'supplies', supplies, G);
  return fromWeights(weights.map((row) => Array.from(row)), supplies);
}

/** The Eisenberg–Gale solution: p_g = Σ_i a_ig B_i / Q_g, x_ig = a_ig B_i / p_g (a > 0, rows of a sum to 1). */
export function fisherEquilibrium(exponents: Matrix, budgets: ArrayLike<number>, supplies: ArrayLike<number>): Equilibrium {
  const G = checkMatrix('fisherEquilibrium', 'exponents', exponents, 'simplex');
  checkVector('fisherEquilibrium', 'budgets', budgets, exponents.length);
  checkVector('fisherEquilibrium', 'supplies', supplies, G);
  return fromWeights(
    exponents.map((row, i) => Array.from(row, (a) => a * budgets[i])),
    supplies,
  );
}

function fromWeights(w: number[][], supplies: ArrayLike<number>): Equilibrium {
  const n = w.length;
  const G = supplies.length;
  const flat = new Float64Array(n * G);
  w.forEach((row, i) => flat.set(row, i * G));
  const p = new Float64Array(G);
  const x = new Float64Array(n * G);
  equilibriumInto(flat, 0, supplies, 0, n, G, p, 0, x, 0);
  return { prices: Array.from(p), allocation: Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * G, (i + 1) * G))) };
}

/**
 * The flat, allocation-free form the kernel uses: weights w [n, G] at wOff, supplies at
 * qOff; writes p* [G] at pOff and x* [n, G] at xOff.
 */
export function equilibriumInto(
  w: ArrayLike<number>,
  wOff: number,
  supplies: ArrayLike<number>,
  qOff: number,
  n: number,
  G: number,
  pOut: Float64Array,
  pOff: number,
  xOut: Float64Array,
  xOff: number,
): void {
  for (let g = 0; g < G; g++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += w[wOff + i * G + g];
    const q = supplies[qOff + g];
    pOut[pOff + g] = sum / q;
    for (let i = 0; i < n; i++) xOut[xOff + i * G + g] = (q * w[wOff + i * G + g]) / sum;
  }
}

/** Σ_i Σ_g w_ig log(x_ig + ε₀): with w = λ the welfare the competitive equilibrium maximises. */
export function welfare(weights: Matrix, allocation: Matrix): number {
  let s = 0;
  weights.forEach((row, i) => {
    for (let g = 0; g < row.length; g++) s += row[g] * Math.log(allocation[i][g] + EPSILON0);
  });
  return s;
}

/** Σ_i B_i Σ_g a_ig log(x_ig + ε₀) = Σ_i B_i log u_i: the Eisenberg–Gale objective. */
export function eisenbergGale(exponents: Matrix, budgets: ArrayLike<number>, allocation: Matrix): number {
  return welfare(
    exponents.map((row, i) => Array.from(row, (a) => a * budgets[i])),
    allocation,
  );
}

/**
 * A quasi-linear consumer's demand at prices p: argmax_x λ log x − p x = λ / p per good,
 * clipped to [0, maxQuantity] (a zero price gives maxQuantity).
 */
export function demandCurve(weights: ArrayLike<number>, prices: ArrayLike<number>, maxQuantity = Infinity): number[] {
  return Array.from(weights, (l, g) => Math.min(maxQuantity, l / prices[g]));
}

/** A Fisher consumer's demand: x_g = a_g B / p_g (spends exactly B), clipped to [0, maxQuantity]. */
export function fisherDemand(exponents: ArrayLike<number>, budget: number, prices: ArrayLike<number>, maxQuantity = Infinity): number[] {
  return Array.from(exponents, (a, g) => Math.min(maxQuantity, (a * budget) / prices[g]));
}

/** z(p) = Σ_i x_i(p) − Q for demand-curve consumers with weights w (λ, or a·B). */
export function excessDemandOf(weights: Matrix, supplies: ArrayLike<number>, maxQuantity = Infinity): (prices: Float64Array, out: Float64Array) => void {
  const G = checkMatrix('excessDemandOf', 'weights', weights, 'positive');
  checkVector('excessDemandOf', 'supplies', supplies, G);
  return (p, out) => {
    for (let g = 0; g < G; g++) {
      let d = 0;
      for (const row of weights) d += Math.min(maxQuantity, row[g] / p[g]);
      out[g] = d - supplies[g];
    }
  };
}

export interface TatonnementOptions {
  /** A fixed step η > 0: p ← p + η z. Give this or `scale`. */
  eta?: number;
  /** The scaled step c ∈ (0, 1] of scaledTatonnementPrice (η_g = c·p_g/Q_g); needs `supplies`. */
  scale?: number;
  /** Q, one number per good (with `scale`). */
  supplies?: ArrayLike<number>;
  /** Prices are projected onto [0, maxPrice] after every step (default Infinity). */
  maxPrice?: number;
  /** Stop when no price moves by more than this in a step (default 1e-10). */
  tolerance?: number;
  /** Give up after this many steps (default 10 000). */
  maxIterations?: number;
}

export interface TatonnementResult {
  prices: number[];
  iterations: number;
  converged: boolean;
  /** z at the final prices. */
  excessDemand: number[];
}

/** The tâtonnement baseline's step factor c (scaledTatonnementPrice). */
export const TATONNEMENT_SCALE = 0.5;

/**
 * One tâtonnement step for one good with the step scaled per good, η_g = c·p_g/Q_g:
 *   p ← clip(p + c·(max(p, p₀)/Q)·z, 0, P̄),  p₀ = P̄·10⁻³ (so that a zero price does not stick).
 * Why this rule converges in every economy the env draws: demand-curve consumers demand
 * D(p) = S/p (S = Σ_i λ_ig, or Σ_i a_ig·B_i with fisher) and p* = S/Q, so the step is
 * p' = (1 − c)·p + c·p*: a contraction toward p* by the factor 1 − c whatever S and Q are. A
 * fixed η gives p' − p* ≈ (1 − η·Q²/S)(p − p*) near p* and overshoots from low prices: no one η
 * is safe when Q and λ are drawn per episode (GAMES.md measured 49% and 278% off p* at η = 0.1
 * with 8 consumers). Where demand is capped at X̄ (low prices) it is below S/p, so from p ≥ p₀
 * the price rises toward p* by at most the uncapped step and does not pass it; the clip to [0, P̄] only moves it
 * closer (P̄ ≥ p* by the options' check). Under simultaneous timing the demand answers the price
 * before last, and the linearised error follows δ_{t+1} = δ_t − c·δ_{t−1}, which converges for
 * c < 1 (complex roots of modulus √c when c > 1/4).
 */
export function scaledTatonnementPrice(price: number, excessDemand: number, supply: number, scale: number, maxPrice: number): number {
  const step = (scale * Math.max(price, maxPrice * 1e-3)) / supply;
  const next = price + step * excessDemand;
  return next < 0 ? 0 : next > maxPrice ? maxPrice : next;
}

/**
 * Walras's tâtonnement until the prices stop moving: p ← clip(p + η z(p), 0, maxPrice) with a
 * fixed η, or with `scale` and `supplies` the scaled step of scaledTatonnementPrice.
 */
export function tatonnement(
  excessDemand: (prices: Float64Array, out: Float64Array) => void,
  initialPrices: ArrayLike<number>,
  options: TatonnementOptions,
): TatonnementResult {
  const { eta, scale, supplies, maxPrice = Infinity, tolerance = 1e-10, maxIterations = 10_000 } = options;
  const G = initialPrices.length;
  if ((eta === undefined) === (scale === undefined)) throw new RangeError('tatonnement: give eta (a fixed step) or scale (the step scaled per good), not both and not neither');
  if (eta !== undefined && !(eta > 0 && Number.isFinite(eta))) throw new RangeError(`tatonnement: eta must be a finite number > 0, got ${eta}`);
  if (scale !== undefined) {
    if (!(scale > 0 && scale <= 1)) throw new RangeError(`tatonnement: scale must be a number in (0, 1], got ${scale}`);
    if (!Number.isFinite(maxPrice)) throw new RangeError('tatonnement: the scaled step needs a finite maxPrice (its price floor is maxPrice·1e-3)');
    checkVector('tatonnement', 'supplies', supplies as ArrayLike<number>, G);
  }
  if (!(maxPrice > 0)) throw new RangeError(`tatonnement: maxPrice must be > 0, got ${maxPrice}`);
  if (!(tolerance >= 0)) throw new RangeError(`tatonnement: tolerance must be ≥ 0, got ${tolerance}`);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 0)) throw new RangeError(`tatonnement: maxIterations must be an integer ≥ 0, got ${maxIterations}`);
  const p = Float64Array.from(initialPrices);
  for (let g = 0; g < G; g++) {
    if (!(p[g] >= 0 && p[g] <= maxPrice)) throw new RangeError(`tatonnement: initialPrices[${g}] = ${p[g]} is outside [0, ${maxPrice}]`);
  }
  const z = new Float64Array(G);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    excessDemand(p, z);
    let moved = 0;
    for (let g = 0; g < G; g++) {
      const next = scale !== undefined ? scaledTatonnementPrice(p[g], z[g], supplies![g], scale, maxPrice) : Math.min(maxPrice, Math.max(0, p[g] + eta! * z[g]));
      moved = Math.max(moved, Math.abs(next - p[g]));
      p[g] = next;
    }
    iterations++;
    if (moved <= tolerance) {
      converged = true;
      break;
    }
  }
  excessDemand(p, z);
  return { prices: Array.from(p), iterations, converged, excessDemand: Array.from(z) };
}

function checkMatrix(fn: string, name: string, m: Matrix, kind: 'positive' | 'simplex'): number {
  if (!Array.isArray(m) || m.length === 0) throw new RangeError(`${fn}: ${name} must be a non-empty array of rows (one per consumer)`);
  const G = m[0]?.length;
  if (!(G >= 1)) throw new RangeError(`${fn}: ${name}[0] must be a non-empty row (one number per good)`);
  m.forEach((row, i) => {
    if (row?.length !== G) throw new RangeError(`${fn}: ${name}[${i}] has ${row?.length} numbers, expected ${G} (one per good)`);
    let sum = 0;
    for (let g = 0; g < G; g++) {
      const v = row[g];
      if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${fn}: ${name}[${i}][${g}] = ${v} must be a finite number > 0`);
      sum += v;
    }
    if (kind === 'simplex' && Math.abs(sum - 1) > 1e-9) throw new RangeError(`${fn}: ${name}[${i}] sums to ${sum}, must sum to 1`);
  });
  return G;
}

function checkVector(fn: string, name: string, v: ArrayLike<number>, length: number): void {
  if (v?.length !== length) throw new RangeError(`${fn}: ${name} must have ${length} numbers, got ${v?.length}`);
  for (let i = 0; i < length; i++) if (!(Number.isFinite(v[i]) && v[i] > 0)) throw new RangeError(`${fn}: ${name}[${i}] = ${v[i]} must be a finite number > 0`);
}

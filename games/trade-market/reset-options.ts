import { OptionError } from '../../envs/core/errors.js';
import { TRADE_MARKET_ID, type TradeMarketOptions } from './options.js';

/**
 * Per-episode options of trade-market-v0: fix the economy instead of drawing it. What is
 * not given is drawn from the seed as usual. The env does not require p* ≤ maxPrice here:
 * with a fixed economy whose p* lies outside [0, P̄] the game still runs and the metrics
 * measure the distance to that p*.
 */
export interface TradeMarketResetOptions {
  /** λ: `consumers` rows of `goods` numbers > 0 (not with fisher). */
  weights?: ArrayLike<number>[];
  /** Fisher only: a, `consumers` rows of `goods` numbers > 0, each row summing to 1 (±1e-6; renormalised). */
  exponents?: ArrayLike<number>[];
  /** Fisher only: B, `consumers` numbers > 0. */
  budgets?: ArrayLike<number>;
  /** Q: `goods` numbers > 0 (totals, not per consumer). */
  supplies?: ArrayLike<number>;
  /** The price shown as last round's before round 1: `goods` numbers in [0, maxPrice]. */
  initialPrices?: ArrayLike<number>;
}

export interface ParsedResetOptions {
  weights?: Float64Array; // [n*G]
  exponents?: Float64Array; // [n*G], rows sum to 1
  budgets?: Float64Array; // [n]
  supplies?: Float64Array; // [G]
  initialPrices?: Float64Array; // [G]
}

/** The keys of TradeMarketResetOptions. */
export const RESET_OPTION_KEYS = ['weights', 'exponents', 'budgets', 'supplies', 'initialPrices'] as const;

export function parseResetOptions(o: TradeMarketOptions, input: unknown): ParsedResetOptions {
  const owner = `${TRADE_MARKET_ID} reset`;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new OptionError(owner, '(options)', input, 'reset options must be an object');
  const out: ParsedResetOptions = {};
  const { consumers: n, goods: G } = o;
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (value === undefined) continue;
    switch (key) {
      case 'weights':
        if (o.fisher) throw new OptionError(owner, key, value, 'with fisher the consumers have exponents and budgets, not weights; use those');
        out.weights = rows(owner, key, value, n, G, 'positive');
        break;
      case 'exponents':
        if (!o.fisher) throw new OptionError(owner, key, value, 'only with fisher: true (without it the consumers have weights λ)');
        out.exponents = rows(owner, key, value, n, G, 'simplex');
        break;
      case 'budgets':
        if (!o.fisher) throw new OptionError(owner, key, value, 'only with fisher: true (without it there are no budgets)');
        out.budgets = vector(owner, key, value, n, 0, Infinity, false);
        break;
      case 'supplies':
        out.supplies = vector(owner, key, value, G, 0, Infinity, false);
        break;
      case 'initialPrices':
        out.initialPrices = vector(owner, key, value, G, 0, o.maxPrice, true);
        break;
      default:
        throw new OptionError(owner, key, value, `unknown reset option; the reset options are ${RESET_OPTION_KEYS.join(', ')}`);
    }
  }
  return out;
}

function rows(owner: string, key: string, value: unknown, n: number, G: number, kind: 'positive' | 'simplex'): Float64Array {
  const allowed = `must be ${n} rows (one per consumer) of ${G} finite numbers > 0 (one per good)${kind === 'simplex' ? ', each row summing to 1' : ''}`;
  if (!Array.isArray(value) || value.length !== n) throw new OptionError(owner, key, value, allowed);
  const out = new Float64Array(n * G);
  value.forEach((row: unknown, i) => {
    const r = row as ArrayLike<number>;
    if (r === null || typeof r !== 'object' || r.length !== G) throw new OptionError(owner, `${key}[${i}]`, row, allowed);
    let sum = 0;
    for (let g = 0; g < G; g++) {
      const v = r[g];
      if (typeof v !== 'number' || !(Number.isFinite(v) && v > 0)) throw new OptionError(owner, `${key}[${i}][${g}]`, v, allowed);
      sum += v;
    }
    if (kind === 'simplex' && Math.abs(sum - 1) > 1e-6) throw new OptionError(owner, `${key}[${i}]`, row, `${allowed} (this row sums to ${sum})`);
    const scale = kind === 'simplex' ? 1 / sum : 1;
    for (let g = 0; g < G; g++) out[i * G + g] = r[g] * scale;
  });
  return out;
}

function vector(owner: string, key: string, value: unknown, length: number, min: number, max: number, minInclusive: boolean): Float64Array {
  const range = `${minInclusive ? '[' : '('}${min}, ${max}${Number.isFinite(max) ? ']' : ')'}`;
  const allowed = `must be ${length} finite numbers in ${range}`;
  const v = value as ArrayLike<number>;
  if (v === null || typeof v !== 'object' || v.length !== length) throw new OptionError(owner, key, value, allowed);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const x = v[i];
    const ok = typeof x === 'number' && Number.isFinite(x) && (minInclusive ? x >= min : x > min) && x <= max;
    if (!ok) throw new OptionError(owner, `${key}[${i}]`, x, allowed);
    out[i] = x;
  }
  return out;
}

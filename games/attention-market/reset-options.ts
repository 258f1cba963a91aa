import { OptionError } from '../../envs/core/errors.js';
import { describeKind, isPlainObject } from '../../envs/core/options.js';
import type { AttentionMarketOptions } from './options.js';
import { ATTENTION_MARKET_ID } from './options.js';

/**
 * Per-episode options of attention-market-v0: fix the hidden state instead of drawing it.
 * Each vector is normalised to unit length (the spec draws both on the unit sphere).
 */
export interface AttentionMarketResetOptions {
  /** θ_j for every user: `users` vectors of `dim` numbers. */
  preferences?: ArrayLike<number>[];
  /** g_k for every goal: `goals` vectors of `dim` numbers. */
  grounded?: ArrayLike<number>[];
  /**
   * With tasteClusters K ≥ 1: the K centres c_1..c_K (`dim` numbers each) around which the
   * users' tastes are drawn, instead of drawing the centres (not with `preferences`).
   */
  tasteCentres?: ArrayLike<number>[];
}

/** The keys of AttentionMarketResetOptions. */
export const RESET_OPTION_KEYS = ['preferences', 'grounded', 'tasteCentres'] as const;

export interface ParsedResetOptions {
  preferences?: Float64Array; // [U*D], unit rows
  grounded?: Float64Array; // [G*D], unit rows
  tasteCentres?: Float64Array; // [K*D], unit rows
}


export function parseResetOptions(o: AttentionMarketOptions, input: unknown): ParsedResetOptions {
  const owner = `${ATTENTION_MARKET_ID} reset`;
  if (!isPlainObject(input)) throw new OptionError(owner, '(options)', input, `reset options must be a plain object { preferences?, grounded? }, got ${describeKind(input)}`);
  const out: ParsedResetOptions = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (key === 'preferences') out.preferences = unitRows(owner, key, value, o.users, o.dim);
    else if (key === 'grounded') out.grounded = unitRows(owner, key, value, o.goals, o.dim);
    else if (key === 'tasteCentres') {
      if (o.tasteClusters === 0) throw new OptionError(owner, key, value, 'only with tasteClusters ≥ 1 (with tasteClusters = 0 tastes have no centres)');
      out.tasteCentres = unitRows(owner, key, value, o.tasteClusters, o.dim);
    } else throw new OptionError(owner, key, value, `unknown reset option; the reset options are ${RESET_OPTION_KEYS.join(', ')}`);
  }
  if (out.preferences && out.tasteCentres) {
    throw new OptionError(owner, 'tasteCentres', (input as Record<string, unknown>).tasteCentres, 'give either preferences (the tastes themselves) or tasteCentres (the centres they are drawn around), not both');
  }
  return out;
}

function unitRows(owner: string, key: string, value: unknown, rows: number, dim: number): Float64Array {
  const allowed = `must be ${rows} vectors of ${dim} finite numbers, none all zero`;
  if (!Array.isArray(value) || value.length !== rows) throw new OptionError(owner, key, value, allowed);
  const out = new Float64Array(rows * dim);
  value.forEach((row: unknown, i) => {
    const r = row as ArrayLike<number>;
    if (r === null || typeof r !== 'object' || r.length !== dim) throw new OptionError(owner, `${key}[${i}]`, row, allowed);
    // Read each entry once, then scale by the largest before squaring: entries near 1e308
    // (or 1e-200) would overflow (underflow) the squares and turn the norm into ∞ (0).
    let max = 0;
    for (let d = 0; d < dim; d++) {
      const v = r[d];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new OptionError(owner, `${key}[${i}][${d}]`, v, allowed);
      out[i * dim + d] = v;
      max = Math.max(max, Math.abs(v));
    }
    if (max === 0) throw new OptionError(owner, `${key}[${i}]`, row, allowed);
    let n2 = 0;
    for (let d = 0; d < dim; d++) n2 += (out[i * dim + d] / max) ** 2;
    const norm = Math.sqrt(n2);
    for (let d = 0; d < dim; d++) out[i * dim + d] = out[i * dim + d] / max / norm;
  });
  return out;
}

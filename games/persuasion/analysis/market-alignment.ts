import type { PersuasionInstance } from '../instance.js';
import { solveLp, type LinearConstraint, type Term } from '../../../training/lp/highs.js';

/**
 * Market alignment (GAMES.md §2, the convex-hull condition): how far user type θ's utility is
 * from the providers' convex hull, up to a constant,
 *   ε*_θ = min_{w ∈ Δ(k), c ∈ R} max_{a,y} |Σ_i w_i U_i(a,y) + c − u_θ(a,y)|,
 * solved exactly as the LP: minimise t subject to −t ≤ Σ_i w_i U_i(a,y) + c − u_θ(a,y) ≤ t.
 */
export interface MarketAlignmentOptions {
  /**
   * true: weights may differ per type ("weak market alignment"), one LP per type.
   * false: one w for all types (a constant c_θ per type), minimising the largest residual.
   */
  readonly personalized: boolean;
  /** Indices of the providers whose hull is used (default all); for nested-hull comparisons. */
  readonly providers?: readonly number[];
}

export interface TypeAlignment {
  readonly type: string;
  /** ε*_θ: the largest residual max_{a,y} |Σ_i w_i U_i(a,y) + c − u_θ(a,y)| at this type's w and c. */
  readonly epsilon: number;
  /** w over the chosen providers (same order as `providers` of the result); shared by all types when anonymous. */
  readonly weights: number[];
  readonly constant: number;
}

export interface MarketAlignment {
  readonly personalized: boolean;
  /** The provider indices the hull was taken over. */
  readonly providers: number[];
  readonly types: TypeAlignment[];
  /** max_θ ε*_θ: the market's worst-aligned type. */
  readonly epsilon: number;
}

/**
 * ε*_θ per user type. Anonymous: the LP minimises the largest residual over all types with a
 * shared w; each type then reports its residual at that w with its own best constant
 * c_θ = −(max r + min r)/2 of the residual r = Σ_i w_i U_i − u_θ (so a type's ε can be below
 * the market's, never above).
 */
export async function marketAlignment(instance: PersuasionInstance, options: MarketAlignmentOptions): Promise<MarketAlignment> {
  if (typeof options?.personalized !== 'boolean') throw new RangeError('marketAlignment: options.personalized must be true or false');
  const providers = chosenProviders(instance, options.providers);
  const typeIndices = instance.userTypes.map((_, th) => th);
  const groups = options.personalized ? typeIndices.map((th) => [th]) : [typeIndices];
  const types: TypeAlignment[] = [];
  for (const group of groups) {
    const w = await minimaxWeights(instance, providers, group);
    for (const th of group) types.push({ type: instance.userTypes[th].name, ...residual(instance, providers, w, th) });
  }
  return { personalized: options.personalized, providers, types, epsilon: Math.max(...types.map((t) => t.epsilon)) };
}

function chosenProviders(instance: PersuasionInstance, chosen: readonly number[] | undefined): number[] {
  const k = instance.providers.length;
  if (chosen === undefined) return instance.providers.map((_, i) => i);
  if (!Array.isArray(chosen) || chosen.length === 0) throw new RangeError(`marketAlignment: options.providers must be a non-empty array of provider indices in [0, ${k - 1}]`);
  for (const i of chosen) if (!Number.isInteger(i) || i < 0 || i >= k) throw new RangeError(`marketAlignment: provider index ${String(i)} is not an integer in [0, ${k - 1}]`);
  if (new Set(chosen).size !== chosen.length) throw new RangeError('marketAlignment: options.providers repeats an index');
  return [...chosen];
}

/** The LP's w for the types of `group`: variables w (|providers|), c_θ per type, t. */
async function minimaxWeights(instance: PersuasionInstance, providers: number[], group: number[]): Promise<number[]> {
  const n = providers.length;
  const cOf = (g: number) => n + g;
  const t = n + group.length;
  const constraints: LinearConstraint[] = [{ terms: providers.map((_, j) => [j, 1] as Term), op: '=', rhs: 1 }];
  group.forEach((th, g) => {
    const u = instance.userTypes[th].utility;
    u.forEach((row, a) =>
      row.forEach((target, y) => {
        const fit: Term[] = [...providers.map((i, j) => [j, instance.providers[i].utility[a][y]] as Term), [cOf(g), 1]];
        constraints.push({ terms: [...fit, [t, -1]], op: '<=', rhs: target });
        constraints.push({ terms: [...fit, [t, 1]], op: '>=', rhs: target });
      }),
    );
  });
  const solution = await solveLp(
    {
      sense: 'minimize',
      variables: [...providers.map(() => ({ lower: 0 })), ...group.map(() => ({ lower: -Infinity })), { lower: 0 }],
      objective: [[t, 1]],
      constraints,
    },
    'marketAlignment',
  );
  // Clean the solver's round-off so that w is exactly a distribution.
  const w = solution.values.slice(0, n).map((x) => Math.max(0, x));
  const sum = w.reduce((s, x) => s + x, 0);
  return w.map((x) => x / sum);
}

/** Type θ's residual at weights w, with its best constant. */
function residual(instance: PersuasionInstance, providers: number[], w: number[], th: number): { epsilon: number; weights: number[]; constant: number } {
  let lo = Infinity;
  let hi = -Infinity;
  instance.userTypes[th].utility.forEach((row, a) =>
    row.forEach((target, y) => {
      const r = providers.reduce((s, i, j) => s + w[j] * instance.providers[i].utility[a][y], 0) - target;
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
    }),
  );
  return { epsilon: (hi - lo) / 2, weights: w, constant: -(hi + lo) / 2 + 0 }; // + 0: no "-0" in reports
}

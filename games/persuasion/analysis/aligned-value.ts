import type { PersuasionInstance } from '../instance.js';

/**
 * V*_θ = E_y[max_a u_θ(a, y)]: what type θ gets from a perfectly aligned provider that reveals
 * y (GAMES.md §2, the benchmark of the user's gap). One number per user type, in order.
 */
export function alignedValue(instance: PersuasionInstance): number[] {
  return instance.userTypes.map((t) =>
    instance.prior.reduce((sum, mu, y) => sum + mu * Math.max(...t.utility.map((row) => row[y])), 0),
  );
}

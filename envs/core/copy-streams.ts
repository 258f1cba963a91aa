import { Rng } from './rng.js';

/**
 * The random streams of every copy of a kernel (e.g. world and feedback), named by the game.
 * Stream i of every copy has stream id i, and all generators keep their words in one state
 * array laid out [B, streams, 4], which a kernel lists in `stateArrays()` so that snapshots
 * hold them. Reordering the names therefore changes every trajectory.
 */
export class CopyStreams<Name extends string> {
  /** Every generator's four state words: [B, streams, 4]. */
  readonly state: Int32Array;
  /** Copy b's generator of each stream: `rng.world[b]`. */
  readonly rng: { readonly [S in Name]: readonly Rng[] };
  private readonly all: readonly (readonly Rng[])[]; // rng's arrays, by stream id

  /** Every stream starts seeded with seed 0, as before any seeded reset. */
  constructor(
    readonly batch: number,
    readonly names: readonly Name[],
  ) {
    if (new Set(names).size !== names.length) throw new RangeError(`CopyStreams: stream names must differ, got ${names.join(', ')}`);
    const S = names.length;
    const state = (this.state = new Int32Array(batch * S * 4));
    this.all = names.map((_, s) => Array.from({ length: batch }, (_, b) => new Rng(0, s, state, (b * S + s) * 4)));
    const rng = {} as Record<Name, readonly Rng[]>;
    names.forEach((name, s) => (rng[name] = this.all[s]));
    this.rng = Object.freeze(rng);
  }

  /** Reseeds every stream of copy b from `seed` (stream i from (seed, i)). */
  reseed(b: number, seed: number): void {
    for (let s = 0; s < this.all.length; s++) this.all[s][b].seed(seed, s);
  }
}

/**
 * The two players of a population's meta-game: the row player and the column player. Each
 * stands for one side of the game (a role of the env, named by the env: the attention
 * market's 'user' and 'goal', the trade market's 'price-setter' and 'consumer'). Two players
 * only: the meta-solvers (LP, regret matching, NashConv) are the two-player ones.
 */
export type Slot = 'row' | 'col';

export const SLOTS: readonly Slot[] = ['row', 'col'];

/** The other player of the meta-game. */
export function otherSlot(slot: Slot): Slot {
  return slot === 'row' ? 'col' : 'row';
}

/** JSON-serialisable facts about a snapshot (training step, label, …). */
export type SnapshotInfo = Readonly<Record<string, string | number | boolean | null>>;

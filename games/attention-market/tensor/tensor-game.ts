import type * as tf from '@tensorflow/tfjs';
import type { RoundOutcome, TensorGame } from '../../../training/device/tensor-game.js';
import { GOAL, USER } from '../kernel.js';
import type { AttentionMarketOptions } from '../options.js';
import { TensorAttentionMarket } from './tensor-market.js';

/**
 * TensorAttentionMarket as a TensorGame (what device rollouts play): a round is the goal
 * phase (stepGoals) then the user phase (stepUsers), the kernel's phaseRoles.
 */
export class AttentionMarketTensorGame implements TensorGame {
  readonly phaseRoles = [GOAL, USER] as const;
  private userPhase = false;

  constructor(readonly market: TensorAttentionMarket) {}

  get batch(): number {
    return this.market.batch;
  }

  get roles(): TensorAttentionMarket['roles'] {
    return this.market.roles;
  }

  get round(): number {
    return this.market.round;
  }

  get done(): boolean {
    return this.market.done;
  }

  reset(seed?: number): void {
    this.market.reset(seed);
    this.userPhase = false;
  }

  observations(): tf.Tensor2D {
    return this.userPhase ? this.market.userObservations() : this.market.goalObservations();
  }

  step(actions: tf.Tensor2D): RoundOutcome | null {
    if (!this.userPhase) {
      this.market.stepGoals(actions);
      this.userPhase = true;
      return null;
    }
    const out = this.market.stepUsers(actions);
    this.userPhase = false;
    const rewards: tf.Tensor1D[] = [];
    rewards[GOAL] = out.goalReward;
    rewards[USER] = out.userReward;
    return { rewards, metrics: out.metrics };
  }

  dispose(): void {
    this.market.dispose();
  }
}

/** attention-market-v0's tensor form (`GameTraining.tensor`). */
export function attentionMarketTensor(options: AttentionMarketOptions, batch: number): TensorGame {
  return new AttentionMarketTensorGame(new TensorAttentionMarket(options, batch));
}

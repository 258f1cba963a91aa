export {
  TensorAttentionMarket,
  type TensorAttentionMarketOpts,
  type TensorMarketHiddenState,
  type UserPhaseResult,
  type RoundMetricName,
} from './tensor-market.js';
export { ridgeUpdate } from './ridge.js';
export { clusteredTastes, drawClusteredTastes, drawUnitRows, fitUnitBall } from './hidden-state.js';
export { flatRows } from './flat-layout.js';
export { repeatTo, outerProductSum } from './tuned-ops.js';
export { AttentionMarketTensorGame, attentionMarketTensor } from './tensor-game.js';

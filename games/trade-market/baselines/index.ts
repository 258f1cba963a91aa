export { DemandCurveConsumer } from './demand-curve-consumer.js';
export { TatonnementPriceSetter, type TatonnementPriceSetterOptions } from './tatonnement-price-setter.js';
export { FixedPriceSetter, type FixedPriceSetterOptions } from './fixed-price-setter.js';
export { OraclePriceSetter } from './oracle-price-setter.js';
export { consumerLayout, priceSetterLayout, type ConsumerLayout, type PriceSetterLayout } from './layout.js';

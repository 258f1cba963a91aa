import { DemandCurveConsumer, TatonnementPriceSetter } from '../baselines/index.js';
import type { Policy } from '../../../agents/policy/policy.js';
import { compare, type Comparison } from '../../../training/evaluation/paired.js';
import { AgentActor, PolicyActor, type RoleActor } from '../../../training/self-play/actors.js';
import { worldMetrics, type WorldsOptions } from '../../../training/results/measure/worlds.js';

const ID = 'trade-market-v0';

/** A learned side against the baseline on the same worlds: its error averaged over the episode's rounds and at the last round, mode and sampled (lower is better). */
export interface TradeMeasure {
  baseline: string;
  mode: { mean: Comparison; last: Comparison };
  sampled: { mean: Comparison; last: Comparison };
}

function measure(metric: string, learned: (deterministic: boolean) => RoleActor[], baseline: RoleActor[], envOptions: unknown, w: WorldsOptions): TradeMeasure {
  const base = worldMetrics(ID, envOptions, baseline, w);
  const side = (deterministic: boolean) => {
    const m = worldMetrics(ID, envOptions, learned(deterministic), w);
    return { mean: compare(m[metric], base[metric], false), last: compare(m[`last:${metric}`], base[`last:${metric}`], false) };
  };
  return { baseline: baseline.map((a) => a.name).join(' + '), mode: side(true), sampled: side(false) };
}

/** Row 9: a learned price-setter against demand-curve consumers, vs the tâtonnement price-setter, by the relative price error |p − p*|/p*. */
export function measurePriceSetter(policy: Policy, envOptions: unknown, w: WorldsOptions): TradeMeasure {
  const consumer = () => new AgentActor(new DemandCurveConsumer());
  return measure('priceError', (deterministic) => [new PolicyActor(policy, { deterministic }), consumer()], [new AgentActor(new TatonnementPriceSetter()), consumer()], envOptions, w);
}

/** Row 10: learned consumers facing the tâtonnement price-setter, vs demand-curve consumers, by Σ|x − x*| / ΣQ. */
export function measureConsumers(policy: Policy, envOptions: unknown, w: WorldsOptions): TradeMeasure {
  const setter = () => new AgentActor(new TatonnementPriceSetter());
  return measure('allocationError', (deterministic) => [setter(), new PolicyActor(policy, { deterministic })], [setter(), new AgentActor(new DemandCurveConsumer())], envOptions, w);
}

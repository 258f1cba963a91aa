import { DemandCurveConsumer, TatonnementPriceSetter } from '../../agents/trade-market/index.js';
import type { Policy } from '../../agents/policy/policy.js';
import { AgentActor, PolicyActor, type RoleActor } from '../../training/self-play/actors.js';
import { summarise } from '../../training/stats.js';
import { pairedDifference, statJson, worldMetrics, type WorldsOptions } from './worlds.js';

const ID = 'trade-market-v0';

/** One metric of the learned side (mode and sampled) and of the baseline on the same worlds, averaged over rounds and at the last round. */
function compare(metric: string, learned: (deterministic: boolean) => RoleActor[], baseline: RoleActor[], envOptions: unknown, w: WorldsOptions) {
  const base = worldMetrics(ID, envOptions, baseline, w);
  const out: Record<string, unknown> = { worlds: w.worlds, baseline: baseline.map((a) => a.name).join(' + ') };
  for (const [label, deterministic] of [['mode', true], ['sampled', false]] as const) {
    const m = worldMetrics(ID, envOptions, learned(deterministic), w);
    out[label] = {
      [metric]: statJson(summarise(m[metric])),
      [`last:${metric}`]: statJson(summarise(m[`last:${metric}`])),
      [`${metric} minus baseline (paired)`]: statJson(pairedDifference(m[metric], base[metric])),
      [`last:${metric} minus baseline (paired)`]: statJson(pairedDifference(m[`last:${metric}`], base[`last:${metric}`])),
    };
  }
  out.baselineFigures = { [metric]: statJson(summarise(base[metric])), [`last:${metric}`]: statJson(summarise(base[`last:${metric}`])) };
  return out;
}

/** Row 9: a learned price-setter against demand-curve consumers, vs the tâtonnement baseline, by the relative price error |p − p*|/p*. */
export function measurePriceSetter(policy: Policy, envOptions: unknown, w: WorldsOptions) {
  const consumer = () => new AgentActor(new DemandCurveConsumer());
  return compare('priceError', (deterministic) => [new PolicyActor(policy, { deterministic }), consumer()], [new AgentActor(new TatonnementPriceSetter()), consumer()], envOptions, w);
}

/** Row 10: learned consumers facing the tâtonnement price-setter, vs demand-curve consumers, by Σ|x − x*| / ΣQ. */
export function measureConsumers(policy: Policy, envOptions: unknown, w: WorldsOptions) {
  const setter = () => new AgentActor(new TatonnementPriceSetter());
  return compare('allocationError', (deterministic) => [setter(), new PolicyActor(policy, { deterministic })], [setter(), new AgentActor(new DemandCurveConsumer())], envOptions, w);
}

import type { GameAnalysis, GameDescriptor } from '../../training/game/descriptor.js';
import { kernelRoles } from '../../training/game/roles.js';
import { PERSUASION_BASELINES, PERSUASION_REFERENCE } from './baselines/catalogue.js';
import { emergentAlignmentSpec, pluralisticMarketSpec } from './index.js';
import { resolveInstance, type PersuasionOptions } from './options.js';
import { persuasionWords } from './words.js';

/** V*, ε*, Kamenica–Gentzkow and NashConv, exactly (LPs by HiGHS). */
const analysis: GameAnalysis<PersuasionOptions> = {
  details: [
    '  V*_θ   the aligned utility E_y[max_a u_θ(a, y)] of each user type;',
    '  ε*_θ   market alignment min_{w ∈ Δ(k), c} max_{a,y} |Σ_i w_i U_i(a,y) + c − u_θ(a,y)|, by LP,',
    '         with one w for all types (anonymous) and a w per type (personalised);',
    '  the Kamenica–Gentzkow optimum of each provider alone (binary states only);',
    "  NashConv (Σ_i best-response gain, for Bayes users) and each type's gap V*_θ − value",
    '  of the truthful and the babbling profiles.',
    'The env options (personalized, response, beta, ties, signalNoise) apply; selection',
    '"best-after-evaluation" is dynamic and not covered: profiles are then valued with "all".',
  ],
  async run(options, envId) {
    const [{ analysisReport }, { formatAnalysis, jsonOptions }] = await Promise.all([import('./analysis/report.js'), import('./analysis/format.js')]);
    const report = await analysisReport(resolveInstance(options), options);
    return { lines: formatAnalysis(envId, options, report), json: { options: jsonOptions(options), ...report } };
  },
};

/** One user type: a single provider or several competing for one user. */
export const emergentAlignment: GameDescriptor<PersuasionOptions> = {
  env: emergentAlignmentSpec,
  roles: kernelRoles(emergentAlignmentSpec),
  words: persuasionWords,
  baselines: PERSUASION_BASELINES,
  reference: PERSUASION_REFERENCE,
  analysis: { ...analysis, examples: ['--preset kg-single'] },
  training: async () => (await import('./training.js')).emergentAlignmentTraining,
};

/** Many user types, personalised or anonymous signals. */
export const pluralisticMarket: GameDescriptor<PersuasionOptions> = {
  env: pluralisticMarketSpec,
  roles: kernelRoles(pluralisticMarketSpec),
  words: persuasionWords,
  baselines: PERSUASION_BASELINES,
  reference: PERSUASION_REFERENCE,
  analysis: { ...analysis, examples: ['--preset two-types --option personalized=true', '--option instance=@my-instance.json --json'] },
  training: async () => (await import('./training.js')).pluralisticMarketTraining,
};

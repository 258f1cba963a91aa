import { OptionError } from '../envs/core/errors.js';
import { didYouMean } from '../envs/core/suggest.js';
import { analysisReport, type AnalysisReport, type ProfileJson } from '../games/persuasion/analysis/report.js';
import { EMERGENT_ALIGNMENT_ID, PLURALISTIC_MARKET_ID, resolveInstance, type PersuasionOptions } from '../games/persuasion/options.js';
import { consensusAnalysis, formatConsensusAnalysis } from '../games/consensus-game/analysis.js';
import { presetOptions, registeredIds, spec } from '../envs/registry.js';
import { HELP_FLAG, commandHelp, parseCommandArgs, stringFlag, type CommandSpec } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { num, table } from './format.js';
import type { CliIO } from './io.js';
import { parseEnvOptions } from './env-options.js';

/** The env ids analyze has exact tools for. */
const CONSENSUS_GAME_ID = 'consensus-game-v0';
export const ANALYZE_IDS: readonly string[] = [EMERGENT_ALIGNMENT_ID, PLURALISTIC_MARKET_ID, CONSENSUS_GAME_ID];

export const analyzeSpec: CommandSpec = {
  name: 'analyze',
  summary: 'exact analysis: persuasion (aligned value, market alignment, Kamenica–Gentzkow, NashConv), consensus game (Equilibrium-Ranking)',
  usage: ['analyze <id> [--preset NAME] [--option key=value ...] [--json]'],
  details: [
    `For ${ANALYZE_IDS.join(' and ')}, computes exactly (no sampling):`,
    '  V*_θ   the aligned utility E_y[max_a u_θ(a, y)] of each user type;',
    '  ε*_θ   market alignment min_{w ∈ Δ(k), c} max_{a,y} |Σ_i w_i U_i(a,y) + c − u_θ(a,y)|, by LP,',
    '         with one w for all types (anonymous) and a w per type (personalised);',
    '  the Kamenica–Gentzkow optimum of each provider alone (binary states only);',
    '  NashConv (Σ_i best-response gain, for Bayes users) and each type\'s gap V*_θ − value',
    '  of the truthful and the babbling profiles.',
    'The env options (personalized, response, beta, ties, signalNoise) apply; selection',
    '"best-after-evaluation" is dynamic and not covered: profiles are then valued with "all".',
    '',
    `For ${CONSENSUS_GAME_ID}: Equilibrium-Ranking (piKL no-regret, GAMES.md §4) on every question of`,
    'the candidates (--preset example|geography, or --option candidates=@file.json), with its',
    'parameters from the env options erEtaG, erEtaD, erLambdaG, erLambdaD, erIterations: the',
    'ER-G and ER-D rankings next to the initial ones, their accuracy where the answer is known,',
    'and the fixed-point residual.',
    '',
    `Options of the envs: buddy-gym list ${PLURALISTIC_MARKET_ID}`,
  ],
  flags: [
    { name: 'preset', type: 'string', value: '<NAME>', doc: 'the instance preset (same as --option preset=NAME)' },
    { name: 'option', type: 'string', value: '<key=value>', multiple: true, doc: 'an env option, repeatable: --option personalized=true --option instance=@my-instance.json' },
    { name: 'json', type: 'boolean', doc: 'print the analysis as JSON' },
    HELP_FLAG,
  ],
  examples: [
    `buddy-gym analyze ${EMERGENT_ALIGNMENT_ID} --preset kg-single`,
    `buddy-gym analyze ${PLURALISTIC_MARKET_ID} --preset two-types --option personalized=true`,
    `buddy-gym analyze ${PLURALISTIC_MARKET_ID} --option instance=@my-instance.json --json`,
    `buddy-gym analyze ${CONSENSUS_GAME_ID} --preset geography --option erIterations=20000`,
  ],
};

/** `buddy-gym analyze`: a promise of the exit code (the LP solver loads asynchronously). */
export function analyzeCommand(argv: readonly string[], io: CliIO): number | Promise<number> {
  const { values, positionals } = parseCommandArgs(analyzeSpec, argv);
  if (values.help) {
    commandHelp(analyzeSpec).forEach((l) => io.out(l));
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError(`which env? give an env id: buddy-gym analyze ${ANALYZE_IDS.join(' | ')} ...`);
  if (positionals.length > 1) throw new UsageError(`expected one env id, got ${positionals.length}: ${positionals.join(' ')}`);
  const id = positionals[0];
  if (!ANALYZE_IDS.includes(id)) {
    const what = registeredIds().includes(id) ? `${id} has no exact analysis` : `${JSON.stringify(id)} is not a registered env id${didYouMean(id, ANALYZE_IDS)}`;
    throw new UsageError(`analyze knows the persuasion family and the consensus game: ${ANALYZE_IDS.join(', ')}; ${what}`);
  }
  if (id === CONSENSUS_GAME_ID) return analyzeConsensus(values, io);
  const given = parseEnvOptions(id, (values.option as string[] | undefined) ?? []);
  const preset = stringFlag(values, 'preset');
  if (preset !== undefined) {
    if (Object.hasOwn(given, 'preset')) throw new UsageError('give the preset once: --preset NAME or --option preset=NAME');
    if (Object.hasOwn(given, 'instance')) throw new UsageError('give --preset or --option instance=..., not both (an instance replaces the preset)');
    given.preset = preset;
  }
  let options: PersuasionOptions;
  try {
    options = spec(id).parseOptions(given) as PersuasionOptions;
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(preset !== undefined && e.option === 'preset' ? `--preset: ${e.message}` : `--option: ${e.message}`);
    throw e;
  }
  const instance = resolveInstance(options);
  return analysisReport(instance, options).then((report) => {
    if (values.json) io.out(JSON.stringify({ env: id, options: jsonOptions(options), ...report }, null, 2));
    else printReport(io, id, options, report);
    return EXIT.ok;
  });
}

/** The options for JSON: the instance itself is printed in the report, not repeated here. */
function jsonOptions(o: PersuasionOptions): Record<string, unknown> {
  return { ...o, instance: o.instance === null ? null : '(custom, see "instance")' };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function printReport(io: CliIO, id: string, o: PersuasionOptions, r: AnalysisReport): void {
  const inst = r.instance;
  io.out(`${id}: instance ${inst.name}${o.instance === null ? '' : ' (custom)'}: ${inst.states.length} states, ${inst.actions.length} actions, ${inst.messages.length} messages, ${plural(inst.providers.length, 'provider')}, ${plural(inst.userTypes.length, 'user type')}`);
  if (inst.description) io.out(inst.description);
  io.out(`options: personalized=${o.personalized}, response=${o.response}${o.response === 'quantal' ? ` (beta=${o.beta})` : ''}, ties=${o.ties}, signalNoise=${o.signalNoise}, selection=${o.selection}`);
  for (const n of r.notes) io.out(`NOTE: ${n}`);

  io.out('');
  io.out('Aligned utility V*_θ = E_y[max_a u_θ(a, y)] and market alignment ε*_θ (LP):');
  const weights = (w: Record<string, number>) => Object.values(w).map((x) => num(x, 3)).join(' ');
  const rows = [['user type', 'weight', 'V*', 'ε* anonymous', 'ε* personalised', `personalised w (${inst.providers.join(' ')})`]];
  r.userTypes.forEach((t, th) =>
    rows.push([t.type, num(t.weight, 3), num(t.alignedValue), num(r.marketAlignment.anonymous.types[th].epsilon), num(r.marketAlignment.personalized.types[th].epsilon), weights(r.marketAlignment.personalized.types[th].weights)]),
  );
  table(rows, [false, true, true, true, true, false]).forEach((l) => io.out(`  ${l}`));
  io.out(`  anonymous: one w = (${weights(r.marketAlignment.anonymous.types[0].weights)}) for all types, market ε* = ${num(r.marketAlignment.anonymous.epsilon)}`);

  if (r.kamenicaGentzkow) {
    io.out('');
    io.out(`Kamenica–Gentzkow: each provider alone, its optimal signal (sender-preferred ties), ${o.personalized ? 'one per user type' : 'one for all types'}:`);
    const kgRows = [['provider', 'its value', 'user type', 'utility', 'accuracy', 'gap', `P(recommend ${inst.actions.join(' / ')} | y)`]];
    for (const kg of r.kamenicaGentzkow) {
      kg.users.forEach((u, n) => {
        const rec = u.recommendation.map((row, y) => `${inst.states[y]}: ${row.map((p) => num(p, 3)).join(' / ')}`).join('; ');
        kgRows.push([n === 0 ? kg.provider : '', n === 0 ? num(kg.value) : '', u.type, num(u.utility), num(u.accuracy), num(u.gap), rec]);
      });
    }
    table(kgRows, [false, true, false, true, true, true, false]).forEach((l) => io.out(`  ${l}`));
  }

  io.out('');
  io.out(`Profiles (${o.personalized ? 'personalised' : 'anonymous'} policies; NashConv = Σ_i best-response gain, Bayes users):`);
  const pRows = [['profile', 'NashConv', 'who', 'value', 'best response', 'gap to V*', 'accuracy']];
  const add = (label: string, p: ProfileJson) => {
    pRows.push([label, p.nashConv === null ? 'n/a' : num(p.nashConv), '', '', '', '', '']);
    for (const q of p.providers) pRows.push(['', '', `provider ${q.provider}`, num(q.value), q.bestResponseValue === null ? 'n/a' : num(q.bestResponseValue), '', '']);
    for (const u of p.users) pRows.push(['', '', `user ${u.type}`, num(u.value), '', num(u.gap), num(u.accuracy)]);
  };
  add('truthful', r.profiles.truthful);
  add('babbling', r.profiles.babbling);
  table(pRows, [false, true, false, true, true, true, true]).forEach((l) => io.out(`  ${l}`));
}

/** `analyze consensus-game-v0`: Equilibrium-Ranking on the candidates of the options or preset. */
function analyzeConsensus(values: ReturnType<typeof parseCommandArgs>['values'], io: CliIO): number {
  const given = parseEnvOptions(CONSENSUS_GAME_ID, (values.option as string[] | undefined) ?? []);
  const preset = stringFlag(values, 'preset');
  let options: unknown;
  try {
    options = spec(CONSENSUS_GAME_ID).parseOptions(preset === undefined ? given : { ...presetOptions(CONSENSUS_GAME_ID, preset), ...given });
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(`--option: ${e.message}`);
    if (e instanceof RangeError && preset !== undefined) throw new UsageError(`--preset: ${e.message}`);
    throw e;
  }
  const report = consensusAnalysis(options);
  if (values.json) io.out(JSON.stringify({ env: CONSENSUS_GAME_ID, ...report }, null, 2));
  else formatConsensusAnalysis(report).forEach((l) => io.out(l));
  return EXIT.ok;
}

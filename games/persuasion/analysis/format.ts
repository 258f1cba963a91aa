/** The persuasion analysis as `buddy-gym analyze` prints it: tables of V*, ε*, Kamenica–Gentzkow and the reference profiles. */
import { num, table } from '../../../training/metrics/format.js';
import type { PersuasionOptions } from '../options.js';
import type { AnalysisReport, ProfileJson } from './report.js';

/** The options for JSON: the instance itself is printed in the report, not repeated here. */
export function jsonOptions(o: PersuasionOptions): Record<string, unknown> {
  return { ...o, instance: o.instance === null ? null : '(custom, see "instance")' };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatAnalysis(id: string, o: PersuasionOptions, r: AnalysisReport): string[] {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l) };
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
  return lines;
}

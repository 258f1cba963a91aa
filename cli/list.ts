import { describeOptions, registeredIds } from '../envs/registry.js';
import { HELP_FLAG, parseCommandArgs, stringFlag, type CommandSpec } from './args.js';
import { gameOf } from './env-args.js';
import { EXIT, UsageError } from './errors.js';
import { envInfo, envTableMarkdown, optionRows, optionsTableMarkdown, rolesText } from './env-info.js';
import { table } from './format.js';
import type { CliIO } from './io.js';
import { exampleGame } from './game-help.js';

export const listSpec: CommandSpec = {
  name: 'list',
  summary: 'list the registered envs, or one env\'s options',
  usage: ['list [--json | --markdown]', 'list <id> [--json | --markdown]', 'list --options <id> [--json | --markdown]'],
  details: [
    'Without an id: every registered env id with its agents (default options), the phases',
    'of a round and a one-line description. With an id: its options, each with what is',
    'allowed, its default and what it means (give them to play as --option key=value).',
  ],
  flags: [
    { name: 'options', type: 'string', value: '<id>', doc: 'print the options table of env <id> (same as `list <id>`)' },
    { name: 'json', type: 'boolean', doc: 'print JSON instead of a table' },
    { name: 'markdown', type: 'boolean', doc: 'print a markdown table (as in the README) instead' },
    HELP_FLAG,
  ],
  get examples() {
    return ['buddy-gym list', `buddy-gym list ${exampleGame()}`];
  },
};

function knownId(id: string): string {
  return gameOf(id).env.id;
}

/** `buddy-gym list`: returns the exit code. */
export function listCommand(argv: readonly string[], io: CliIO): number {
  const { values, positionals } = parseCommandArgs(listSpec, argv);
  const flagId = stringFlag(values, 'options');
  if (positionals.length > 1) throw new UsageError(`expected at most one env id, got ${positionals.length}: ${positionals.join(' ')}`);
  if (flagId !== undefined && positionals.length > 0) throw new UsageError(`give the env id either as --options <id> or as \`list <id>\`, not both`);
  const id = flagId ?? positionals[0];
  if (values.json && values.markdown) throw new UsageError('give --json or --markdown, not both');

  if (id === undefined) {
    const infos = registeredIds().map(envInfo);
    if (values.json) {
      io.out(JSON.stringify(infos.map((i) => ({ ...i, roles: Object.fromEntries(i.roles) })), null, 2));
      return EXIT.ok;
    }
    if (values.markdown) {
      envTableMarkdown(infos).forEach((l) => io.out(l));
      return EXIT.ok;
    }
    const rows = [['id', 'agents', 'phases', 'description'], ...infos.map((i) => [i.id, rolesText(i), i.phases.join(' -> '), i.description])];
    table(rows).forEach((l) => io.out(l));
    io.out('');
    io.out('Options of an env: buddy-gym list <id>');
    return EXIT.ok;
  }

  knownId(id);
  if (values.json) {
    io.out(JSON.stringify(describeOptions(id), null, 2));
    return EXIT.ok;
  }
  if (values.markdown) {
    optionsTableMarkdown(id).forEach((l) => io.out(l));
    return EXIT.ok;
  }
  const info = envInfo(id);
  io.out(`${id}: ${info.description}`);
  io.out(`agents: ${rolesText(info)} (with default options); phases: ${info.phases.join(' -> ')}`);
  io.out('');
  table([['option', 'allowed', 'default', 'meaning'], ...optionRows(id)]).forEach((l) => io.out(l));
  return EXIT.ok;
}

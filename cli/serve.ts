/**
 * `buddy-gym serve`: one env behind the env server's protocol (docs/protocol.md), over stdio
 * or TCP, for clients in other languages (the Python package in python/ spawns it). This
 * module and what it imports stay clear of the trainer and tfjs, so the server starts fast;
 * only --agent (whose baselines live with the training profiles) loads more.
 */
import packageJson from '../package.json';
import { OptionError } from '../envs/core/errors.js';
import { AUTORESET_MODES, type AutoresetMode } from '../envs/core/vector-env.js';
import { registeredIds, spec } from '../envs/registry.js';
import { listenTcp, serveConnection, Session, VecServed, type ServedEnv } from '../envs/server/index.js';
import { HELP_FLAG, intFlag, parseCommandArgs, stringFlag, type CommandSpec, type FlagValues } from './args.js';
import { envIdOf, envOptionsArgs, gameOf } from './env-args.js';
import { EXIT, UsageError } from './errors.js';
import type { CliIO } from './io.js';
import { exampleGame } from './game-help.js';
import { registeredGames } from '../training/game/registry.js';
import { untilStopped } from './until-stopped.js';

export const serveSpec: CommandSpec = {
  name: 'serve',
  summary: 'serve one env over a stepped protocol (length-prefixed msgpack on stdio or TCP) for Python and other languages',
  usage: [
    'serve <id> [--option key=value ...] [--preset NAME] [--num-envs B] [--autoreset MODE] [--stdio | --port P [--host H]]',
    'serve <id> --agent AGENT [--baseline SIDE=NAME ...] [--option key=value ...] [--preset NAME] [--stdio | --port P [--host H]]',
  ],
  details: [
    'Parallel mode (the default): B copies of the env stepped together; each step message carries',
    'the acting role\'s actions for all B copies as one raw buffer. With B = 1 and --autoreset',
    'disabled it plays exactly like the single env (the Python package\'s parallel_env).',
    'Single-agent mode (--agent): Gymnasium\'s view of one agent, every other agent played here by',
    'its side\'s baseline (the side\'s reference baseline unless --baseline names another).',
    'Over stdio (the default) the server serves one client and exits when it sends close or its',
    'stdin ends; with --port it listens (loopback unless --host), each connection getting its own',
    'env, prints "listening on HOST:PORT" on stdout and serves until Ctrl-C.',
    'The protocol (handshake, reset, step, close, errors) is specified in docs/protocol.md.',
  ],
  flags: [
    { name: 'option', type: 'string', value: '<key=value>', multiple: true, doc: 'an env option, repeatable: --option goals=6 --option slots=2' },
    { name: 'preset', type: 'string', value: '<NAME>', doc: "start from one of the env's presets (buddy-gym list <id>); --option overrides it" },
    { name: 'num-envs', type: 'string', value: '<B>', doc: 'copies stepped together, an integer in [1, 65536] (default 1; parallel mode only)' },
    { name: 'autoreset', type: 'string', value: '<MODE>', doc: `what a copy does when its episode ends: ${AUTORESET_MODES.join(', ')} (default next-step; parallel mode only)` },
    { name: 'stdio', type: 'boolean', doc: 'serve one client on stdin/stdout (the default)' },
    { name: 'port', type: 'string', value: '<P>', doc: 'listen on TCP port P instead, an integer in [0, 65535] (0: a free port)' },
    { name: 'host', type: 'string', value: '<H>', doc: 'address to listen on with --port (default 127.0.0.1, loopback only; the protocol has no authentication)' },
    { name: 'agent', type: 'string', value: '<AGENT>', doc: 'single-agent mode: the agent the client plays, e.g. user_0' },
    { name: 'baseline', type: 'string', value: '<SIDE=NAME>', multiple: true, doc: "single-agent mode: the baseline playing a side's other agents, repeatable: --baseline goal=honest" },
    HELP_FLAG,
  ],
  get examples() {
    const [first, ...rest] = registeredGames();
    const withPreset = rest.find((g) => Object.keys(g.env.presets ?? {}).length);
    const [a, b] = first ? Object.keys(first.baselines) : [];
    return [
      `buddy-gym serve ${exampleGame()} --num-envs 256`,
      ...(withPreset ? [`buddy-gym serve ${withPreset.env.id} --preset ${Object.keys(withPreset.env.presets!)[0]} --port 0`] : []),
      ...(first && b ? [`buddy-gym serve ${first.env.id} --agent ${b}_0 --baseline ${a}=${Object.keys(first.baselines[a])[0]}`] : []),
    ];
  },
};

interface ServeSettings {
  id: string;
  options: Record<string, unknown>;
  numEnvs: number;
  autoreset: AutoresetMode;
  agent: string | undefined;
  baselines: Record<string, string>;
  tcp: { host: string; port: number } | undefined;
}

/** `buddy-gym serve`: resolves when the server ends (0, or 1 after a fatal protocol error). */
export function serveCommand(argv: readonly string[], io: CliIO, signal?: AbortSignal): number | Promise<number> {
  const { values, positionals } = parseCommandArgs(serveSpec, argv);
  const settings = parseSettings(values, positionals);
  return start(settings, io, signal);
}

function parseSettings(values: FlagValues, positionals: readonly string[]): ServeSettings {
  const g = gameOf(envIdOf(positionals, ` (${registeredIds().join(', ')})`));
  const id = g.env.id;
  const { options } = envOptionsArgs(g, values);
  const agent = stringFlag(values, 'agent');
  const baselinePairs = (values.baseline as string[] | undefined) ?? [];
  if (agent !== undefined) {
    if (values['num-envs'] !== undefined) throw new UsageError('--num-envs is for the parallel mode; --agent serves one env (run several servers for more)');
    if (values.autoreset !== undefined) throw new UsageError('--autoreset is for the parallel mode; with --agent the client resets after the episode ends');
  } else if (baselinePairs.length > 0) {
    throw new UsageError('--baseline needs --agent: it names who plays the other agents in the single-agent mode');
  }
  const autoreset = (stringFlag(values, 'autoreset') ?? 'next-step') as AutoresetMode;
  if (!AUTORESET_MODES.includes(autoreset)) throw new UsageError(`--autoreset must be one of ${AUTORESET_MODES.join(', ')}, got ${JSON.stringify(autoreset)}`);
  if (values.stdio && values.port !== undefined) throw new UsageError('give either --stdio or --port, not both');
  if (values.host !== undefined && values.port === undefined) throw new UsageError('--host needs --port (over stdio there is no address)');
  const host = stringFlag(values, 'host') ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('--host needs an address, e.g. 127.0.0.1');
  return {
    id,
    options,
    numEnvs: intFlag(values, 'num-envs', 1, 1, 65_536),
    autoreset,
    agent,
    baselines: parseBaselines(baselinePairs),
    tcp: values.port === undefined ? undefined : { host, port: intFlag(values, 'port', 0, 0, 65_535) },
  };
}

function parseBaselines(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const m = /^([^=\s]+)=([^=\s]+)$/.exec(pair.trim());
    if (!m) throw new UsageError(`--baseline expects SIDE=NAME, e.g. goal=honest, got ${JSON.stringify(pair)}`);
    if (Object.hasOwn(out, m[1])) throw new UsageError(`--baseline ${m[1]} is given twice`);
    out[m[1]] = m[2];
  }
  return out;
}

/** A factory of served envs for these settings, its first env built now so that bad settings fail before serving. */
async function servedFactory(s: ServeSettings): Promise<() => ServedEnv> {
  const asUsage = (flag: string, e: unknown): never => {
    if (e instanceof OptionError) throw new UsageError(`--option: ${e.message}`);
    if (e instanceof RangeError) throw new UsageError(`${flag}: ${e.message}`);
    throw e;
  };
  if (s.agent === undefined) {
    const make = () => new VecServed({ id: s.id, options: s.options, numEnvs: s.numEnvs, autoreset: s.autoreset });
    try {
      make().close();
    } catch (e) {
      asUsage('--option', e);
    }
    return make;
  }
  const { SingleAgentServed, chooseBaselines } = await import('../training/serve/single-agent-served.js');
  const args = { id: s.id, options: s.options, agent: s.agent, baselines: s.baselines };
  try {
    const probe = spec(s.id).createEnv(s.options);
    if (!probe.possibleAgents.includes(s.agent)) throw new RangeError(`${s.id} has no agent "${s.agent}"; its agents are ${probe.possibleAgents.join(', ')}`);
  } catch (e) {
    asUsage('--agent', e);
  }
  try {
    chooseBaselines(s.id, gameOf(s.id).roles(s.options), s.baselines);
  } catch (e) {
    asUsage('--baseline', e);
  }
  return () => new SingleAgentServed(args);
}

async function start(s: ServeSettings, io: CliIO, signal?: AbortSignal): Promise<number> {
  // Over stdio, stdout is the protocol's channel: whatever a module logs goes to stderr instead.
  if (s.tcp === undefined) for (const name of ['log', 'info', 'debug'] as const) console[name] = console.error;
  const make = await servedFactory(s);
  const server = `buddy-gym ${packageJson.version}`;
  if (s.tcp === undefined) {
    if (process.stdin.isTTY) io.err(`serving ${s.id} on stdin/stdout (length-prefixed msgpack, see docs/protocol.md); a client speaks it, not a terminal`);
    const ending = await serveConnection(process.stdin, process.stdout, new Session(make(), server));
    process.stdin.destroy(); // nothing more is read: let the process end
    return ending === 'fatal' ? EXIT.failure : EXIT.ok;
  }
  let tcp: Awaited<ReturnType<typeof listenTcp>>;
  try {
    tcp = await listenTcp(s.tcp.host, s.tcp.port, () => new Session(make(), server));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new UsageError(`--port ${s.tcp.port}: the port is in use; give another, or 0 for a free one`);
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EACCES') throw new UsageError(`cannot listen on ${s.tcp.host}:${s.tcp.port}: ${err.code}`);
    throw e;
  }
  io.out(`listening on ${tcp.host}:${tcp.port}`);
  io.err(`serving ${s.id} until Ctrl-C (each connection gets its own env)`);
  await untilStopped(signal);
  await tcp.close();
  return EXIT.ok;
}

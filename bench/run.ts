// npm run bench [-- --json] [--seconds S] [--threads 1,2] [--peer PYTHON [--peer-script PATH]] [--allow-software-gpu]:
// prints figures; with --json the last line is one JSON object.
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { selectBackend } from '../agents/backend/index.js';
import { benchAttentionMarket } from './attention-market.js';
import { benchConsensusGame } from './consensus-game.js';
import { benchGpu } from './gpu.js';
import { benchMlp, type MlpBackendDetail } from './mlp.js';
import { benchPersuasion } from './persuasion.js';
import { benchSelfPlay } from './self-play.js';
import { benchTensorEnv } from './tensor-env.js';
import { benchTradeMarket } from './trade-market.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '3' },
    'allow-software-gpu': { type: 'boolean', default: false },
    threads: { type: 'string' },
    peer: { type: 'string' },
    'peer-script': { type: 'string', default: '../shared/peer/ppo_selfplay.py' },
  },
});
const seconds = Number(values.seconds);
if (!(seconds > 0 && seconds <= 600)) {
  console.error(`bench: --seconds must be a number in (0, 600], got ${values.seconds}`);
  process.exit(2);
}
const log = (line: string) => console.error(line);
const threads = (values.threads ?? [...new Set([1, Math.min(4, cpus().length)])].join(',')).split(',').map(Number);
if (!threads.every((t) => Number.isInteger(t) && t >= 1 && t <= 64)) {
  console.error(`bench: --threads must be a comma-separated list of integers in [1, 64], got ${values.threads}`);
  process.exit(2);
}

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100) };
log(`buddy-gym bench on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${seconds}s per figure`);

const attentionMarket = await benchAttentionMarket(seconds);
log(`attention-market-v0 VecEnv B=1024: ${attentionMarket.vecRoundsPerSec.toLocaleString()} rounds/s with ${attentionMarket.threads} threads, ${attentionMarket.vecRoundsPerSecSingleThread.toLocaleString()} on one`);
log(`attention-market-v0 single env: ${attentionMarket.singleRoundsPerSec.toLocaleString()} rounds/s`);

// The other games' vector envs, B = 1024, baselines acting, one thread.
const tradeMarket = await benchTradeMarket(seconds);
log(`trade-market-v0 VecEnv B=${tradeMarket.batch}: ${tradeMarket.roundsPerSec.toLocaleString()} rounds/s`);
const persuasion = await benchPersuasion(seconds);
for (const p of persuasion) log(`${p.id} VecEnv B=${p.batch}: ${p.roundsPerSec.toLocaleString()} rounds/s`);
const consensusGame = await benchConsensusGame(seconds);
log(`consensus-game-v0 VecEnv B=${consensusGame.batch}: ${consensusGame.roundsPerSec.toLocaleString()} rounds/s`);

// The tensor env on the CPU (wasm): slower than the typed-array env, which is why the trainer picks by backend.
await selectBackend('wasm');
const tensorWasm = await benchTensorEnv(1024, seconds);
log(`attention-market-v0 tensor env on wasm B=1024: ${tensorWasm.roundsPerSec.toLocaleString()} rounds/s`);
const attentionMarketTensor = { tensorRoundsPerSecWasm1024: tensorWasm.roundsPerSec };

const backends: Record<string, MlpBackendDetail> = {};
const trainStepMs = await benchMlp(undefined, log, backends);
const peer = values.peer ? { python: values.peer, script: values['peer-script']! } : undefined;
const selfPlay = await benchSelfPlay('auto', Math.max(4, Math.round(4 * seconds)), threads, peer, log);

const gpu = await benchGpu(seconds, log, values['allow-software-gpu']);
if (!gpu) log('gpu: no GPU backend here, so no gpu.* figures');

const report = {
  machine: { ...machine, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
  date: new Date().toISOString(),
  attentionMarket: { ...attentionMarket, ...attentionMarketTensor },
  tradeMarket,
  persuasion,
  consensusGame,
  mlp: { trainStepMs, backends },
  selfPlay,
  ...(gpu ? { gpu } : {}),
};
if (values.json) console.log(JSON.stringify(report));
else console.log(JSON.stringify(report, null, 2));

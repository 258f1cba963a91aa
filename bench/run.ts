// npm run bench [-- --json] [--seconds S]: prints figures; with --json the last line is one JSON object.
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { benchAttentionMarket } from './attention-market.js';
import { benchMlp } from './mlp.js';
import { benchSelfPlay } from './self-play.js';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, seconds: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);
if (!(seconds > 0 && seconds <= 600)) {
  console.error(`bench: --seconds must be a number in (0, 600], got ${values.seconds}`);
  process.exit(2);
}

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
console.error(`buddy-gym bench on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${seconds}s per figure`);

const attentionMarket = await benchAttentionMarket(seconds);
console.error(`attention-market-v0 VecEnv B=1024: ${attentionMarket.vecRoundsPerSec.toLocaleString()} rounds/s with ${attentionMarket.threads} threads, ${attentionMarket.vecRoundsPerSecSingleThread.toLocaleString()} on one`);
console.error(`attention-market-v0 single env: ${attentionMarket.singleRoundsPerSec.toLocaleString()} rounds/s`);

const trainStepMs = await benchMlp(undefined, (line) => console.error(line));
const selfPlay = await benchSelfPlay('auto', Math.max(2, Math.round(seconds)));
console.error(`self-play (default training, ${selfPlay.backend}): ${selfPlay.samplesPerSec.toLocaleString()} agent-steps/s (${selfPlay.roundsPerSec.toLocaleString()} rounds/s)`);

const report = { machine, date: new Date().toISOString(), attentionMarket, mlp: { trainStepMs }, selfPlay };
if (values.json) console.log(JSON.stringify(report));
else console.log(JSON.stringify(report, null, 2));

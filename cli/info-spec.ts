/** `buddy-gym info`'s flags and help (light: no TensorFlow.js; info.ts runs it). */
import { HELP_FLAG, type CommandSpec } from './args.js';

export const infoSpec: CommandSpec = {
  name: 'info',
  summary: "what a checkpoint holds: env, policies, optimisers, trainer state, metrics",
  usage: ['info <ckpt|run> [--json]'],
  details: [
    'Reads the checkpoint folder\'s manifest.json and verifies every file it lists (sizes and',
    'sha256) without building any model, then prints the env and its options, each policy',
    '(parameters, bytes, network and action head), the optimisers, the trainer\'s step,',
    'iteration and settings, the population, and the metric summary of the last iteration.',
    'A damaged or foreign folder is refused with what is wrong (exit 2). A run folder',
    '(runs/<run>) stands for its latest checkpoint.',
  ],
  flags: [{ name: 'json', type: 'boolean', doc: 'print the manifest summary as JSON' }, HELP_FLAG],
  examples: ['buddy-gym info runs/first/checkpoints/best', 'buddy-gym info runs/first/checkpoints/step-000000032768 --json'],
};


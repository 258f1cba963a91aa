import type { GameDescriptor } from '../../training/game/descriptor.js';
import { kernelRoles } from '../../training/game/roles.js';
import { CONSENSUS_GAME_BASELINES, CONSENSUS_GAME_REFERENCE } from './baselines/catalogue.js';
import { consensusGameSpec } from './index.js';
import { consensusGameWords } from './words.js';
import type { ConsensusGameOptions } from './options.js';

/** A generator and a discriminator that must agree on answers (GAMES.md §4). */
export const consensusGame: GameDescriptor<ConsensusGameOptions> = {
  env: consensusGameSpec,
  roles: kernelRoles(consensusGameSpec),
  words: consensusGameWords,
  baselines: CONSENSUS_GAME_BASELINES,
  reference: CONSENSUS_GAME_REFERENCE,
  analysis: {
    details: [
      'Equilibrium-Ranking (piKL no-regret, GAMES.md §4) on every question of the candidates',
      '(--preset example|geography, or --option candidates=@file.json), with its parameters from',
      'the env options erEtaG, erEtaD, erLambdaG, erLambdaD, erIterations: the ER-G and ER-D',
      'rankings next to the initial ones, their accuracy where the answer is known, and the',
      'fixed-point residual.',
    ],
    examples: ['--preset geography --option erIterations=20000'],
    async run(options) {
      const { consensusAnalysis, formatConsensusAnalysis } = await import('./analysis.js');
      const report = consensusAnalysis(options);
      return { lines: formatConsensusAnalysis(report), json: { ...report } };
    },
  },
  training: async () => (await import('./training.js')).consensusGameTraining,
};

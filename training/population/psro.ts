/**
 * PSRO (policy-space response oracles, in the shape of OpenSpiel's psro_v2) around a
 * self-play trainer used as its best-response oracle. The population holds snapshots of the
 * game's two sides, the row player (the side that takes the first turn: the profile's
 * alternation order, else role order) and the column player. Each PSRO iteration is one
 * oracle iteration: the trainer trains one side (in blocks of `alternateEvery`) while the
 * other plays a snapshot drawn from the meta-strategy (this is the trainer's OpponentSource).
 * Every `snapshotEvery` iterations (and once before the first) both current policies join the
 * population, the missing entries of the payoff table are filled by evaluation episodes, and
 * the meta-game is re-solved (`metaSolver`; HiGHS is loaded once, before the first iteration,
 * when it is an LP). Two players only: see slots.ts.
 */
import { OptionError } from '../../envs/core/errors.js';
import { Rng } from '../../envs/core/rng.js';
import { lpSolver, type LpSolver } from '../lp/highs.js';
import type { MetricBus } from '../metrics/bus.js';
import { rewardMetric } from '../profiles/index.js';
import { PolicyActor, type RoleActor } from '../self-play/actors.js';
import type { TrainConfig } from '../self-play/config.js';
import { SelfPlayTrainer, type IterationResult, type OpponentSource, type Side, type TrainerState } from '../self-play/trainer.js';
import { needsLp } from './meta-game.js';
import { snapshotName } from './population-json.js';
import { Population } from './population.js';

type Weights = Float32Array[];

/** Seed stream of the evaluation episodes that fill the payoff table (one Rng per snapshot, from the seed and iteration). */
const PAYOFF_EVAL_STREAM = 104;

export class Psro implements OpponentSource {
  readonly trainer: SelfPlayTrainer;
  private pop: Population<Weights>;

  /** Builds the oracle (a trainer in population mode) and an empty population; loads HiGHS first when the meta-solver is an LP. */
  static async create(envId: string, envOptions: unknown, config: TrainConfig, bus?: MetricBus): Promise<Psro> {
    return new Psro(envId, envOptions, config, bus, needsLp(config.metaSolver) ? await lpSolver() : null);
  }

  /** The PSRO that drives `trainer`, if one does (its opponent source). */
  static of(trainer: SelfPlayTrainer): Psro | null {
    return trainer.opponentSource instanceof Psro ? trainer.opponentSource : null;
  }

  private constructor(
    envId: string,
    envOptions: unknown,
    config: TrainConfig,
    bus: MetricBus | undefined,
    private readonly lp: LpSolver | null,
  ) {
    if (!config.population) throw new OptionError('train settings', 'population', config.population, 'PSRO runs population mode only');
    this.trainer = new SelfPlayTrainer(envId, envOptions, config, bus, this);
    try {
      const { profile, sides } = this.trainer;
      if (!profile.population || sides.length !== 2) {
        throw new OptionError('train settings', 'population', true, `population mode (PSRO) needs a two-sided payoff table and ${envId} has ${sides.length === 2 ? 'a profile without one' : `${sides.length} side(s)`}; use the simultaneous or alternating schedule`);
      }
      const order = profile.alternation ?? sides;
      this.pop = this.emptyPopulation([order[0], order[1]]);
    } catch (e) {
      this.trainer.dispose();
      throw e;
    }
  }

  private emptyPopulation(sides: readonly [Side, Side]): Population<Weights> {
    const { populationSize: maxSize, metaSolver: solver } = this.trainer.config;
    return needsLp(solver) ? new Population({ sides, maxSize, solver, lp: this.lp! }) : new Population({ sides, maxSize, solver });
  }

  /** The snapshots, their payoff table and meta-strategy. */
  get population(): Population<Weights> {
    return this.pop;
  }

  get done(): boolean {
    return this.trainer.done;
  }

  /** One oracle iteration; snapshots (and re-solves) before the first and every `snapshotEvery` iterations. */
  iterate(): IterationResult {
    const t = this.trainer;
    if (this.pop.size(this.pop.sides.row) === 0) this.snapshot();
    const result = t.iterate();
    if (t.iteration % t.config.snapshotEvery === 0) this.snapshot();
    return result;
  }

  /** Runs iterations until the step budget is reached. */
  run(onIteration?: (r: IterationResult) => void): void {
    while (!this.done) {
      const r = this.iterate();
      onIteration?.(r);
    }
  }

  /** The trainer's frozen side plays a snapshot drawn from the meta-strategy. */
  frozenWeights(side: Side, rng: Rng): readonly Float32Array[] {
    return this.pop.sampleOpponent(side, rng).payload;
  }

  /** Adds both current policies to the population, fills the payoff table, re-solves it. */
  private snapshot(): void {
    const t = this.trainer;
    const pop = this.pop;
    const { row, col } = pop.sides;
    for (const side of [row, col]) pop.add(side, t.policies[side].getWeights(), { iteration: t.iteration });
    const evalRng = new Rng(t.config.seed + t.iteration, PAYOFF_EVAL_STREAM);
    const r = t.sides.indexOf(row);
    const c = t.sides.indexOf(col);
    const players = { row: t.policies[row].clone(), col: t.policies[col].clone() };
    try {
      for (const { rowId, colId } of pop.missingPayoffs()) {
        players.row.setWeights(pop.get(row, rowId).payload);
        players.col.setWeights(pop.get(col, colId).payload);
        const actors: RoleActor[] = [];
        actors[r] = new PolicyActor(players.row);
        actors[c] = new PolicyActor(players.col);
        const stats = t.evaluate(actors, evalRng);
        pop.setPayoff(rowId, colId, stats.meanReward[r], stats.meanReward[c], t.config.numEnvs);
      }
    } finally {
      players.row.dispose();
      players.col.dispose();
    }
    pop.solve();
    const nash = pop.nashConv();
    const gain = (side: Side) => rewardMetric(side).replace(/Reward$/, 'Gain');
    t.bus.emit({
      kind: 'evaluation',
      iteration: t.iteration,
      step: t.step,
      label: 'population meta-game (NashConv of its equilibrium)',
      metrics: { nashConv: nash.nashConv, [gain(row)]: nash.rowGain, [gain(col)]: nash.colGain, members: pop.size(row) },
    });
  }

  /** The checkpoint's trainer JSON: the trainer's, with the population. */
  state(): TrainerState {
    return { ...this.trainer.state(), population: this.pop.toJSON() };
  }

  /** The snapshots a checkpoint stores as policies, named `<side>@<id>`. */
  snapshots(): { name: string; side: Side; weights: Weights }[] {
    return [this.pop.sides.row, this.pop.sides.col].flatMap((side) => this.pop.list(side).map((m) => ({ name: snapshotName(side, m.id), side, weights: m.payload })));
  }

  /**
   * Puts back the population of a checkpoint (this version's, or version 1's user/goal slots,
   * read as row/column); `weightsOf` gives the weights of the policy a snapshot was saved as.
   */
  restorePopulation(json: unknown, weightsOf: (name: string) => Weights | undefined): void {
    const { row, col } = this.pop.sides;
    this.pop = Population.fromJSON<Weights>(
      json,
      ({ name }) => {
        const w = weightsOf(name);
        if (!w) throw new RangeError(`the population snapshot ${name} has no policy`);
        return w;
      },
      { sides: [row, col], lp: this.lp ?? undefined },
    );
  }

  dispose(): void {
    this.trainer.dispose();
  }
}

/**
 * @module engine/search/samplers/evolution
 * Regularised ("aging") evolution (Real et al. 2019, the sampler behind AmoebaNet's architecture search):
 * the population is the last P completed trials, so old configurations age out however good they were;
 * each suggestion holds a tournament among S members drawn from it and mutates one parameter of the
 * winner (or, rarely, its family: a fresh configuration of another allowed family). Until P trials have
 * completed, suggestions are random. Like every sampler it is a pure function of (history, context): its
 * randomness comes from the job seed and the trial number. It avoids proposing an exact duplicate of any
 * running or finished configuration when a few redraws can.
 */
import { Rng, seedFrom } from '../../core/rng';
import { sampleDistribution } from '../sample-distribution';
import type { Sampler, SamplerContext } from '../sampler';
import type { Distribution, Params, SearchSpace } from '../space';
import { randomConfig, requireFamilies, type SpaceProvider, trialSpace } from '../space-provider';
import type { FrozenTrial, TrialConfig } from '../trial';

export interface EvolutionOptions {
  /** P: completed trials that form the population (the most recent ones). */
  readonly populationSize?: number;
  /** S: members drawn for each tournament (larger = greedier). */
  readonly sampleSize?: number;
  /** Chance that a mutation changes the family instead of a parameter (only with several families). */
  readonly familyMutationRate?: number;
  /** Where spaces come from (tests inject synthetic ones); production searches trialSpace. */
  readonly spaceOf?: SpaceProvider;
}

/** Defaults sized for budgets of tens to a few hundred trials (the paper's P=100, S=25 assume thousands). */
export const EVOLUTION_DEFAULTS = Object.freeze({ populationSize: 12, sampleSize: 4, familyMutationRate: 0.1 });

/** Redraws of a mutation that duplicates a known configuration before giving up on novelty. */
const MAX_REDRAWS = 12;
/** Standard deviation of a numeric mutation, as a share of the parameter's (log) range. */
const STEP = 0.15;

export function evolutionSampler(options: EvolutionOptions = {}): Sampler {
  const P = Math.max(2, Math.floor(options.populationSize ?? EVOLUTION_DEFAULTS.populationSize));
  const S = Math.max(1, Math.min(P, Math.floor(options.sampleSize ?? EVOLUTION_DEFAULTS.sampleSize)));
  const familyRate = options.familyMutationRate ?? EVOLUTION_DEFAULTS.familyMutationRate;
  const spaceOf = options.spaceOf ?? trialSpace;
  return {
    name: 'evolution',
    suggest(history, ctx) {
      requireFamilies(ctx);
      const rng = new Rng(seedFrom(ctx.seed, `evolution-${history.length}`));
      const seen = new Set(history.map(configKey));
      const population = history.filter((t) => t.state === 'complete' && Number.isFinite(t.loss) && ctx.families.includes(t.family)).slice(-P);
      if (population.length < P) return novel(() => randomConfig(ctx, spaceOf, rng), seen);
      const parent = tournament(population, S, rng);
      const space = spaceOf(parent.family, ctx.shape);
      const base = repair(parent.params, space, rng);
      return novel(() => mutate(parent.family, base, space, ctx, spaceOf, familyRate, rng), seen);
    },
  };
}

/** The best (lowest loss) of S members drawn without replacement; ties go to the younger trial. */
function tournament(population: readonly FrozenTrial[], S: number, rng: Rng): FrozenTrial {
  const picks = Int32Array.from(population.keys());
  let best: FrozenTrial | null = null;
  for (let i = 0; i < S; i++) {
    const j = i + rng.int(picks.length - i);
    [picks[i], picks[j]] = [picks[j], picks[i]];
    const t = population[picks[i]];
    if (best === null || t.loss! < best.loss! || (t.loss === best.loss && t.number > best.number)) best = t;
  }
  return best!;
}

/** The parent's parameters fitted to its family's current space: invalid or missing values are redrawn, unknown keys dropped. */
function repair(params: Params, space: SearchSpace, rng: Rng): Params {
  const out: Params = {};
  for (const name of Object.keys(space).sort()) {
    const d = space[name];
    const v = params[name];
    out[name] = v !== undefined && inDistribution(d, v) ? v : sampleDistribution(d, rng);
  }
  return out;
}

function inDistribution(d: Distribution, v: Params[string]): boolean {
  if (d.type === 'categorical') return d.choices.includes(v);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < d.low || v > d.high) return false;
  return d.type === 'float' || Number.isInteger(v);
}

/** One mutation: another family (a fresh random configuration of it) or one parameter changed. */
function mutate(family: TrialConfig['family'], params: Params, space: SearchSpace, ctx: SamplerContext, spaceOf: SpaceProvider, familyRate: number, rng: Rng): TrialConfig {
  const others = ctx.families.filter((f) => f !== family);
  if (others.length > 0 && rng.next() < familyRate) {
    const next = others[rng.int(others.length)];
    return { family: next, params: repair({}, spaceOf(next, ctx.shape), rng) };
  }
  const names = Object.keys(space).sort();
  if (names.length === 0) return { family, params: { ...params } };
  const name = names[rng.int(names.length)];
  return { family, params: { ...params, [name]: mutateValue(space[name], params[name], rng) } };
}

/**
 * A changed value: another choice of a categorical; a numeric moved by a normal step on its (log) scale,
 * clamped to the bounds (integers move by at least 1 when they can).
 */
export function mutateValue(d: Distribution, v: Params[string], rng: Rng): Params[string] {
  if (d.type === 'categorical') {
    if (d.choices.length < 2) return d.choices[0];
    const at = d.choices.indexOf(v);
    const k = rng.int(d.choices.length - 1);
    return d.choices[at < 0 || k < at ? k : k + 1];
  }
  // A range of one value (a forecast's past_lags of [1, 1]) has nothing to move to: its steps were NaN.
  if (!(d.high > d.low)) return d.low;
  const toUnit = (x: number) => (d.log ? (Math.log(x) - Math.log(d.low)) / (Math.log(d.high) - Math.log(d.low)) : (x - d.low) / (d.high - d.low));
  const fromUnit = (u: number) => (d.log ? Math.exp(Math.log(d.low) + u * (Math.log(d.high) - Math.log(d.low))) : d.low + u * (d.high - d.low));
  const x = v as number;
  const u = Math.min(1, Math.max(0, toUnit(x) + STEP * rng.normal()));
  let next = Math.min(d.high, Math.max(d.low, fromUnit(u)));
  if (d.type === 'int') {
    next = Math.round(next);
    if (next === x && d.high > d.low) next = x >= d.high ? x - 1 : x <= d.low ? x + 1 : x + (rng.next() < 0.5 ? -1 : 1);
  }
  return next;
}

/** Draws until the configuration is new (running and finished ones count), or returns the last draw. */
function novel(draw: () => TrialConfig, seen: ReadonlySet<string>): TrialConfig {
  let config = draw();
  for (let i = 0; i < MAX_REDRAWS && seen.has(configKey(config)); i++) config = draw();
  return config;
}

/** A canonical text of a configuration (sorted parameter names), for duplicate checks. */
function configKey(config: TrialConfig): string {
  const names = Object.keys(config.params).sort();
  return JSON.stringify([config.family, names.map((n) => [n, config.params[n]])]);
}

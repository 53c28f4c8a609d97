/**
 * @module engine/search/samplers
 * Every sampler, and the one place a job's `strategy` becomes a sampler.
 */
import { assertNever } from '../../core/errors';
import type { Sampler } from '../sampler';
import type { TrialConfig } from '../trial';
import { type EvolutionOptions, evolutionSampler } from './evolution';
import { type GridOptions, gridSampler } from './grid';
import { withPortfolio } from './portfolio';
import { randomSampler } from './random';
import { type TpeOptions, tpeSampler } from './tpe';
import { withWarmStart } from './warm-start';

export { EVOLUTION_DEFAULTS, evolutionSampler, type EvolutionOptions } from './evolution';
export { GRID_DEFAULTS, gridSampler, gridValues, resolveGridOptions, type GridOptions } from './grid';
export { type MemoryScreenOptions, withMemoryScreen } from './memory-screen';
export { withPortfolio } from './portfolio';
export { randomSampler } from './random';
export { resolveTpeOptions, TPE_DEFAULTS, tpeSampler, type TpeOptions } from './tpe';
export { fitToSpace, withWarmStart } from './warm-start';
export { configKey, proposeUnseen, REPEAT_ATTEMPTS, searchExhausted, spaceSize } from './unseen';

/** Search strategies a job may ask for. */
export type SamplerStrategy = 'auto' | 'random' | 'grid' | 'bayes' | 'evolution';

/** Per-sampler options, used by the strategies that build that sampler. */
export interface SamplerForOptions {
  readonly tpe?: TpeOptions;
  readonly grid?: GridOptions;
  readonly evolution?: EvolutionOptions;
  /**
   * Configurations to try first (a retraining job's champion): they take the place of the portfolio
   * under `auto`, and come before the strategy's own suggestions otherwise.
   */
  readonly warmStart?: readonly TrialConfig[];
}

/**
 * The sampler for a strategy: `auto` tries each family's default first (portfolio) and then TPE,
 * `bayes` is TPE alone, `grid` grid search, `random` random search and `evolution` regularised evolution. With `options.warmStart`, those
 * configurations come first (see warm-start).
 * @example
 * const sampler = samplerFor(config.strategy);
 */
export function samplerFor(strategy: SamplerStrategy, options: SamplerForOptions = {}): Sampler {
  if (options.warmStart && options.warmStart.length > 0) {
    // The champion's configurations are a better start than the cold portfolio, so auto drops it.
    const rest = strategy === 'auto' ? tpeSampler(options.tpe) : samplerFor(strategy, { ...options, warmStart: undefined });
    return withWarmStart(options.warmStart, rest);
  }
  switch (strategy) {
    case 'auto':
      return withPortfolio(tpeSampler(options.tpe));
    case 'bayes':
      return tpeSampler(options.tpe);
    case 'grid':
      return gridSampler(options.grid);
    case 'random':
      return randomSampler;
    case 'evolution':
      return evolutionSampler(options.evolution);
    default:
      return assertNever(strategy, 'search strategy');
  }
}

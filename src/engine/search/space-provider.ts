/**
 * @module engine/search/space-provider
 * Where samplers get each family's search space from, and the one uniform random draw over the joint
 * (family, then that family's parameters) space that the grid and TPE samplers fall back on. Production
 * searches `trialSpace`: the family's registry space merged with the pipeline options that family may use
 * (features/pipeline-space), which run-trial splits apart again; for a forecast job (the shape carries
 * `forecast`) it is the forecast family's space (engine/forecast). Tests inject synthetic spaces through
 * the same seam.
 */
import { EngineError } from '../core/errors';
import type { Rng } from '../core/rng';
import type { DataShape, ModelFamily } from '../models/model';
import { pipelineDefaults, pipelineSpace } from '../features/pipeline-space';
import { forecastDefaults, forecastSpace } from '../forecast/space';
import type { ForecastFamily } from '../forecast/types';
import { getModelSpec } from '../models/registry';
import { sampleSpace } from './sample-distribution';
import type { SamplerContext } from './sampler';
import type { Params, SearchSpace } from './space';
import type { SearchFamily, TrialConfig } from './trial';

/** Maps a family (and the data's shape, since bounds may depend on it) to its declared search space. */
export type SpaceProvider = (family: SearchFamily, shape: DataShape) => SearchSpace;

/** Each family's own `space(shape)` from the model registry (model parameters only). */
export const registrySpace: SpaceProvider = (family, shape) => getModelSpec(family).space(shape);

/**
 * The production provider: a family's model parameters plus its pipeline parameters (class weights,
 * feature selection, construction, augmentation). Pipeline keys never collide with a family's own: a
 * family that declares `class_weight` itself is offered no pipeline `class_weight`.
 */
export const trialSpace: SpaceProvider = (family, shape) =>
  shape.forecast ? forecastSpace(family as ForecastFamily, shape.forecast) : { ...pipelineSpace(family as ModelFamily, shape), ...registrySpace(family, shape) };

/** A family's strong default configuration in the same space (the zero-shot start and warm-start fill-in). */
export function familyDefaults(family: SearchFamily, shape: DataShape): Params {
  if (shape.forecast) return forecastDefaults(family as ForecastFamily, shape.forecast);
  return { ...pipelineDefaults(family as ModelFamily, shape), ...getModelSpec(family).defaults(shape) };
}

/** Throws a clear error instead of letting a sampler index an empty family list. */
export function requireFamilies(ctx: SamplerContext): void {
  if (ctx.families.length === 0) throw new EngineError('invalid_params', 'the job allows no model families; list at least one in `models`');
}

/**
 * A uniform draw: a family uniformly among the allowed ones, then each parameter from its distribution.
 * The draw order matches `randomSampler`, so with the registry provider and the same Rng seed both give
 * the same configuration (TPE's startup phase is then exactly random search).
 */
export function randomConfig(ctx: SamplerContext, spaceOf: SpaceProvider, rng: Rng): TrialConfig {
  requireFamilies(ctx);
  const family = ctx.families[rng.int(ctx.families.length)];
  return { family, params: sampleSpace(spaceOf(family, ctx.shape), rng) };
}

/**
 * @module engine/features/pipeline-space
 * The searchable data-preparation options of a trial, declared as data next to the model families' own
 * spaces: class weighting, feature selection, feature construction and training-set augmentation. Which
 * options exist depends on the family (its feature style, whether it reads row weights, whether it owns a
 * `class_weight` of its own) and on the task. Samplers see the family space merged with this one (see
 * search/space-provider); run-trial splits a suggested point back into model and pipeline parameters, so
 * model specs never receive a key they do not know.
 */
import { EngineError } from '../core/errors';
import type { DataShape, ModelFamily } from '../models/model';
import { getModelSpec } from '../models/registry';
import { categorical, type Distribution, float, type Params, type SearchSpace } from '../search/space';

/** Class weighting applied as TrainSet.weights: none, or each class weighing n / (K · n_class). */
export type ClassWeightOption = 'none' | 'balanced';
/** Feature selection after encoding: none, a binned mutual-information filter, or quick-model importance. */
export type SelectOption = 'none' | 'mutual_info' | 'importance';
/** Feature construction for dense models: none, or pairwise terms of the most informative numeric features. */
export type ConstructOption = 'none' | 'pairs';
/** Training-fold augmentation: SMOTE oversampling (classification) or gaussian-noise copies (regression). */
export type AugmentOption = 'none' | 'smote' | 'noise';

/** Resolved pipeline options of one trial. */
export interface PipelineOptions {
  readonly classWeight: ClassWeightOption;
  readonly select: SelectOption;
  /** Fraction of features kept by `select` (0.3..1). */
  readonly selectKeep: number;
  readonly construct: ConstructOption;
  readonly augment: AugmentOption;
}

/** Defaults: every step off, so the zero-shot portfolio (which sends family defaults only) runs as before. */
export const PIPELINE_DEFAULTS: Readonly<PipelineOptions> = Object.freeze({
  classWeight: 'none',
  select: 'none',
  selectKeep: 1,
  construct: 'none',
  augment: 'none',
});

/** Parameter keys the pipeline may own (a family that declares one of them keeps it, e.g. linear's class_weight). */
export const PIPELINE_KEYS: ReadonlySet<string> = new Set(['class_weight', 'fe_select', 'fe_select_keep', 'fe_construct', 'augment']);

/**
 * Families that read TrainSet.weights but have no class_weight parameter of their own. Linear and the
 * forests balance classes themselves, so offering the pipeline option there too would weigh twice.
 */
const WEIGHT_READERS: ReadonlySet<ModelFamily> = new Set(['gbdt', 'mlp', 'knn', 'cnn']);

/**
 * The pipeline options a family may search for data of this shape.
 * @example
 * const space = { ...getModelSpec('mlp').space(shape), ...pipelineSpace('mlp', shape) };
 */
export function pipelineSpace(family: ModelFamily, shape: DataShape): SearchSpace {
  const spec = getModelSpec(family);
  const own = spec.space(shape);
  const classification = shape.task !== 'regression';
  const space: Record<string, Distribution> = {};
  if (classification && WEIGHT_READERS.has(family) && !('class_weight' in own)) space.class_weight = categorical('none', 'balanced');
  // Image models see every pixel in place: no selection, construction or row augmentation of the table.
  if (spec.featureStyle === 'pixels') return space;
  space.fe_select = categorical('none', 'mutual_info', 'importance');
  space.fe_select_keep = float(0.3, 1);
  if (spec.featureStyle === 'dense') {
    space.fe_construct = categorical('none', 'pairs');
    space.augment = categorical('none', classification ? 'smote' : 'noise');
  }
  return space;
}

/**
 * The default point of a family's pipeline space: every step off (none, keep everything). The portfolio
 * sends it with the family defaults, so zero-shot trials train exactly as without the pipeline options.
 */
export function pipelineDefaults(family: ModelFamily, shape: DataShape): Params {
  const defaults: Params = {};
  for (const [key, d] of Object.entries(pipelineSpace(family, shape))) defaults[key] = d.type === 'categorical' ? 'none' : key === 'fe_select_keep' ? 1 : d.low;
  return defaults;
}

/**
 * Splits a trial's parameters into the model's and the pipeline's. A key goes to the pipeline when it is
 * a pipeline key the family does not declare itself; everything else stays with the model (whose spec
 * then validates it). Pipeline values are checked here, naming the bad one.
 */
export function splitTrialParams(family: ModelFamily, params: Params, shape: DataShape): { model: Params; pipeline: PipelineOptions } {
  const spec = getModelSpec(family);
  const own = new Set([...Object.keys(spec.space(shape)), ...Object.keys(spec.defaults(shape))]);
  const model: Params = {};
  const pipe: Params = {};
  for (const [key, value] of Object.entries(params)) {
    if (PIPELINE_KEYS.has(key) && !own.has(key)) pipe[key] = value;
    else model[key] = value;
  }
  return { model, pipeline: resolvePipelineOptions(pipe, shape) };
}

/** Reads pipeline parameters over PIPELINE_DEFAULTS; throws EngineError('invalid_params') on a bad value. */
export function resolvePipelineOptions(params: Params, shape?: DataShape): PipelineOptions {
  const pick = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = params[key] ?? fallback;
    if (!allowed.includes(v as T)) throw invalid(key, v, allowed.map((a) => `'${a}'`).join(' or '));
    return v as T;
  };
  const keep = params.fe_select_keep ?? PIPELINE_DEFAULTS.selectKeep;
  if (typeof keep !== 'number' || !(keep > 0 && keep <= 1)) throw invalid('fe_select_keep', keep, 'a number in (0, 1]');
  const augment = pick<AugmentOption>('augment', ['none', 'smote', 'noise'], PIPELINE_DEFAULTS.augment);
  if (shape && augment !== 'none' && (augment === 'noise') !== (shape.task === 'regression')) {
    throw invalid('augment', augment, shape.task === 'regression' ? "'none' or 'noise' for regression" : "'none' or 'smote' for classification");
  }
  return {
    classWeight: pick<ClassWeightOption>('class_weight', ['none', 'balanced'], PIPELINE_DEFAULTS.classWeight),
    select: pick<SelectOption>('fe_select', ['none', 'mutual_info', 'importance'], PIPELINE_DEFAULTS.select),
    selectKeep: keep,
    construct: pick<ConstructOption>('fe_construct', ['none', 'pairs'], PIPELINE_DEFAULTS.construct),
    augment,
  };
}

function invalid(key: string, value: unknown, expected: string): EngineError {
  return new EngineError('invalid_params', `pipeline parameter ${key} must be ${expected}, got ${JSON.stringify(value)}`, { param: key });
}

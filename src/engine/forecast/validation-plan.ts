/**
 * @module engine/forecast/validation-plan
 * Where the rolling-origin validation cuts the series. Origins sit at the end of every series, `step`
 * points apart; each fold fits on everything before its origin and scores the next `horizon` points.
 * Never a random split: a model is only ever scored on points after the ones it was fitted on.
 *
 * The rule for short series: the earliest fold must keep at least `minTrain` = max(4 * season, 20)
 * points to fit on. The validation horizon is the job's horizon when that fits, else the longest one
 * that does (origins `ceil(h / origins)` apart, so the folds overlap less as h shrinks); when not even
 * one step fits with three origins, a single origin is tried; below that the series is refused. A job
 * asking for its own number of origins (forecast.origins) gets exactly that many or is refused: the
 * worker checks mostOrigins first.
 */
import { EngineError } from '../core/errors';
import type { ForecastShape } from './types';

export const DEFAULT_ORIGINS = 3;
/** Most rolling origins a job may ask for (forecast.origins): each costs a fit per trial. */
export const MAX_ORIGINS = 10;

export interface ValidationPlan {
  /** Points scored after each origin (at most the job's horizon). */
  readonly horizon: number;
  readonly origins: number;
  /** Distance between consecutive origins. */
  readonly step: number;
  /** Points the earliest fold fits on, in the shortest series. */
  readonly earliestTrain: number;
}

/** Fewest points the earliest fold may fit on. */
export function minTrainLength(season: number): number {
  return Math.max(4 * season, 20);
}

function tryPlan(length: number, horizon: number, origins: number, minTrain: number): ValidationPlan | null {
  for (let h = horizon; h >= 1; h--) {
    const step = Math.max(1, Math.ceil(h / origins));
    const earliestTrain = length - h - (origins - 1) * step;
    if (earliestTrain >= minTrain) return { horizon: h, origins, step, earliestTrain };
  }
  return null;
}

/**
 * The plan for a data shape; throws EngineError('invalid_dataset') when the series is too short, naming
 * `shortestGroup` (the group of the shortest series) when given.
 */
export function validationPlan(shape: ForecastShape, origins = DEFAULT_ORIGINS, shortestGroup?: string): ValidationPlan {
  if (!(Number.isInteger(origins) && origins >= 1)) throw new EngineError('invalid_params', `origins must be an integer >= 1; got ${origins}`, { param: 'origins' });
  if (!(Number.isInteger(shape.horizon) && shape.horizon >= 1)) throw new EngineError('invalid_params', `horizon must be an integer >= 1; got ${shape.horizon}`, { field: 'horizon' });
  const minTrain = minTrainLength(shape.season);
  const plan = tryPlan(shape.length, shape.horizon, origins, minTrain) ?? (origins > 1 ? tryPlan(shape.length, shape.horizon, 1, minTrain) : null);
  if (plan === null) {
    const which = shortestGroup === undefined ? 'the shortest series' : `the shortest series (group "${shortestGroup}")`;
    throw new EngineError(
      'invalid_dataset',
      `${which} has ${shape.length} points; rolling-origin validation needs at least ${minTrain + 1} (${minTrain} to fit on, with a season of ${shape.season}, plus one to score)`,
      { length: shape.length, needed: minTrain + 1, ...(shortestGroup === undefined ? {} : { group: shortestGroup }) },
    );
  }
  return plan;
}

/**
 * The most rolling origins, up to `limit`, the series of `shape` holds with each fold validating at least
 * `minHorizon` steps (the rule of validationPlan, without its fall-back to a single origin); 0 when not
 * even one does.
 */
export function mostOrigins(shape: ForecastShape, limit = MAX_ORIGINS, minHorizon = 1): number {
  const minTrain = minTrainLength(shape.season);
  for (let origins = limit; origins >= 1; origins--) {
    const plan = tryPlan(shape.length, shape.horizon, origins, minTrain);
    if (plan !== null && plan.horizon >= minHorizon) return origins;
  }
  return 0;
}

/** Index of fold k's origin (k = 0 is the latest) in a series of `length` points. */
export function originIndex(plan: ValidationPlan, length: number, k: number): number {
  return length - plan.horizon - k * plan.step;
}

/** How many raw values a learned model may reach back while the earliest fold keeps rows to learn from. */
export function maxReach(plan: ValidationPlan): number {
  return Math.max(1, plan.earliestTrain - 12);
}

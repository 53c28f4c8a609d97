/**
 * @module engine/forecast/past-covariates
 * Past-only covariates of a forecast: columns beside the target observed up to the present but not ahead
 * (yesterday's web visits, observed weather, a competitor's price), which may lead the target. Nobody
 * knows their future, so nothing guesses it: a model reads them only at lags of at least the job's
 * horizon H (t - H, t - H - 1, …), so every value a forecast of at most H steps needs was observed at the
 * forecast's origin, and a forecast request gives none of them (the envelope keeps each series' recent
 * values, as it keeps the target's tail). A model that reads them forecasts at most H steps ahead.
 * Rolling-origin validation stays honest by the same rule: a fold never reads a value after its origin.
 * Here: reading them beside the known-future ones (./covariates, the same rules; the limits count both
 * lists together and a column may be in one only), and the lags they are read at.
 */
import { EngineError } from '../core/errors';
import type { Dataset } from '../data/dataset';
import { checkWidth, type DatasetCovariates, MAX_COVARIATES, readCovariates } from './covariates';
import { MAX_COVARIATE_FEATURES, MAX_COVARIATE_MATRIX_BYTES } from './lag-features';

/** The covariates of a dataset's series: known-future ones, past-only ones, each absent when none are named. */
export interface CovariateSets {
  readonly known?: DatasetCovariates;
  readonly past?: DatasetCovariates;
}

/**
 * Reads the known-future (`known`) and past-only (`past`) covariate columns; throws EngineError naming
 * the column when one is in both lists, and the fields when together they name more than MAX_COVARIATES
 * columns or encode to more than MAX_COVARIATE_COLUMNS; each list is otherwise read as ./covariates reads it
 * (with `used`, the rows a model learns from, their categories and ranges).
 */
export function readCovariateSets(ds: Dataset, known: readonly string[] | undefined, past: readonly string[] | undefined, taken: { target: string; time: string; group?: string }, used?: Uint8Array): CovariateSets {
  const k = known ?? [];
  const p = past ?? [];
  const both = p.find((name) => k.includes(name));
  if (both !== undefined) {
    throw new EngineError(
      'invalid_dataset',
      `column "${both}" is in both forecast.covariates and forecast.past_covariates; name it in one: covariates if its future values are known, past_covariates if it is observed only up to now`,
      { field: 'forecast.past_covariates', column: both },
    );
  }
  if (k.length > 0 && p.length > 0 && k.length + p.length > MAX_COVARIATES) {
    throw new EngineError('invalid_dataset', `forecast.covariates and forecast.past_covariates name ${k.length + p.length} columns together; at most ${MAX_COVARIATES}`, { field: 'forecast.past_covariates' });
  }
  const sets: CovariateSets = {
    ...(k.length > 0 ? { known: readCovariates(ds, k, taken, 'forecast.covariates', used) } : {}),
    ...(p.length > 0 ? { past: readCovariates(ds, p, taken, 'forecast.past_covariates', used) } : {}),
  };
  if (sets.known && sets.past) checkWidth([...sets.known.specs, ...sets.past.specs], 'forecast.covariates and forecast.past_covariates together', 'forecast.past_covariates');
  return sets;
}

/**
 * How many lags of each past covariate a model reads when its parameters do not say (`past_lags`): a
 * season of them (a week of days reads H to H + 6), at least 4 and at most 24.
 */
export function defaultPastLags(season: number): number {
  return Math.min(24, Math.max(4, season));
}

/**
 * The lags `width` past covariate columns are read at: `count` of them from the horizon on (H, H + 1, …),
 * fewer (at least one, H) when a training matrix of `rows` rows, beside the `knownFeatures` feature
 * columns of the known-future covariates, would exceed MAX_COVARIATE_FEATURES or MAX_COVARIATE_MATRIX_BYTES.
 */
export function pastCovariateLagsOf(horizon: number, count: number, width: number, rows = 0, knownFeatures = 0): number[] {
  if (!(Number.isInteger(horizon) && horizon >= 1)) throw new EngineError('invalid_params', `past covariates are read at least the horizon back; the horizon must be an integer >= 1, got ${horizon}`, { field: 'horizon' });
  let n = count;
  const fits = (c: number) => {
    const features = knownFeatures + c * width;
    return features <= MAX_COVARIATE_FEATURES && features * rows * 4 <= MAX_COVARIATE_MATRIX_BYTES;
  };
  while (n > 1 && !fits(n)) n--;
  return Array.from({ length: n }, (_, i) => horizon + i);
}


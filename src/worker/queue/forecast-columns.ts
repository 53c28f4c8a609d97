/**
 * @module worker/queue/forecast-columns
 * The series columns of a forecast job, as the engine reads them: one definition for the trial, the blend
 * and the champion/challenger comparison, which must all cut the same series out of the same dataset
 * (the horizon too: it bounds the newest empty past-covariate cells filled, engine/forecast/past-covariate-fill).
 */
import type { SeriesColumns } from '../../engine/forecast';
import type { ForecastJobSpec } from '../../durable/protocol';

export function forecastColumns(target: string, spec: ForecastJobSpec): SeriesColumns {
  return { target, timeColumn: spec.time_column, ...(spec.group_column ? { groupColumn: spec.group_column } : {}), ...(spec.min_length ? { minLength: spec.min_length } : {}), ...(spec.covariates?.length ? { covariates: spec.covariates } : {}), ...(spec.past_covariates?.length ? { pastCovariates: spec.past_covariates } : {}), ...(spec.timezone ? { timezone: spec.timezone } : {}), horizon: spec.horizon };
}

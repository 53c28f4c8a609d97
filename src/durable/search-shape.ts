/**
 * @module durable/search-shape
 * A job's data shape as the sampler sees it: search spaces bound their ranges by it, and the late-start
 * check prices an untried family's default trial on it (durable/late-start). Pure, from the job's config.
 */
import type { DataShape } from '../engine';
import type { JobConfig } from './protocol';

export function searchShape(config: JobConfig): DataShape {
  const { forecast, image } = config;
  return {
    rows: config.dataset.rows,
    cols: config.dataset.cols,
    task: config.task,
    nClasses: config.classes.length,
    ...(image ? { image } : {}),
    ...(forecast ? { forecast: { length: forecast.length, season: forecast.season, groups: forecast.groups, horizon: forecast.horizon, positive: forecast.positive, ...(forecast.week ? { week: forecast.week } : {}), ...(forecast.season_reach ? { seasonReach: forecast.season_reach } : {}), ...(forecast.past_covariates?.length ? { pastCovariates: true } : {}), ...(forecast.origins !== undefined ? { origins: forecast.origins } : {}) } } : {}),
  };
}

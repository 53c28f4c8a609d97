/**
 * @module engine/forecast
 * Time-series forecasting (task "forecast"): series extraction and frequency detection, lag and window
 * features, baselines, tabular and recurrent families, rolling-origin validation, the trial harness, the
 * envelope and the serving-side forecaster with prediction intervals. The public surface for the worker.
 */
export type { ForecastFamily, ForecastShape, SeriesColumns, SeriesData, SeriesFrequency, SeriesInfo } from './types';
export { allPositive, describeSeries, extractSeries, type ExtractedSeries } from './series';
export { DEFAULT_FORECAST_FAMILIES, FORECAST_FAMILIES, forecastDefaults, forecastSpace, pastLagBound } from './space';
export { rnnTrialCostMs } from './rnn-cost';
export { DEFAULT_ORIGINS, MAX_ORIGINS, minTrainLength, mostOrigins, validationPlan, type ValidationPlan } from './validation-plan';
export { formatTime, naivePeriod, naturalSeason, weekPeriod } from './frequency';
export { type GroupLength, shortGroupLength } from './group-length';
export { seasonReach } from './clock-alignment';
export { localClockWarnings, localTimeNote } from './local-clock';
export { forecastShapeOf, HORIZON_CAP_FACTOR, runForecastTrial, type ForecastTrialOutcome, type ForecastTrialSpec } from './run-forecast-trial';
export {
  FORECAST_ENVELOPE_FORMAT,
  FORECAST_ENVELOPE_VERSION,
  parseForecastEnvelope,
  publicationWidening,
  withWidenedSpread,
  type ForecastEnvelope,
  type ForecastGroupState,
} from './envelope';
export { loadForecaster, type ForecastOptions, type Forecaster, type ForecastPoint, type SeriesHistory } from './forecaster';
export { advanceEnvelope, type AdvancedSeries, type AdvanceOutcome, type SeriesLeft } from './advance-envelope';
export { scoreOnSeriesTail, type SeriesKnowledge, seriesKnownTo, stateAtLatest, type TailScore, unseenTailCategories, type UnseenTailCategories, withoutSeriesTail } from './series-holdout';
export { DEFAULT_LEVEL, MAX_LEVEL, MAX_QUANTILE, MAX_QUANTILES, MIN_LEVEL, MIN_QUANTILE } from './intervals';
export { normalQuantile } from './normal-quantile';
export { COVARIATE_FAMILIES, type CovariateSpec, MAX_COVARIATES, PAST_COVARIATE_FAMILIES } from './covariates';
export { unreadCovariateWarnings } from './unread-covariate-warnings';
export { forecastOriginTruth, originTruthOf, type OriginTruth } from './origin-truth';
export { FORECAST_BLEND_MAX_MEMBERS, selectForecastBlend, type ForecastBlendCandidate, type ForecastBlendSelection } from './select-blend';
export { FORECAST_METRICS, ForecastErrors, type ForecastMetric, forecastMetricOf, isForecastMetric, maseScale } from './forecast-metric';
export { buildForecastBlendEnvelope, type BlendMemberEnvelope } from './blend-envelope';
export { listedSeriesScores, MAX_LISTED_SERIES_SCORES, originSeriesScores, type SeriesScore, worstFirst } from './series-scores';
export { forecastModelFamilies } from './blend-model';
export { checkNewestFills, type PastCovariateFill } from './past-covariate-fill';
export { pastFillWarnings } from './past-covariate-fill-warnings';
export { explainLateStart, type LateCovariateStart, lateStartNote, showTimeOf } from './covariate-start';
export { lateShortWarnings, lateStartWarnings } from './covariate-start-warnings';

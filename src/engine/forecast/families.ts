/**
 * @module engine/forecast/families
 * One switch from a forecast family to its fit and load functions, exhaustive over ForecastFamily so a
 * new family cannot be half-registered; loading rejects unknown families with EngineError('bad_artifact').
 */
import { assertNever, EngineError } from '../core/errors';
import type { Params } from '../search/space';
import { drift, loadBaseline, naivePeriodWithin, seasonalNaive } from './baselines';
import { fitEtsForecaster, loadEtsForecaster } from './ets-forecaster';
import { loadForecastBlend } from './blend-model';
import type { Calendar } from './calendar';
import { naivePeriod } from './frequency';
import type { FitSeries, FittedForecastModel, ForecastFitContext, ForecastModelArtifact } from './forecast-model';
import { fitRnnForecaster, loadRnnForecaster } from './rnn-forecaster';
import { fitTabularForecaster, loadTabularForecaster } from './tabular-forecaster';
import type { ForecastFamily } from './types';

export async function fitForecastModel(family: ForecastFamily, params: Params, series: readonly FitSeries[], ctx: ForecastFitContext): Promise<FittedForecastModel> {
  switch (family) {
    case 'seasonal_naive':
      return seasonalNaive(naivePeriodWithin(naivePeriod(ctx.calendar.frequency, ctx.calendar.season), ctx.calendar.season, Math.min(...series.map((s) => s.values.length))));
    case 'drift':
      return drift();
    case 'linear':
    case 'gbdt':
    case 'random_forest':
      return fitTabularForecaster(family, params, series, ctx);
    case 'ets':
      return fitEtsForecaster(params, series, ctx);
    case 'rnn':
      return fitRnnForecaster(params, series, ctx);
    default:
      return assertNever(family, 'forecast family');
  }
}

export async function loadForecastModel(artifact: ForecastModelArtifact, calendar: Calendar): Promise<FittedForecastModel> {
  if (typeof artifact !== 'object' || artifact === null) throw new EngineError('bad_artifact', 'the forecast envelope has no model');
  const family = artifact.family;
  switch (family) {
    case 'seasonal_naive':
    case 'drift':
      return loadBaseline(artifact);
    case 'linear':
    case 'gbdt':
    case 'random_forest':
      return loadTabularForecaster(artifact, calendar);
    case 'ets':
      return loadEtsForecaster(artifact, calendar);
    case 'rnn':
      return loadRnnForecaster(artifact, calendar);
    case 'ensemble':
      return loadForecastBlend(artifact, calendar, loadForecastModel);
    default:
      return assertNever(family, 'forecast family');
  }
}

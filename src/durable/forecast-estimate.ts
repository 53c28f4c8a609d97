/**
 * @module durable/forecast-estimate
 * A forecast job's estimate of how its pick will do on new data, from the trials' errors per rolling
 * origin (engine/eval/fold-selection-estimate): shown in the job view as `best_estimate`, and used at
 * publication to widen the published model's prediction intervals by the optimism of picking it (its
 * validation errors, which the intervals are built from, are the luckiest of the search's).
 */
import { foldSelectionEstimate, type FoldSelectionEstimate } from '../engine/eval/fold-selection-estimate';
import { forecastMetricOf } from '../engine/forecast';
import type { JobState } from './job-journal';
import type { BestEstimate } from './protocol';

/** The estimate over every completed trial of a forecast job; undefined for other jobs or a single origin. */
export function forecastEstimate(s: JobState): FoldSelectionEstimate | undefined {
  if (!s.config?.forecast) return undefined;
  const folds = s.order.flatMap((t) => (t.state === 'complete' && t.report?.status === 'complete' ? [t.report.fold_scores] : []));
  // In the job's metric: an rmse is averaged over origins in squares, a mean error (mae, mase, mape) as it is.
  return foldSelectionEstimate(folds, s.config.seed, forecastMetricOf(s.config.metric) === 'rmse');
}

/**
 * The estimate as the job view shows it (BestEstimate, as for tables); `rows` counts the validation
 * points behind each trial's score (origins × validated steps × series).
 */
export function forecastBestEstimate(s: JobState): BestEstimate | undefined {
  const e = forecastEstimate(s);
  // Every trial of a job validates on the same plan: any completed one tells its size.
  const some = s.order.find((t) => t.state === 'complete' && t.report?.status === 'complete');
  if (!e || some?.report?.status !== 'complete') return undefined;
  const info = some.report.fit_info;
  const rows = (info.origins ?? some.report.fold_scores.length) * (info.validation_horizon ?? s.config!.forecast!.horizon) * s.config!.forecast!.groups;
  return { score: e.score, interval: e.interval, bootstraps: e.bootstraps, candidates: e.candidates, rows };
}

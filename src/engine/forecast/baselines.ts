/**
 * @module engine/forecast/baselines
 * The two baselines every forecast leaderboard shows (no parameters): seasonal naive repeats the last
 * observed season (the last value when there is no season), drift extends the straight line from the
 * series' first to its last value. They are the bar a learned model must clear.
 */
import { EngineError } from '../core/errors';
import type { FittedForecastModel, ForecastModelArtifact, SeriesState } from './forecast-model';

export const BASELINE_ARTIFACT_VERSION = 1;

class SeasonalNaive implements FittedForecastModel {
  readonly family = 'seasonal_naive' as const;
  readonly fitInfo = {};
  constructor(readonly tailLength: number) {}

  forecast(state: SeriesState, steps: number): Float64Array {
    const { tail } = state;
    const s = this.tailLength;
    if (tail.length < s) throw new EngineError('invalid_input', `seasonal naive needs the last ${s} values, got ${tail.length}`);
    const out = new Float64Array(steps);
    // Step h repeats the value one whole number of seasons earlier that was observed.
    for (let h = 0; h < steps; h++) out[h] = tail[tail.length - s + (h % s)];
    return out;
  }

  toArtifact(): ForecastModelArtifact {
    return { family: this.family, version: BASELINE_ARTIFACT_VERSION, season: this.tailLength };
  }

  dispose(): void {}
}

class Drift implements FittedForecastModel {
  readonly family = 'drift' as const;
  readonly tailLength = 1;
  readonly fitInfo = {};

  forecast(state: SeriesState, steps: number): Float64Array {
    const last = state.tail[state.tail.length - 1];
    const slope = state.count > 1 ? (last - state.first) / (state.count - 1) : 0;
    const out = new Float64Array(steps);
    for (let h = 0; h < steps; h++) out[h] = last + (h + 1) * slope;
    return out;
  }

  toArtifact(): ForecastModelArtifact {
    return { family: this.family, version: BASELINE_ARTIFACT_VERSION };
  }

  dispose(): void {}
}

export function seasonalNaive(season: number): FittedForecastModel {
  return new SeasonalNaive(Math.max(1, season));
}

/**
 * The period seasonal naive repeats over histories of `shortest` points: `period` (frequency
 * naivePeriod), but the season when not every history holds a whole period. Only a business-hours series
 * whose days differ has a period longer than its season (a week, against the longest day), and the
 * earliest rolling-origin fold may hold less than a week (it needs only four seasons, validation-plan
 * minTrainLength, so a season always fits): its baseline then repeats the last day rather than failing,
 * which left the leaderboard without it. A fit on a whole week or more repeats the week as before.
 */
export const naivePeriodWithin = (period: number, season: number, shortest: number): number => (shortest >= period ? period : season);

export function drift(): FittedForecastModel {
  return new Drift();
}

/** Rebuilds a baseline; throws EngineError('bad_artifact') on an unknown version or shape. */
export function loadBaseline(artifact: ForecastModelArtifact): FittedForecastModel {
  if (artifact.version !== BASELINE_ARTIFACT_VERSION) throw new EngineError('bad_artifact', `unknown ${artifact.family} artifact version ${String(artifact.version)}`);
  if (artifact.family === 'drift') return drift();
  const season = artifact.season;
  if (!(typeof season === 'number' && Number.isInteger(season) && season >= 1)) throw new EngineError('bad_artifact', 'seasonal naive artifact has no valid season');
  return seasonalNaive(season);
}

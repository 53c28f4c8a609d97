/**
 * @module engine/forecast/forecast-model
 * The contract every forecast family implements: fit on one or more series (each with its own scale),
 * then forecast the next steps of a series from its recent history (its tail), on the original scale.
 * Fitted models serialise to a tagged, versioned artifact that ./families loads back.
 */
import type { Rng } from '../core/rng';
import type { Calendar } from './calendar';
import type { ForecastModelKind } from './types';

/** One series to fit on: raw values in time order, their times, and the series' scale (see target-transform). */
export interface FitSeries {
  readonly values: Float64Array;
  readonly times: Float64Array;
  readonly scale: number;
  /** The encoded known-future covariates at each point, a column per feature (./covariates); absent: none. */
  readonly covariates?: readonly Float64Array[];
  /** The encoded past-only covariates at each point (./past-covariates); absent: none. */
  readonly pastCovariates?: readonly Float64Array[];
}

/** Where a forecast starts: the last observed values of one series and what the families need besides. */
export interface SeriesState {
  /** The most recent raw values (at least the model's tailLength), oldest first. */
  readonly tail: Float64Array;
  /** Time of the last value in `tail`. */
  readonly lastTime: number;
  readonly scale: number;
  /** First value and length of the whole series (the drift baseline's slope). */
  readonly first: number;
  readonly count: number;
  /**
   * The encoded known-future covariates (./covariates), a column per feature: index i < tail.length is
   * the tail's point i, index tail.length + s the step s + 1 ahead. What the families that read
   * covariates need for the tail they look back on and every step they forecast; the others ignore it.
   */
  readonly covariates?: readonly Float64Array[];
  /**
   * The encoded past-only covariates (./past-covariates), a column per feature: index i is the tail's
   * point i, and there is nothing after the tail (their future is unknown). The families that read them
   * look at least their horizon back, so a forecast of at most that many steps never needs more.
   */
  readonly pastCovariates?: readonly Float64Array[];
  /**
   * The least value a forecast takes (./value-floor). The caller floors what a model forecasts (the
   * forecaster, rolling-origin validation); a blend also floors each member's forecast before weighing
   * them (./blend-model), as its weights were chosen on its members' floored validation forecasts. Absent: none.
   */
  readonly floor?: number;
}

export interface ForecastFitContext {
  readonly calendar: Calendar;
  readonly rng: Rng;
  /**
   * Steps ahead the job forecasts: past-only covariates are read at least this far back (a fit given
   * them without it is refused). Absent: no past covariates.
   */
  readonly horizon?: number;
  /** The target column's name, for messages. */
  readonly target: string;
  /** Lets the host serve other events during a long fit (see FitContext.yieldControl in models/model). */
  readonly yieldControl?: () => Promise<void>;
}

/** Serialised forecast model: family tag, format version and family-specific state. */
export interface ForecastModelArtifact {
  readonly family: ForecastModelKind;
  readonly version: number;
  readonly [key: string]: unknown;
}

export interface FittedForecastModel {
  readonly family: ForecastModelKind;
  /** Raw values of history a forecast needs. */
  readonly tailLength: number;
  /**
   * For a model that reads past-only covariates: the most steps ahead it can forecast from their observed
   * values (its shortest lag of them, the job's horizon). Absent: no such limit.
   */
  readonly pastHorizon?: number;
  /** The next `steps` values after the tail, on the original scale. */
  forecast(state: SeriesState, steps: number): Float64Array;
  toArtifact(): ForecastModelArtifact;
  readonly fitInfo: Readonly<Record<string, number>>;
  /** Frees native resources (tfjs tensors); a no-op for pure TypeScript models. */
  dispose(): void;
}

/**
 * @module engine/forecast/advance-envelope
 * Brings a fitted forecaster up to newer data without refitting it: each series it knows starts its
 * forecasts after its newest point instead of after the last point it was trained on. What a forecast
 * starts from is the envelope's per-series state (its recent values, their covariates and past covariates,
 * the last time and the length); the fitted parameters, the calendar, the spreads and each series' `scale`
 * stay as they are. The scale normalises the model's inputs (and the spreads are measured in it), so a
 * fitted model must keep it; `first` is the series' first point as the model saw it, and `count` grows by
 * the points added, so a trend feature or the drift line counts on from where the model left off.
 *
 * Every family forecasts from that state alone, so moving it is all advancing needs: the lag-feature
 * families, the baselines and rnn read the tail; ets keeps no state of its own and smooths the last
 * `window` points of the tail with its fitted weights (./ets-forecaster), so moving the tail runs its
 * level, trend and season on over the new points exactly as a forecast after the whole history does; a
 * blend's members all forecast from the one state the envelope keeps per series.
 *
 * A series is advanced only when the new data continue it: its last stored time is among the new points,
 * the new data agree with its stored values there and before, and the points after it are the model's
 * next steps. Otherwise (the data were replaced or corrected, the frequency changed, the series is gone,
 * a covariate holds a category the model was not trained with, a model reading its values through a
 * log sees a zero or a negative value: ./log-transform-reads) it is left exactly as it was, and the
 * outcome says why (./series-continuation). A series the model never saw stays unknown to it: advancing
 * learns nothing. A group too short to validate on, forecast by a rule on its stored points (./fallback),
 * is advanced by the same rule (./advance-fallback): its newest points replace the stored ones and its
 * rule is chosen again, and it stays a group the rule forecasts. A floor (./value-floor) is dropped when
 * an advanced series or group went below it: the target is no longer never negative.
 */
import { EngineError } from '../core/errors';
import type { Dataset } from '../data/dataset';
import { advanceFallbackGroups } from './advance-fallback';
import type { Calendar } from './calendar';
import { byName, type CovariateSpec, encodeStoredCovariates, type StoredCovariate, storedCovariates } from './covariates';
import type { ForecastEnvelope, ForecastGroupState } from './envelope';
import { extractSeries } from './series';
import { showTimeOf } from './covariate-start';
import { continuation } from './series-continuation';
import type { SeriesColumns, SeriesData, SeriesInfo } from './types';
import { readsThroughLog } from './log-transform-reads';
import { floorStillHolds } from './value-floor';

/** A series brought to its newest point: its last time before and after, and how many points were added. */
export interface AdvancedSeries {
  readonly group: string;
  readonly from: number;
  readonly to: number;
  readonly points: number;
}

/** A series left as it was, and why. */
export interface SeriesLeft {
  readonly group: string;
  readonly reason: string;
}

export interface AdvanceOutcome {
  /** The envelope with every advanced series' state moved; the same fitted model. */
  readonly envelope: ForecastEnvelope;
  /** Series moved to their newest points, in the envelope's order. */
  readonly advanced: readonly AdvancedSeries[];
  /** Series the model knows that were left as they were, in the envelope's order. */
  readonly left: readonly SeriesLeft[];
  /** Groups a simple rule forecasts (ForecastEnvelope.fallbackGroups) moved to their newest points, in the envelope's order. */
  readonly fallbackAdvanced: readonly AdvancedSeries[];
  /** Groups a simple rule forecasts that were left as they were, and why, in the envelope's order. */
  readonly fallbackLeft: readonly SeriesLeft[];
}

/**
 * The envelope with each of its series advanced to its newest point in `ds` (read by `columns`, as the
 * retraining job read it). Throws EngineError('invalid_input') when the data are not the model's series
 * at all (another target, time or group column, a covariate the model reads missing): nothing is
 * advanced then. A series that cannot be advanced is left as it was (AdvanceOutcome.left); the groups a
 * simple rule forecasts are advanced alike (AdvanceOutcome.fallbackAdvanced, fallbackLeft), and a new
 * envelope is made when either moved.
 */
export function advanceEnvelope(envelope: ForecastEnvelope, ds: Dataset, columns: SeriesColumns): AdvanceOutcome {
  // A model reading past covariates forecasts from filled newest cells (./past-covariate-fill) no more
  // than its own horizon allows, whatever the job's.
  const horizon = envelope.pastCovariates ? Math.min(envelope.horizon, columns.horizon ?? envelope.horizon) : columns.horizon;
  const { info, series, short } = extractSeries(ds, { ...columns, ...(horizon !== undefined ? { horizon } : {}) });
  checkSameSeries(envelope, info);
  const calendar: Calendar = { frequency: envelope.frequency, season: envelope.season, anchor: envelope.anchor };
  const byGroup = new Map(series.map((s) => [s.group, s]));
  // Every series keeps the tail the model forecasts from: the longest any of them keeps (a series shorter
  // than that when the model was fitted kept all it had, and grows into it).
  const keep = Math.max(...envelope.groups.map((g) => g.tail.length));
  const advanced: AdvancedSeries[] = [];
  const left: SeriesLeft[] = [];
  const groups = envelope.groups.map((g) => {
    const s = byGroup.get(g.group);
    const moved = s ? advanceGroup(g, s, envelope, info, calendar, keep) : { reason: info.skipped?.[g.group] !== undefined ? `the new data hold ${info.skipped[g.group]} of its points, too few to read` : 'it is not in the new data' };
    if ('reason' in moved) {
      left.push({ group: g.group, reason: moved.reason });
      return g;
    }
    advanced.push({ group: g.group, from: g.lastTime, to: moved.state.lastTime, points: moved.points });
    return moved.state;
  });
  const fallback = advanceFallbackGroups(envelope, series, short, calendar);
  const fallbacks = { fallbackAdvanced: fallback.advanced, fallbackLeft: fallback.left };
  if (advanced.length === 0 && fallback.advanced.length === 0) return { envelope, advanced, left, ...fallbacks };
  const moved = new Set(advanced.map((a) => a.group));
  const { floor: _fitted, ...rest } = envelope;
  const floor = floorStillHolds(envelope.floor, [...series.filter((s) => moved.has(s.group)), ...fallback.data]);
  const fallbackGroups = fallback.advanced.length > 0 && fallback.groups ? { fallbackGroups: fallback.groups } : {};
  return { envelope: { ...rest, ...(floor !== undefined ? { floor } : {}), groups, ...fallbackGroups }, advanced, left, ...fallbacks };
}

/** Refuses data that are not the series the model forecasts (read by other columns). */
function checkSameSeries(envelope: ForecastEnvelope, info: SeriesInfo): void {
  const differs = (field: string, what: string, model: unknown, data: unknown) => {
    throw new EngineError('invalid_input', `the model forecasts ${what} ${JSON.stringify(model)}, the data were read with ${JSON.stringify(data)}`, { field, model, data });
  };
  if (info.target !== envelope.target) differs('target', 'the target', envelope.target, info.target);
  if (info.timeColumn !== envelope.timeColumn) differs('time_column', 'by the time column', envelope.timeColumn, info.timeColumn);
  if (info.timeKind !== envelope.timeKind) differs('time_column', 'times of kind', envelope.timeKind, info.timeKind);
  if (info.groupColumn !== envelope.groupColumn) differs('group_column', 'series by the group column', envelope.groupColumn ?? null, info.groupColumn ?? null);
  const lacking = (specs: readonly CovariateSpec[] | undefined, read: readonly CovariateSpec[] | undefined, list: string) => {
    const missing = (specs ?? []).filter((c) => !read?.some((r) => r.name === c.name)).map((c) => JSON.stringify(c.name));
    if (missing.length > 0) throw new EngineError('invalid_input', `the model forecasts from the ${list} ${missing.join(', ')}, which the data were read without`, { field: list === 'covariates' ? 'covariates' : 'past_covariates' });
  };
  lacking(envelope.covariates, info.covariates, 'covariates');
  lacking(envelope.pastCovariates, info.pastCovariates, 'past covariates');
}

type GroupAdvance = { readonly state: ForecastGroupState; readonly points: number } | { readonly reason: string };

/** One series' state at its newest point in `s`, or why it stays where it was. */
function advanceGroup(g: ForecastGroupState, s: SeriesData, envelope: ForecastEnvelope, info: SeriesInfo, calendar: Calendar, keep: number): GroupAdvance {
  const n = s.values.length;
  const continued = continuation(g, s.times, s.values, calendar, showTimeOf(envelope));
  if ('reason' in continued) return continued;
  const { absent, points } = continued;
  // The newest `keep` points: from the new data, and from the stored tail where the new data begin later.
  const fromNew = Math.min(keep, n);
  const fromStored = Math.min(keep - fromNew, absent);
  const tail = [...g.tail.slice(absent - fromStored, absent), ...s.values.subarray(n - fromNew)];
  // A log or Box-Cox model cannot read a zero or a negative value: its forecasts from one would be hundreds of times off.
  const nonPositive = readsThroughLog(envelope.model) ? tail.find((v) => !(v > 0)) : undefined;
  if (nonPositive !== undefined) {
    return { reason: `its newest points hold ${nonPositive === 0 ? 'a zero' : `a negative value (${nonPositive})`}, which the model's log or Box-Cox transform cannot read; a retraining learns the series without that transform` };
  }
  const joined = (specs: readonly CovariateSpec[] | undefined, read: readonly CovariateSpec[] | undefined, columns: readonly Float64Array[] | undefined, kept: readonly StoredCovariate[] | undefined) => {
    if (!specs || !read || !columns) return undefined;
    const recent = byName(specs, read, storedCovariates(read, columns, n - fromNew, n));
    return recent.map((values, c) => [...((kept?.[c] ?? []) as readonly (number | string)[]).slice(absent - fromStored, absent), ...values] as StoredCovariate);
  };
  const covariates = joined(envelope.covariates, info.covariates, s.covariates, g.covariates);
  const past = joined(envelope.pastCovariates, info.pastCovariates, s.pastCovariates, g.pastCovariates);
  // A category the model was not trained with would make every forecast of the series refuse to load.
  const unusable = encodingProblem(envelope.covariates, covariates) ?? encodingProblem(envelope.pastCovariates, past);
  if (unusable) return { reason: `${unusable} at its newest points` };
  return {
    state: {
      group: g.group,
      lastTime: s.times[n - 1],
      scale: g.scale,
      ...(g.spreadFactor !== undefined ? { spreadFactor: g.spreadFactor } : {}),
      first: g.first,
      count: g.count + points,
      tail,
      ...(covariates ? { covariates } : {}),
      ...(past ? { pastCovariates: past } : {}),
    },
    points,
  };
}

/** Why stored covariates cannot be encoded by the model's specs, or null when they can. */
function encodingProblem(specs: readonly CovariateSpec[] | undefined, stored: readonly StoredCovariate[] | undefined): string | null {
  if (!specs || !stored) return null;
  try {
    encodeStoredCovariates(specs, stored, 'invalid_input');
    return null;
  } catch (err) {
    if (err instanceof EngineError) return err.message;
    throw err;
  }
}

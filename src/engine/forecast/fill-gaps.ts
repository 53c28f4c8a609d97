/**
 * @module engine/forecast/fill-gaps
 * Missing timestamps are added to a series rather than refused, when they are few: a stock-price or
 * sales export leaves holidays out, a sensor misses an hour, a report skips a month. Each added point
 * gets an empty target, which fill-missing then interpolates like an empty cell, so every lag still
 * counts regular steps. Long holes (more than MAX_GAP_POINTS in a row) are left as they are, for
 * checkRegular to refuse naming the row, and a series with many holes (more than MAX_ADDED_SHARE of its
 * points) is refused saying how many are missing (./series): filling those would teach the models a
 * straight line the data never showed. A series read on its local clock (./local-clock) also has the
 * slots the spring change of daylight saving time skips added, however many the step makes of an hour
 * (four quarter-hours): the clock never showed them, so they are no missing data and count toward no limit.
 */
import { stepTime } from './frequency';
import { MAX_ADDED_SHARE, MAX_GAP_POINTS } from './gap-limits';
import type { SeriesFrequency } from './types';

export interface FilledGaps {
  readonly times: Float64Array;
  /** NaN at every added point. */
  readonly values: Float64Array;
  /** Position in the input of every point, -1 for an added one. */
  readonly source: Int32Array;
  /** The added times, in order. */
  readonly added: readonly number[];
  /**
   * Set when short gaps were found but too many to add (over MAX_ADDED_SHARE): how many timestamps they
   * miss and the input position of the first point after a gap, for the refusal to name.
   */
  readonly tooMany?: { readonly missing: number; readonly firstAfter: number };
}

/**
 * The series with the timestamps its short gaps miss added (see the module comment): gaps of at most
 * MAX_GAP_POINTS whole steps, unless that adds more than MAX_ADDED_SHARE of the points (then none is).
 * Other irregular steps are kept as they are. `skipped(i)`, when given, is the span of clock (ms) that
 * a daylight-saving change skips between points i-1 and i: its slots are added over and above the limits.
 */
export function fillGaps(freq: SeriesFrequency, times: Float64Array, values: Float64Array, skipped?: (i: number) => number): FilledGaps {
  const unchanged = { times, values, source: Int32Array.from(times, (_, i) => i), added: [] };
  const added: number[] = [];
  const inserts: { at: number; times: number[] }[] = [];
  let unseen = 0;
  for (let i = 1; i < times.length; i++) {
    // A gap that is not a few whole steps stays, for checkRegular to name.
    const skip = skipped?.(i) ?? 0;
    const missing = missingBetween(freq, times[i - 1], times[i], skip);
    if (missing !== null && missing.times.length > 0) {
      inserts.push({ at: i, times: missing.times });
      added.push(...missing.times);
      unseen += missing.unseen;
    }
  }
  if (added.length === 0) return unchanged;
  if (added.length - unseen > MAX_ADDED_SHARE * (times.length + added.length)) return { ...unchanged, tooMany: { missing: added.length, firstAfter: inserts[0].at } };
  const n = times.length + added.length;
  const out = { times: new Float64Array(n), values: new Float64Array(n), source: new Int32Array(n), added };
  let k = 0;
  let next = 0;
  for (let i = 0; i < times.length; i++) {
    if (next < inserts.length && inserts[next].at === i) {
      for (const t of inserts[next++].times) {
        out.times[k] = t;
        out.values[k] = NaN;
        out.source[k++] = -1;
      }
    }
    out.times[k] = times[i];
    out.values[k] = values[i];
    out.source[k++] = i;
  }
  return out;
}

/**
 * The times between two consecutive points when the later one is 2..MAX_GAP_POINTS+1 steps after the
 * earlier (none when it is the next step), or null when it is no whole number of steps within that.
 * Steps are chained one at a time, as checkRegular compares them, so an added point is always followed
 * by exactly the next step. The slots of the last `skip` ms before `to` (a daylight-saving change the
 * clock jumped) are added beyond the limit and counted as `unseen`.
 */
function missingBetween(freq: SeriesFrequency, from: number, to: number, skip: number): { times: number[]; unseen: number } | null {
  const between: number[] = [];
  let unseen = 0;
  let t = stepTime(freq, from, 1);
  while (t < to && between.length - unseen < MAX_GAP_POINTS) {
    between.push(t);
    if (t >= to - skip) unseen++;
    t = stepTime(freq, t, 1);
  }
  // The skipped slots come last before `to`: count them on when the limit stopped the walk before them.
  while (t < to && t >= to - skip) {
    between.push(t);
    unseen++;
    t = stepTime(freq, t, 1);
  }
  return t === to ? { times: between, unseen } : null;
}

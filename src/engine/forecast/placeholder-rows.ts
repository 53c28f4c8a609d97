/**
 * @module engine/forecast/placeholder-rows
 * A row without a target at the time of a row of its series that has one: a planned future row (its
 * promotion and price set ahead, its target empty) whose observation was appended later. The observation
 * answers it, so a forecast reads the observed row (its covariates are what happened) and leaves the
 * placeholder out; refusing the two as one time written twice stopped every job on a dataset that plans
 * its calendar ahead and appends what happened day by day. Rows of one time that both hold a target, or
 * neither, are still two values of one point and refused (series.ts checkPoints). On a local clock, two
 * rows of one local time at different offsets are the autumn's repeated hour, two points, never paired.
 * The observed row's empty known-future covariates are the planned row's (withPlans): a feed of what
 * happened need not repeat the promotion that was planned.
 */

import type { DatasetCovariates } from './covariates';

/** Whether rows a and b are one point (same time and, on a local clock, the same offset): the caller decides the time. */
export type SameOffset = (a: number, b: number) => boolean;

/**
 * Drops, from each group's rows (sorted by time in place, stably), the rows without a target (`y` NaN)
 * at a time where another row of the group has one; returns each observed row with the planned row it
 * answers (the first dropped at its time), whose cells fill its empty known-future covariates (withPlans).
 */
export function dropAnsweredPlaceholders(rowsByGroup: Map<string, number[]>, t: Float64Array, y: ArrayLike<number>, sameOffset?: SameOffset): Map<number, number> {
  const plans = new Map<number, number>();
  for (const [group, rows] of rowsByGroup) {
    rows.sort((a, b) => t[a] - t[b]);
    const kept: number[] = [];
    for (let i = 0; i < rows.length; ) {
      let end = i + 1;
      while (end < rows.length && t[rows[end]] === t[rows[i]]) end++;
      const run = rows.slice(i, end);
      const answered = (r: number) => run.some((o) => o !== r && !Number.isNaN(y[o]) && (!sameOffset || sameOffset(o, r)));
      for (const r of run) {
        if (!(run.length > 1 && Number.isNaN(y[r]) && answered(r))) {
          kept.push(r);
          continue;
        }
        for (const o of run) if (!Number.isNaN(y[o]) && (!sameOffset || sameOffset(o, r)) && !plans.has(o)) plans.set(o, r);
      }
      i = end;
    }
    if (kept.length < rows.length) rowsByGroup.set(group, kept);
  }
  return plans;
}

/**
 * The covariates with each observed row's empty cells read from the planned row it answers (`plans`): a
 * sales feed appends the target and leaves the promotion planned ahead empty, and refusing that empty cell
 * (a known-future covariate must be known at every point) stopped every job on the data the append check
 * had taken. A cell the observation sets is what happened, and stays.
 */
export function withPlans(c: DatasetCovariates, plans: ReadonlyMap<number, number>): DatasetCovariates {
  if (plans.size === 0) return c;
  const source = (i: number, row: number) => {
    const plan = plans.get(row);
    return plan !== undefined && c.isEmpty(i, row) ? plan : row;
  };
  return {
    specs: c.specs,
    write(row, out, off) {
      for (let i = 0; i < c.specs.length; i++) c.writeOne(i, source(i, row), out, off);
    },
    writeOne: (i, row, out, off) => c.writeOne(i, source(i, row), out, off),
    isEmpty: (i, row) => c.isEmpty(i, source(i, row)),
  };
}

/** Whether one of two rows of one point lacks the target and the other holds it: not a conflict (see the module comment). */
export const answersPlaceholder = (y: ArrayLike<number>, a: number, b: number): boolean => Number.isNaN(y[a]) !== Number.isNaN(y[b]);

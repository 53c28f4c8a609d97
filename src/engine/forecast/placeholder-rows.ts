/**
 * @module engine/forecast/placeholder-rows
 * A row without a target at the time of a row of its series that has one: a planned future row (its
 * promotion and price set ahead, its target empty) whose observation was appended later. The observation
 * answers it, so a forecast reads the observed row (its covariates are what happened) and leaves the
 * placeholder out; refusing the two as one time written twice stopped every job on a dataset that plans
 * its calendar ahead and appends what happened day by day. Rows of one time that both hold a target, or
 * two, are still two values of one point and refused (series.ts checkPoints). Two planned rows of one
 * time are a plan and its revision: the later row (in the dataset's order, so the one appended last)
 * replaces the earlier, as a calendar planned ahead is revised by appending the new plan. On a local clock,
 * two rows of one local time at different offsets are the autumn's repeated hour, two points, never paired.
 * The observed row's empty known-future covariates are the latest planned row's (withPlans): a feed of
 * what happened need not repeat the promotion that was planned.
 */

import type { DatasetCovariates } from './covariates';

/** A planned row a later planned row of its point revised: their indices from 0, its time and group. */
export interface RevisedPlan {
  readonly row: number;
  readonly by: number;
  readonly time: number;
  readonly group: string;
}

/** Whether rows a and b are one point (same time and, on a local clock, the same offset): the caller decides the time. */
export type SameOffset = (a: number, b: number) => boolean;

/**
 * Drops, from each group's rows (sorted by time in place, stably), the rows without a target (`y` NaN)
 * at a time where another row of the group has one, and every planned row but the last at a time that
 * only planned rows hold (its revisions); returns each observed row with the planned row it answers (the
 * last at its time), whose cells fill its empty known-future covariates (withPlans), and per group with
 * any, how many planned rows a later one revised, and how many came after the observation of their time
 * (a plan for a time already past, read as nothing; the job's warnings count both).
 */
export function dropAnsweredPlaceholders(
  rowsByGroup: Map<string, number[]>,
  t: Float64Array,
  y: ArrayLike<number>,
  sameOffset?: SameOffset,
): { plans: Map<number, number>; revised: Record<string, number>; firstRevised?: RevisedPlan; late: Record<string, number> } {
  const plans = new Map<number, number>();
  const revisedCount: Record<string, number> = {};
  // Planned rows written after every observation of their point: a plan for a time already past.
  const lateCount: Record<string, number> = {};
  let firstRevised: RevisedPlan | undefined;
  const samePoint = (a: number, b: number) => !sameOffset || sameOffset(a, b);
  for (const [group, rows] of rowsByGroup) {
    rows.sort((a, b) => t[a] - t[b]);
    const kept: number[] = [];
    for (let i = 0; i < rows.length; ) {
      let end = i + 1;
      while (end < rows.length && t[rows[end]] === t[rows[i]]) end++;
      const run = rows.slice(i, end);
      for (const r of run) {
        const planned = Number.isNaN(y[r]);
        const observed = planned ? run.filter((o) => o !== r && !Number.isNaN(y[o]) && samePoint(o, r)) : [];
        // A planned row later in the dataset, of the same point, revises this one.
        const revision = planned ? run.find((o) => o > r && Number.isNaN(y[o]) && samePoint(o, r)) : undefined;
        const revised = revision !== undefined;
        if (revised && (firstRevised === undefined || r < firstRevised.row)) firstRevised = { row: r, by: revision, time: t[r], group };
        if (observed.length === 0 && !revised) {
          kept.push(r);
          continue;
        }
        if (revised) revisedCount[group] = (revisedCount[group] ?? 0) + 1;
        else for (const o of observed) if (!plans.has(o)) plans.set(o, r);
        if (observed.length > 0 && observed.every((o) => o < r)) lateCount[group] = (lateCount[group] ?? 0) + 1;
      }
      i = end;
    }
    if (kept.length < rows.length) rowsByGroup.set(group, kept);
  }
  return { plans, revised: revisedCount, ...(firstRevised ? { firstRevised } : {}), late: lateCount };
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

/**
 * Whether two rows of one point are no conflict (see the module comment): one lacks the target and the
 * other holds it (an observation and its plan), or both lack it (a plan and its revision).
 */
export const answersPlaceholder = (y: ArrayLike<number>, a: number, b: number): boolean => Number.isNaN(y[a]) || Number.isNaN(y[b]);

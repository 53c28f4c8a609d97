/**
 * @module engine/forecast/placeholder-rows
 * A row without a target at the time of a row of its series that has one: a planned future row (its
 * promotion and price set ahead, its target empty) whose observation was appended later. The observation
 * answers it, so a forecast reads the observed row (its covariates are what happened) and leaves the
 * placeholder out; refusing the two as one time written twice stopped every job on a dataset that plans
 * its calendar ahead and appends what happened day by day. Rows of one time that both hold a target, or
 * neither, are still two values of one point and refused (series.ts checkPoints). On a local clock, two
 * rows of one local time at different offsets are the autumn's repeated hour, two points, never paired.
 */

/** Whether rows a and b are one point (same time and, on a local clock, the same offset): the caller decides the time. */
export type SameOffset = (a: number, b: number) => boolean;

/**
 * Drops, from each group's rows (sorted by time in place, stably), the rows without a target (`y` NaN)
 * at a time where another row of the group has one; returns how many were dropped.
 */
export function dropAnsweredPlaceholders(rowsByGroup: Map<string, number[]>, t: Float64Array, y: ArrayLike<number>, sameOffset?: SameOffset): number {
  let dropped = 0;
  for (const [group, rows] of rowsByGroup) {
    rows.sort((a, b) => t[a] - t[b]);
    const kept: number[] = [];
    for (let i = 0; i < rows.length; ) {
      let end = i + 1;
      while (end < rows.length && t[rows[end]] === t[rows[i]]) end++;
      const run = rows.slice(i, end);
      const answered = (r: number) => run.some((o) => o !== r && !Number.isNaN(y[o]) && (!sameOffset || sameOffset(o, r)));
      for (const r of run) {
        if (run.length > 1 && Number.isNaN(y[r]) && answered(r)) dropped++;
        else kept.push(r);
      }
      i = end;
    }
    if (kept.length < rows.length) rowsByGroup.set(group, kept);
  }
  return dropped;
}

/** Whether one of two rows of one point lacks the target and the other holds it: not a conflict (see the module comment). */
export const answersPlaceholder = (y: ArrayLike<number>, a: number, b: number): boolean => Number.isNaN(y[a]) !== Number.isNaN(y[b]);

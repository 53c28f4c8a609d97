/**
 * @module engine/forecast/group-length
 * The fewest points a group of a grouped forecast job needs to be in the model; shorter ones are left out
 * and forecast by a simple rule on their own points (./fallback). Validating at all takes
 * minTrainLength(1) + 1 points (21). But the job's season is decided by its shortest series (seasonFor):
 * one group of 30 months among 144-month ones took the yearly season from every group (forecast audit).
 * So when at least half of the groups are long enough to learn the frequency's season (49 months, 29
 * days), a group that is not is left out too: the rule forecasting it alone repeats its own last season
 * once it holds one, and the others keep theirs. With fewer long groups the season goes, as before: most
 * series could not learn it anyway.
 */
import { naturalSeason } from './frequency';
import type { SeriesFrequency } from './types';
import { minTrainLength } from './validation-plan';

export interface GroupLength {
  readonly minLength: number;
  /** Set when minLength is what learning the season takes (the season, in steps), not validating at all. */
  readonly season?: number;
}

/** `lengths`: each group's points (a job of one series has one); the season, when it decided minLength. */
export function shortGroupLength(lengths: readonly number[], frequency: SeriesFrequency): GroupLength {
  const least = minTrainLength(1) + 1;
  const season = naturalSeason(frequency);
  const seasonal = minTrainLength(season) + 1;
  if (lengths.length < 2 || seasonal <= least) return { minLength: least };
  const learn = lengths.filter((n) => n >= seasonal).length;
  // Only a group that could validate but not learn the season is decided here: without one, both rules leave out the same.
  const between = lengths.some((n) => n >= least && n < seasonal);
  return between && 2 * learn >= lengths.length ? { minLength: seasonal, season } : { minLength: least };
}

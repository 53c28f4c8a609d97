/**
 * @module engine/forecast/gap-limits
 * How much of a series may be missing and still be filled by itself (./fill-gaps), in one place, since
 * the refusals (./frequency, ./series) tell users these limits and fill-gaps depends on ./frequency.
 */

/** The most timestamps one gap may miss and still be filled (Christmas to Boxing Day, a long weekend). */
export const MAX_GAP_POINTS = 3;

/** The largest share of a filled series' points that may be added (holidays are about 4% of business days). */
export const MAX_ADDED_SHARE = 0.1;

/** The limits as a refusal states them. */
export const SHORT_GAPS_RULE = `gaps of up to ${MAX_GAP_POINTS} steps are added by themselves while they come to at most ${Math.round(100 * MAX_ADDED_SHARE)}% of the series`;

/**
 * @module durable/challenge-noise
 * A champion/challenger score difference read against the noise of the held-out rows: the 90% interval
 * of challenger − champion from a paired bootstrap (engine/eval/paired-bootstrap) lies on the better side
 * of 0, on the worse side, or holds 0 (within noise: the rows cannot tell the two models apart).
 *
 * Why new schedules promote only "beyond_noise" (better by the margin and beyond noise), the old rule
 * ("margin": the two scores alone) staying one setting away: on 75 held-out rows ROC AUC moves by about
 * ±0.03 from the rows alone, so a 0.002 margin is mostly chance. Simulated on 75 rows (two correlated
 * scorers, 300 holdouts each; test/engine/paired-bootstrap.test.ts asserts it), the margin alone promoted a
 * challenger that was 0.03 AUC worse 31% of the time and an equal one 50%; beyond noise, 2% and 4%. A
 * better challenger still wins once the rows show it (0.075 better: 54% of holdouts of 75 rows, 95% of
 * 300; 0.04 better: 95% of 1,000): more appended rows make a larger holdout, which shows smaller gains. What it costs
 * is a small true gain on a small holdout staying unpromoted: that challenger is still published as a
 * version, one POST …/promote away. Jobs and schedules made before the interval existed keep "margin".
 */
import { METRICS, type MetricName, type PairedDifference } from '../engine';
import type { PromotionRule, ScoreDifference } from './protocol';

/** The promotion rule of a schedule that names none (one stored before `promotion` existed reads as "margin"). */
export const DEFAULT_PROMOTION: PromotionRule = 'beyond_noise';

export type NoiseSide = 'better' | 'worse' | 'within';

/** Where the interval lies for the challenger, in the metric's direction (a lower loss is better). */
export function noiseSide(metric: MetricName, d: PairedDifference): NoiseSide {
  const [low, high] = d.interval;
  const up = METRICS[metric].greaterIsBetter;
  if (up ? low > 0 : high < 0) return 'better';
  if (up ? high < 0 : low > 0) return 'worse';
  return 'within';
}

/** The difference as the job's challenge and the history record it. */
export function scoreDifference(d: PairedDifference, side: NoiseSide): ScoreDifference {
  return { value: d.value, interval: [d.interval[0], d.interval[1]], bootstraps: d.bootstraps, within_noise: side === 'within' };
}

const signed = (x: number) => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(4)}`;

/** The interval in words, for the decision's reason. */
export function noisePhrase(d: PairedDifference, side: NoiseSide): string {
  const interval = `90% interval of challenger − champion ${signed(d.interval[0])} to ${signed(d.interval[1])}`;
  if (side === 'within') return `the difference is within the holdout's noise (${interval})`;
  return `${side} beyond the holdout's noise (${interval})`;
}

/**
 * Whether a challenger that won by the margin is promoted under `rule`: always under "margin"; under
 * "beyond_noise" only when the interval lies on the better side of 0. No interval (a forecast comparison,
 * a report made before it): the margin alone decides.
 */
export function promotesUnder(rule: PromotionRule, side: NoiseSide | undefined): boolean {
  return rule === 'margin' || side === undefined || side === 'better';
}

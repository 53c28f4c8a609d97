/**
 * @module durable/retrain-rules
 * The decisions of scheduled retraining, as pure functions the Registry and the cron handler apply:
 * - whether live drift makes a schedule's run due before its regular time (`on_drift`): a PSI at or over
 *   the threshold beyond simulated sampling noise, all features together; and over which window of hours
 *   it is measured;
 * - whether enough rows are new since the data the model last trained on to retrain at all (`min_new_rows`;
 *   which rows count as new: new-rows);
 * - whether a challenger beats the champion on the held-out rows by the schedule's margin. Scores of
 *   metrics that live in [0, 1] or close to it (roc_auc, accuracy, balanced_accuracy, f1, r2: greater is
 *   better) compare by an absolute margin, 0.002 by default; losses with no fixed scale (log_loss, rmse,
 *   mae, mape, mase) compare by a relative margin, 1% by default; under the promotion rule "beyond_noise" the
 *   win must also stand beyond the held-out rows' noise (./challenge-noise). Anything that is not a clear win (ties,
 *   missing or non-finite scores) keeps the champion: a model is never replaced blindly. The one champion
 *   without a score that loses is a forecast champion that cannot forecast the held-out points at all
 *   (a covariate category it was not trained with, or none of their series): kept, it could never be
 *   replaced by a model that can. And a forecast challenger that adds series the champion never saw need
 *   only not be worse on the series both know by more than the margin (a kept champion names the way to it).
 */
import { type FeatureDrift, METRICS, type MetricName, psiNoiseTest } from '../engine';
import { noisePhrase, noiseSide, promotesUnder, scoreDifference } from './challenge-noise';
import type { ChallengeComparison } from './model-history';
import type { ChallengeOutcome, NewSeries } from './protocol';

export type MarginKind = 'absolute' | 'relative';

/** How `margin` is read for a metric (see the module comment). */
export const marginKindOf = (metric: MetricName): MarginKind => (METRICS[metric].greaterIsBetter ? 'absolute' : 'relative');

/** The margin used when a schedule names none. */
export const defaultMargin = (metric: MetricName): number => (marginKindOf(metric) === 'absolute' ? 0.002 : 0.01);

/**
 * The margin a schedule's runs apply under the model's metric now. A margin is given for the metric of
 * the champion then (0.002 of ROC AUC, 1% of RMSE); a champion replaced by one of another task changes
 * the metric, and a bare 0.002 would be read as a 0.2% loss difference. So a schedule whose margin was
 * given as the other kind applies the metric's default margin instead, and says so (`note`); one stored
 * before the kind was kept (`givenAs` absent) is read as given.
 */
export function scheduleMargin(margin: number, givenAs: MarginKind | undefined, metric: MetricName): { readonly margin: number; readonly note?: string } {
  const kind = marginKindOf(metric);
  if (givenAs === undefined || givenAs === kind) return { margin };
  const fallback = defaultMargin(metric);
  const was = givenAs === 'absolute' ? 'an absolute score difference' : 'a relative loss difference';
  const now = kind === 'absolute' ? 'an absolute score difference' : `a relative loss difference (${fallback} = ${fallback * 100}% lower)`;
  return {
    margin: fallback,
    note: `the margin ${margin} was given as ${was}, for the metric the model had then; its metric is now ${metric}, where a margin is ${now}, so its default ${fallback} applies until the schedule is set again with a margin for ${metric}`,
  };
}

/** Why a margin cannot be used for a metric, or null when it can. */
export function marginProblem(metric: MetricName, margin: number): string | null {
  if (!Number.isFinite(margin) || margin < 0) return 'the margin must be a number of at least 0';
  if (marginKindOf(metric) === 'relative' && margin >= 1) return `for ${metric} the margin is relative (0.01 = 1% lower loss) and must be under 1`;
  // Scores of these metrics are at most 1, so a margin of 1 could never be beaten: no challenger would ever be promoted.
  if (marginKindOf(metric) === 'absolute' && margin >= 1) return `for ${metric} the margin is an absolute score difference and must be under 1 (scores are at most 1, so no challenger could beat the champion by more)`;
  return null;
}

export interface RowsCheck {
  readonly retrain: boolean;
  /** Rows added since the data counted from (negative when the newest version is smaller). */
  readonly new_rows: number;
}

/** Retrain when at least `minNewRows` rows were added to the `championRows` first ones (see new-rows: the rows learned from). */
export function checkNewRows(minNewRows: number, championRows: number, newestRows: number): RowsCheck {
  const newRows = newestRows - championRows;
  return { retrain: newRows >= minNewRows, new_rows: newRows };
}

/** A schedule's drift trigger, as PUT /v1/models/{model}/schedule sets it (defaults resolved). */
export interface DriftTrigger {
  /** A feature whose PSI is at least this makes the run due. */
  readonly psi: number;
  /** The window of live rows, in whole hours (the DriftMonitor's buckets). */
  readonly hours: number;
  /** Fewest live rows in the window before a PSI counts (sampling noise alone gives about (bins - 1) / rows). */
  readonly min_rows: number;
}

export const DRIFT_TRIGGER_DEFAULTS = Object.freeze({ hours: 24, min_rows: 200 });

const HOUR_MS = 3_600_000;

/**
 * The whole hours of live rows a drift check reads at `now`, as the drift monitor's window takes them:
 * that many whole hours before the current one, and the current one so far. The trigger's window, but
 * never reaching back before the schedule's previous run (from the first whole hour after it). Drift
 * that a run has already answered (or tried to) does not count twice: a challenger kept out by the margin
 * leaves the champion and its drift in place, and the next drift run needs fresh evidence, not the same
 * rows. 0: the current hour alone (the run was at its start); null: nothing to read yet (the current
 * hour began before the run).
 */
export function driftWindowHours(trigger: DriftTrigger, lastRunAt: number | null, now: number): number | null {
  if (lastRunAt === null) return trigger.hours;
  const sinceRun = Math.floor(now / HOUR_MS) - Math.ceil(lastRunAt / HOUR_MS);
  return sinceRun < 0 ? null : Math.min(trigger.hours, sinceRun);
}

export type DriftVerdict = { readonly due: true; readonly reason: string } | { readonly due: false; readonly why: string };

/** Noise alone makes a drift check due at most this often, all its features together. */
export const DRIFT_FALSE_ALARM = 0.01;
/**
 * Most simulated draws one drift check spends (a second or two, in a cron tick): enough to confirm a
 * reading beyond noise over a few thousand features (an image's pixels: 920,000 draws at 3,072); many
 * readings near the threshold of a wide model stop there, within noise as far as the draws could tell.
 */
export const DRIFT_CHECK_DRAWS = 1_500_000;

/**
 * Whether live drift makes the run due: enough live rows, and one feature's PSI at or over the threshold
 * and beyond what sampling noise reaches at that many rows. A check reads every feature, so each is tested
 * at DRIFT_FALSE_ALARM / (features read) (Bonferroni: any dependence between features): tested at 1% each,
 * ten features of the same population made about one check in ten due. Noise is simulated with the
 * empty bins that dominate few rows (engine/drift/psi-null), so a low min_rows or a feature of many bins
 * cannot retrain on noise, while a large shift still fires on few rows. Features are tested most drifted
 * first, and the first beyond noise decides (a test beyond noise costs 4 / level draws, one within it a
 * few dozen; DRIFT_CHECK_DRAWS in all); the reason counts the others at or over the threshold that read
 * beyond their own noise at 1% (FeatureDrift.withinNoise false).
 */
export function checkDrift(trigger: DriftTrigger, liveRows: number, features: readonly FeatureDrift[]): DriftVerdict {
  if (liveRows < trigger.min_rows) return { due: false, why: `${liveRows} live rows sampled, fewer than min_rows ${trigger.min_rows}` };
  const read = features.filter((f) => f.psi !== null);
  const high = read.filter((f) => (f.psi as number) >= trigger.psi).sort((a, b) => (b.psi as number) - (a.psi as number));
  if (high.length === 0) return { due: false, why: `no feature has a PSI of ${trigger.psi} or more` };
  const level = DRIFT_FALSE_ALARM / read.length;
  let closest: { readonly f: FeatureDrift; readonly p: number } | null = null;
  let budget = DRIFT_CHECK_DRAWS;
  for (const f of high) {
    if (budget <= 0) break;
    const test = psiNoiseTest(f.reference, liveRows, f.referenceRows, f.psi as number, level, budget);
    budget -= test.draws;
    if (test.beyond) {
      const others = high.filter((g) => g !== f && g.withinNoise === false).length;
      const more = others > 0 ? ` (and ${others} more feature${others > 1 ? 's' : ''})` : '';
      return { due: true, reason: `drift: ${f.name} PSI ${(f.psi as number).toFixed(2)} ≥ ${trigger.psi}${more} over ${liveRows} live rows` };
    }
    if (closest === null || test.p < closest.p) closest = { f, p: test.p };
  }
  const { f, p } = closest as { f: FeatureDrift; p: number };
  const counted = read.length === 1 ? 'one feature read' : `${read.length} features read`;
  return {
    due: false,
    why: `${f.name} PSI ${(f.psi as number).toFixed(2)} ≥ ${trigger.psi} is within sampling noise at ${liveRows} live rows: noise alone reads as much about ${percent(p)} of the time, and with ${counted} a feature must stand beyond what noise reaches ${percent(level)} of the time`,
  };
}

/** A small probability as a percentage of two significant digits ("3.1%", "0.14%"). */
const percent = (p: number) => `${Number((100 * p).toPrecision(2))}%`;

export interface Judgement {
  readonly promote: boolean;
  readonly reason: string;
}

/**
 * Whether the challenger's holdout score beats the champion's by more than the margin: for an absolute
 * margin, challenger − champion > margin (greater is better); for a relative one, challenger loss <
 * champion loss × (1 − margin).
 */
export function judgeChallenger(metric: MetricName, challenger: number, champion: number, margin: number): Judgement {
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));
  if (!Number.isFinite(challenger) || !Number.isFinite(champion)) {
    return { promote: false, reason: `a score is not a finite number (challenger ${fmt(challenger)}, champion ${fmt(champion)}); the champion stays` };
  }
  if (marginKindOf(metric) === 'absolute') {
    const gain = challenger - champion;
    const promote = gain > margin;
    // Worse is said as worse: "worse by 0.11, not more than the margin" read as if it had nearly won.
    const verdict = gain < 0 ? `worse by ${fmt(-gain)}` : `better by ${fmt(gain)}, ${promote ? 'more than' : 'not more than'} the margin ${margin}`;
    return { promote, reason: `${metric} challenger ${fmt(challenger)} vs champion ${fmt(champion)}: ${verdict}` };
  }
  const bar = champion * (1 - margin);
  const promote = challenger < bar;
  const change = champion === 0 ? 0 : (champion - challenger) / champion;
  return {
    promote,
    reason: `${metric} challenger ${fmt(challenger)} vs champion ${fmt(champion)}: ${change < 0 ? `higher (worse) by ${(-change * 100).toFixed(2)}%` : `lower by ${(change * 100).toFixed(2)}%, ${promote ? 'more than' : 'not more than'} the margin ${(margin * 100).toFixed(2)}%`}`,
  };
}

export interface ChallengeDecision extends Judgement {
  readonly comparison: ChallengeComparison;
}

/**
 * The decision on a challenger (published as `version`) against the champion now in place: better by the
 * margin (judgeChallenger) and, under the outcome's promotion rule "beyond_noise", beyond the holdout's
 * noise (./challenge-noise says why new schedules use it). A failed
 * comparison, or one made against a champion that has been replaced since, keeps the champion. A
 * champion that cannot forecast the held-out points (no score, and the report says why) loses to a
 * challenger with a finite score there: no margin applies, there is nothing to beat it by. A forecast
 * comparison on the series both know, the others new to the champion, is decided by decideWithNewSeries;
 * `model` names the model in the promote route a champion kept then points to.
 */
export function decideChallenge(metric: MetricName, version: number, champion: number, outcome: ChallengeOutcome, model?: string): ChallengeDecision {
  const { report, margin } = outcome;
  const base = {
    metric,
    greater_is_better: METRICS[metric].greaterIsBetter,
    margin,
    margin_kind: marginKindOf(metric),
    // Recorded for jobs that carry a rule; older ones applied the margin alone and record none.
    ...(outcome.promotion ? { promotion: outcome.promotion } : {}),
  };
  if (report.status === 'failed') {
    const comparison = { ...base, challenger_score: null, champion_score: null, champion_version: report.champion_version ?? champion, holdout_rows: null, promoted: false, reason: report.reason };
    return { promote: false, reason: `challenger v${version} was not compared with champion v${champion} (${report.reason}); the champion stays`, comparison };
  }
  if (report.champion_score === null) return decideUnscoredChampion(metric, version, champion, report, base);
  const scores = {
    challenger_score: report.challenger_score,
    champion_score: report.champion_score,
    champion_version: report.champion_version,
    holdout_rows: report.holdout_rows,
    ...(report.new_series ? { new_series: report.new_series } : {}),
  };
  if (report.champion_version !== champion) {
    return {
      promote: false,
      reason: `challenger v${version} was compared with v${report.champion_version}, but the champion became v${champion} meanwhile; the champion stays`,
      comparison: { ...base, ...scores, promoted: false },
    };
  }
  if (report.new_series) return decideWithNewSeries(metric, version, champion, { ...report, new_series: report.new_series }, margin, model, { ...base, ...scores });
  const j = judgeChallenger(metric, report.challenger_score, report.champion_score, margin);
  // The holdout's noise (./challenge-noise): said whatever the rule, and under "beyond_noise" a win by the margin must also clear it.
  const d = report.difference;
  const side = d ? noiseSide(metric, d) : undefined;
  const promote = j.promote && promotesUnder(outcome.promotion ?? 'margin', side);
  const noise = d && side ? `; ${noisePhrase(d, side)}` : '';
  const held = j.promote && !promote ? ` (promotion "beyond_noise" needs all of the interval ${METRICS[metric].greaterIsBetter ? 'above' : 'below'} 0)` : '';
  return {
    promote,
    reason: `challenger v${version} vs champion v${champion} on ${report.holdout_rows} held-out rows: ${j.reason}${noise}; ${promote ? 'promoted' : `the champion stays${held}`}`,
    comparison: { ...base, ...scores, ...(d && side ? { difference: scoreDifference(d, side) } : {}), promoted: promote },
  };
}

type ScoredReport = Extract<ChallengeOutcome['report'], { champion_score: number }>;

/**
 * A forecast comparison made on the series both models know, the held-out points also holding series the
 * champion never saw (report.new_series). The challenger forecasts those and the champion cannot (it
 * refuses a forecast naming one), so matching the champion on the known series is enough: promoted unless
 * worse there by more than the margin (judgeNotWorse), and its forecasts of the new series are finite. No
 * interval applies (a forecast comparison has none: the margin alone decides). A champion kept names the
 * series it cannot forecast and the way to the challenger that can.
 */
function decideWithNewSeries(
  metric: MetricName,
  version: number,
  champion: number,
  report: ScoredReport & { new_series: NewSeries },
  margin: number,
  model: string | undefined,
  comparison: Omit<ChallengeComparison, 'promoted'>,
): ChallengeDecision {
  const fresh = report.new_series;
  const j = judgeNotWorse(metric, report.challenger_score, report.champion_score, margin);
  const finite = fresh.challenger_score !== null;
  const promote = j.promote && finite;
  const named = listSeries(fresh);
  const plural = fresh.count > 1;
  const where = `on the ${report.holdout_rows} held-out points of the ${fresh.known_series} series both know (champion v${champion} has never seen ${plural ? `${fresh.count} series` : 'the series'} ${named}: ${fresh.points} held-out points only the challenger forecasts${finite ? `, ${metric} ${(fresh.challenger_score as number).toFixed(4)}` : ''})`;
  const it = plural ? 'them' : 'it';
  const verdict = promote
    ? `a challenger that adds series the champion cannot forecast only has to match it on the series it knows; promoted`
    : `${j.promote ? `but the challenger's forecasts of the new series are not finite numbers; ` : ''}the champion stays, and cannot forecast the new series ${named} (it refuses a forecast naming ${it}); to forecast ${it}, make v${version} the champion on purpose: POST /v1/models/${model ?? '{model}'}/promote {"version": ${version}} (CLI: edge-automl promote ${model ?? 'MODEL'} ${version})`;
  return { promote, reason: `challenger v${version} vs champion v${champion} ${where}: ${j.reason}; ${verdict}`, comparison: { ...comparison, promoted: promote } };
}

/** The new series by name, the rest counted. */
const listSeries = (fresh: NewSeries) => {
  const shown = fresh.groups.slice(0, 8).map((g) => JSON.stringify(g)).join(', ');
  return fresh.count > 8 ? `${shown} and ${fresh.count - 8} more` : shown;
};

/**
 * Whether the challenger's score is not worse than the champion's by more than the margin: for an absolute
 * margin, champion − challenger ≤ margin (greater is better); for a relative one, challenger loss ≤
 * champion loss × (1 + margin). The rule of a challenger that adds series the champion cannot forecast.
 */
export function judgeNotWorse(metric: MetricName, challenger: number, champion: number, margin: number): Judgement {
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));
  if (!Number.isFinite(challenger) || !Number.isFinite(champion)) {
    return { promote: false, reason: `a score is not a finite number (challenger ${fmt(challenger)}, champion ${fmt(champion)})` };
  }
  const scores = `${metric} challenger ${fmt(challenger)} vs champion ${fmt(champion)}`;
  if (marginKindOf(metric) === 'absolute') {
    const loss = champion - challenger;
    const promote = loss <= margin;
    return { promote, reason: `${scores}: ${loss <= 0 ? `better by ${fmt(-loss)}` : `worse by ${fmt(loss)}, ${promote ? 'not more than' : 'more than'} the margin ${margin}`}` };
  }
  const promote = challenger <= champion * (1 + margin);
  const change = champion === 0 ? (challenger === 0 ? 0 : Number.POSITIVE_INFINITY) : (challenger - champion) / champion;
  const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : String(x));
  return { promote, reason: `${scores}: ${change <= 0 ? `lower by ${pct(-change)}` : `higher (worse) by ${pct(change)}, ${promote ? 'not more than' : 'more than'} the margin ${pct(margin)}`}` };
}

/** A complete report without a champion score: the champion cannot forecast the held-out points (report.reason). */
function decideUnscoredChampion(
  metric: MetricName,
  version: number,
  champion: number,
  report: Extract<ChallengeOutcome['report'], { champion_score: null }>,
  base: Pick<ChallengeComparison, 'metric' | 'greater_is_better' | 'margin' | 'margin_kind' | 'promotion'>,
): ChallengeDecision {
  const scores = {
    challenger_score: report.challenger_score,
    champion_score: null,
    champion_version: report.champion_version,
    holdout_rows: report.holdout_rows,
    reason: report.reason,
    ...(report.new_series ? { new_series: report.new_series } : {}),
  };
  if (report.champion_version !== champion) {
    return {
      promote: false,
      reason: `challenger v${version} was compared with v${report.champion_version}, but the champion became v${champion} meanwhile; the champion stays`,
      comparison: { ...base, ...scores, promoted: false },
    };
  }
  const promote = Number.isFinite(report.challenger_score);
  const score = promote ? `${metric} challenger ${report.challenger_score.toFixed(4)}` : `the challenger's ${metric} is not a finite number (${report.challenger_score})`;
  return {
    promote,
    reason: `challenger v${version} vs champion v${champion} on ${report.holdout_rows} held-out rows: ${score}, and ${report.reason}; ${promote ? 'promoted' : 'the champion stays'}`,
    comparison: { ...base, ...scores, promoted: promote },
  };
}

/**
 * @module durable/job-view
 * Shapes a job's journal state into the API's view: progress counts and phase (with the time its budget
 * has left), the leaderboard (best first), the best score over time, and each trial's full record.
 * Scores are shown in the metric's own direction.
 * Every trial shows its rung and fidelity; in a multi-fidelity job only full-fidelity trials are "best"
 * and enter the best score over time, and the leaderboard ranks higher fidelities first, since a score on
 * a fraction of the rows does not compare with a full one (so a lower rung's higher score sits below).
 * A job that published a lower rung, no ensemble, or (an image job) no CNN, or nothing since it was
 * cancelled first, says so (published-notes). A retraining job also shows the configurations it started
 * from and its comparison with the champion; a forecast job, its series. Whether the job is reproducible,
 * and why, comes from durable/reproducibility.
 */
import { fidelityUnitOf, fromLoss, toLoss as toLossOf } from '../engine';
import { validationPlan } from '../engine/forecast';
import { noiseSide, scoreDifference } from './challenge-noise';
import { schedulerOf, topRungOf } from './fidelity-plan';
import { forecastBestEstimate } from './forecast-estimate';
import { bestTrial, fidelityOf, isFullFidelity, type JobState, publishableTrial, searchDeadline, type TrialEntry } from './job-journal';
import type { ForecastJobView, JobConfig, JobPhase, JobView, LeaderboardEntry, TrialRecord } from './protocol';
import { ensembleDropped, ensembleNotTried, exhaustedWarning, lowFidelityWarning, noCnnWarning, nothingPublishedWarning } from './published-notes';
import { reproducibleView } from './reproducibility';
import { interruptionWarnings } from './restart-recovery';

const iso = (ms: number) => new Date(ms).toISOString();

export function trialRecord(t: TrialEntry): TrialRecord {
  const r = t.report;
  return {
    trial_id: t.trial_id,
    number: t.number,
    family: t.family,
    params: t.params,
    status: t.state,
    score: r?.status === 'complete' ? r.score : null,
    ...(r?.status === 'complete' ? { fold_scores: r.fold_scores, fit_info: r.fit_info, ...(r.serving_us !== undefined ? { serving_us: r.serving_us } : {}) } : {}),
    fit_ms: t.finished_at !== undefined && t.state !== 'cancelled' ? fitMs(t) : null,
    started_at: iso(t.started_at),
    finished_at: t.finished_at !== undefined ? iso(t.finished_at) : null,
    ...(r?.status === 'failed' ? { error: { code: r.code, message: r.reason } } : {}),
    ...(t.state === 'cancelled' ? { error: { code: 'cancelled', message: t.cancel_reason ?? 'cancelled' } } : {}),
    rung: t.rung ?? 0,
    ...fidelityFields(t),
    ...(t.promoted_from !== undefined ? { promoted_from: t.promoted_from } : {}),
    ...(t.bracket !== undefined ? { bracket: t.bracket } : {}),
    ...(t.note !== undefined ? { note: t.note } : {}),
  };
}

/**
 * A trial's fidelity, and below 1 what it is a fraction of: the CNN's epochs or the training rows (a CNN
 * trial at a third trained on every row, for a third of its epochs).
 */
function fidelityFields(t: TrialEntry): { fidelity: number; fidelity_of?: 'rows' | 'epochs' } {
  const fidelity = fidelityOf(t);
  return fidelity < 1 ? { fidelity, fidelity_of: fidelityUnitOf(t.family) } : { fidelity };
}

/**
 * Under a serving cap no trial met, the job still publishes its fastest trial (never no model): said, since
 * it breaks the cap it was asked for and is not the leaderboard's first.
 */
function servingCapWarning(c: JobConfig, best: TrialEntry | undefined): string[] {
  const us = best?.report?.status === 'complete' ? best.report.serving_us : undefined;
  if (c.max_serving_us === undefined || best === undefined || us === undefined || us <= c.max_serving_us) return [];
  return [`no trial met serving.max_us_per_row (${c.max_serving_us} µs): the fastest, ${best.trial_id} (${best.family}, about ${Number(us.toPrecision(3))} µs per row), is the job's model`];
}

/**
 * A binary job's positive class, the class its f1 scores are of: named on every binary job, a job made
 * before it was recorded with class index 1, which its scores were computed for.
 */
export function positiveClassView(c: JobConfig): Pick<JobView, 'positive_class'> {
  return c.task === 'binary' ? { positive_class: c.positive_class ?? c.classes[1] } : {};
}

/**
 * A finished trial's fit time: its consumer's own measure, else (reports written before it was sent) the
 * time from its start to its result, which also counts the wait for a consumer and any restart.
 */
const fitMs = (t: TrialEntry): number => t.report?.fit_ms ?? t.finished_at! - t.started_at;

/** `waiting`: whether no consumer is known to run a running trial (the coordinator's memory; default: not claimed). */
export function jobView(s: JobState, now: number, waiting: (t: TrialEntry) => boolean = (t) => !t.claimed): JobView {
  const c = s.config;
  if (!c) throw new Error('jobView needs a created job');
  const complete = s.order.filter((t) => t.state === 'complete');
  const leaderboard: LeaderboardEntry[] = complete
    .map((t) => ({ t, loss: (t.report as { loss: number }).loss }))
    .sort((a, b) => fidelityOf(b.t) - fidelityOf(a.t) || a.loss - b.loss || a.t.number - b.t.number)
    .map(({ t }) => ({
      trial_id: t.trial_id,
      family: t.family,
      params: t.params,
      score: (t.report as { score: number }).score,
      fit_ms: fitMs(t),
      status: 'complete' as const,
      rung: t.rung ?? 0,
      ...fidelityFields(t),
    }));
  // Once the job publishes, its best is what it published: a lower-fidelity trial only when no full one completed.
  const bestSingle = bestTrial(s) ?? (s.publishing || s.finished ? publishableTrial(s) : undefined);
  const ens = s.ensemble;
  const ensembleWins = ens?.report?.status === 'complete' && bestSingle !== undefined && ens.report.loss < (bestSingle.report as { loss: number }).loss;
  if (ens?.report?.status === 'complete') {
    // The blend joins the leaderboard like any trial, ranked by its out-of-fold score.
    const blend = ens.report;
    const entry = {
      trial_id: 'ensemble',
      family: 'ensemble' as const,
      params: { members: blend.members.map((m) => `${m.trial_id}×${m.weight.toFixed(3)}`).join(' ') },
      score: blend.score,
      fit_ms: null,
      status: 'complete' as const,
      rung: topRungOf(c),
      fidelity: 1,
    };
    const at = leaderboard.findIndex((e) => e.fidelity < 1 || toLossOf(c.metric, e.score) > blend.loss);
    leaderboard.splice(at < 0 ? leaderboard.length : at, 0, entry);
  }
  const best = ensembleWins
    ? { trial_id: 'ensemble', family: 'ensemble' as const, score: (ens!.report as { score: number }).score }
    : bestSingle
      ? { trial_id: bestSingle.trial_id, family: bestSingle.family, score: (bestSingle.report as { score: number }).score }
      : null;
  const end = s.finished?.at ?? now;
  const scheduler = schedulerOf(c);
  const warnings = [...(c.warnings ?? []), ...servingCapWarning(c, ensembleWins ? undefined : bestSingle), ...lowFidelityWarning(s), ...noCnnWarning(s), ...keptApartWarning(s, c), ...nothingPublishedWarning(s), ...exhaustedWarning(s), ...interruptionWarnings(s)];
  const ensemble =
    ensembleDropped(s) ??
    (ens
      ? {
          status: ens.state,
          ...(ens.report?.status === 'complete' ? { score: ens.report.score, ...(ens.report.combine ? { combine: ens.report.combine } : {}), members: ens.report.members } : {}),
          ...(ens.report && ens.report.status !== 'complete' ? { reason: ens.report.reason } : {}),
        }
      : ensembleNotTried(s));
  const status = s.finished ? s.finished.status : s.order.length > 0 ? 'running' : 'queued';

  // Best score over time: each complete full-fidelity trial (in finish order) that improved on the best so far.
  const bestOverTime: { elapsed_ms: number; score: number; trial_id: string }[] = [];
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const t of complete.filter(isFullFidelity).sort((a, b) => (a.finished_at ?? 0) - (b.finished_at ?? 0))) {
    const loss = (t.report as { loss: number }).loss;
    if (loss < bestLoss) {
      bestLoss = loss;
      bestOverTime.push({ elapsed_ms: (t.finished_at ?? c.created_at) - c.created_at, score: fromLoss(c.metric, loss), trial_id: t.trial_id });
    }
  }

  return {
    id: c.id,
    status,
    dataset: { name: c.dataset.name, version: c.dataset.version },
    target: c.target,
    // The task as the job was asked for; an image job learns a classification and a forecast job a
    // regression of lagged values, which learning_task names.
    task: c.forecast ? 'forecast' : c.image ? 'image' : c.task,
    ...(c.forecast || c.image ? { learning_task: c.task } : {}),
    ...forecastJobView(c),
    metric: c.metric,
    greater_is_better: c.greater_is_better,
    ...positiveClassView(c),
    strategy: c.strategy,
    models: c.families,
    ...(c.skipped_families ? { models_skipped: c.skipped_families } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(scheduler ? { scheduler } : {}),
    seed: c.seed,
    reproducible: reproducibleView(s, now),
    progress: {
      trials_done: complete.length,
      trials_running: s.order.filter((t) => t.state === 'running').length,
      trials_waiting: s.order.filter((t) => t.state === 'running' && waiting(t)).length,
      trials_failed: s.order.filter((t) => t.state === 'failed').length,
      elapsed_ms: Math.max(0, end - c.created_at),
      budget: c.budget,
      ...phaseView(s, c, now),
    },
    best,
    leaderboard,
    ...(ensemble ? { ensemble } : {}),
    ...bestEstimateView(s),
    ...(c.warm_start ? { warm_start: c.warm_start } : {}),
    ...challengeView(s, c),
    best_over_time: bestOverTime,
    // A result kept apart is no champion: `promoted: false` (a retraining job's challenge says its own decision).
    ...(s.finished?.model ? { model: { ...s.finished.model, ...(!c.challenge && s.finished.decision ? { promoted: s.finished.decision.promoted } : {}) } } : {}),
    ...seriesScoresView(s),
    ...(s.finished?.error ? { error: s.finished.error } : {}),
    created_at: iso(c.created_at),
    finished_at: s.finished ? iso(s.finished.at) : null,
  };
}

/** A forecast job of several series that published: its result's per-series scores, worst first (op "series_scores"). */
function seriesScoresView(s: JobState): Pick<JobView, 'series_scores' | 'series_scores_total'> {
  const kept = s.seriesScores;
  if (!s.finished?.model || !kept) return {};
  return { series_scores: kept.scores, ...(kept.total > kept.scores.length ? { series_scores_total: kept.total } : {}) };
}

/**
 * Where the job is, and while it searches the time its budget has left: to the deadline the coordinator
 * ends the search at (created_at + budget.seconds, moved by any downtime: searchDeadline), 0 while the
 * grace period lets running trials report.
 */
function phaseView(s: JobState, c: JobConfig, now: number): Pick<JobView['progress'], 'phase' | 'remaining_ms'> {
  const deadline = searchDeadline(s);
  const phase = phaseOf(s, c, now >= deadline);
  return { phase, remaining_ms: phase === 'searching' ? Math.max(0, deadline - now) : null };
}

/** The job's phase from its journal state (see JobPhase). */
function phaseOf(s: JobState, c: JobConfig, outOfTime: boolean): JobPhase {
  if (s.finished) return 'ended';
  // A cancel publishes the best trial at once, dropping an ensemble or comparison under way.
  if (s.publishing || s.cancel_requested_at !== undefined) return 'publishing';
  if (s.challenge?.state === 'running') return 'comparing';
  if (s.ensemble?.state === 'running') return 'ensembling';
  // Past a settled ensemble or comparison, or a spent budget with nothing left running, only the
  // publication remains (waiting, say, for storage to answer).
  const spent = outOfTime || s.order.length >= (c.budget.trials ?? Number.POSITIVE_INFINITY);
  if (s.challenge || s.ensemble || (spent && !s.order.some((t) => t.state === 'running'))) return 'publishing';
  return 'searching';
}

/**
 * A job (not a retraining job: its challenge says it) whose result was kept as a version beside a
 * champion of another target or task put in place while it ran, or, cancelled, beside a champion it does
 * not beat: why, and how to promote it on purpose; a cancelled job whose result replaced the champion:
 * which version, and how to roll back (durable/cancelled-publication).
 */
function keptApartWarning(s: JobState, c: JobConfig): string[] {
  const decision = s.finished?.decision;
  return !c.challenge && decision?.reason ? [decision.reason] : [];
}

/**
 * A forecast job's series as it reads them: the columns it was given or found, the horizon, the season
 * the data's frequency implies, the rolling origins it validates on, the covariates and the time zone; the search's own bookkeeping (lengths,
 * groups left out, a retraining's holdout) stays out. The optional ones are absent when the job has none
 * (a job made before time zones were kept has none).
 */
function forecastJobView(c: JobConfig): { forecast?: ForecastJobView } {
  const f = c.forecast;
  if (!f) return {};
  return {
    forecast: {
      time_column: f.time_column,
      ...(f.group_column !== undefined ? { group_column: f.group_column } : {}),
      horizon: f.horizon,
      season: f.season,
      origins: originsValidated(c, f),
      ...(f.covariates ? { covariates: f.covariates } : {}),
      ...(f.past_covariates ? { past_covariates: f.past_covariates } : {}),
      ...(f.timezone !== undefined ? { timezone: f.timezone } : {}),
    },
  };
}

/**
 * The rolling origins a forecast job's trials validate on: its folds (asked for, or the default), or the
 * single origin the validation plan falls back to when its shortest series is too short for the default
 * (engine/forecast/validation-plan), so the view never claims three where the trials use one.
 */
function originsValidated(c: JobConfig, f: NonNullable<JobConfig['forecast']>): number {
  try {
    return validationPlan({ length: f.length, season: f.season, groups: f.groups, horizon: f.horizon }, c.folds).origins;
  } catch {
    return c.folds;
  }
}

/**
 * How the pick should do on new data, the optimism of picking removed: from the ensemble step's
 * resampling of out-of-fold rows for tables, from the trials' errors per origin for forecasts.
 */
function bestEstimateView(s: JobState): Pick<JobView, 'best_estimate'> {
  const report = s.ensemble?.report;
  const estimate = report && 'estimate' in report ? report.estimate : forecastBestEstimate(s);
  return estimate ? { best_estimate: { ...estimate, method: 'bootstrap_bias_corrected_cv' } } : {};
}

/**
 * A retraining job's comparison with the champion: its state, both scores (the challenger's alone when the
 * champion cannot forecast the held-out points, with the reason), and the decision once published (with
 * the version a kept forecast champion became when advanced to the job's data).
 */
function challengeView(s: JobState, c: JobConfig): Pick<JobView, 'challenge'> {
  const ch = s.challenge;
  const decision = s.finished?.decision;
  // A job cancelled before its comparison has a decision (the champion stayed) but no comparison.
  if (!c.challenge || (!ch && !decision)) return {};
  const r = ch?.report;
  return {
    challenge: {
      status: ch?.state ?? 'failed',
      challenger: ch?.challenger.trial_id ?? s.publishing?.trial_id ?? '',
      margin: c.challenge.margin,
      holdout_from: c.forecast ? 'latest_points' : c.holdout?.from_row !== undefined ? 'new_rows' : 'all_rows',
      ...(c.challenge.promotion ? { promotion: c.challenge.promotion } : {}),
      ...(r?.status === 'complete'
        ? { challenger_score: r.challenger_score, ...(r.champion_score !== null ? { champion_score: r.champion_score } : {}), champion_version: r.champion_version, holdout_rows: r.holdout_rows }
        : {}),
      // challenger − champion with its interval, read against the holdout's noise as the decision reads it.
      ...(r?.status === 'complete' && r.champion_score !== null && r.difference ? { difference: scoreDifference(r.difference, noiseSide(c.metric, r.difference)) } : {}),
      // Why it failed, or why the champion has no score (it cannot forecast the held-out points).
      ...(r && 'reason' in r ? { reason: r.reason } : {}),
      // Held-out series the champion never saw: the scores above are then over the ones both know.
      ...(r?.status === 'complete' && r.new_series ? { new_series: r.new_series } : {}),
      ...(decision ? { promoted: decision.promoted, ...(decision.reason ? { decision: decision.reason } : {}), ...(decision.advanced_version !== undefined ? { advanced_version: decision.advanced_version } : {}) } : {}),
    },
  };
}

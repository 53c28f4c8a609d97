/**
 * @module cli/job-report
 * A job as a person reads it: status (and phase while it runs), data and target, the model families (and
 * any skipped), progress against the budget, the best score with its metric, the published model and
 * which trial (or the ensemble) it is, and the leaderboard (best first) as a table. The leaderboard ranks
 * every result, the ensemble included, so where the published model is not its first entry the report
 * says why; a CNN trial's row shows its architecture (cli/cnn-architecture). The seed line says whether
 * the job is reproducible, and why. A forecast job of several series names the series its model forecasts worst.
 */
import type { Job, SeriesScore } from '../client';
import { dateOrderHint } from './date-order';
import { cnnArchitecture } from './cnn-architecture';
import { formatDuration, formatNumber, formatScore, metricLabel, renderTable } from './format';
import { jobPhaseText } from './job-phase';

/** Series the report names of a forecast job's per-series scores: the worst few, where the pooled score hides them. */
const WORST_SERIES_SHOWN = 5;

/**
 * A forecast of several series: the series the model forecasts worst, with their scores in `metric`
 * (`worst series (rmse): north 41.2 (36 points), …`), from a job view's series_scores or a model view's
 * forecast.series_scores (`total`: their series_scores_total); undefined without scores.
 */
export function worstSeries(metric: string, scores: SeriesScore[] | undefined, totalListed?: number): string | undefined {
  if (!scores || scores.length === 0) return undefined;
  const total = totalListed ?? scores.length;
  const shown = scores.slice(0, WORST_SERIES_SHOWN).map((s) => `${s.group} ${Number(s.score.toPrecision(4))} (${s.points} points)`);
  return `  worst series (${metric}): ${shown.join(', ')}${total > shown.length ? `; ${total} series in all` : ''}`;
}

/** `cli`: the context's command (cli/invocation), which a warning's hint starts with. */
export function describeJob(job: Job, cli: string, leaderboardRows = 10): string {
  const p = job.progress;
  // f1 names the class it is computed for (a binary job's positive class).
  const metric = metricLabel(job.metric, job.positive_class);
  const budget = [p.budget.trials !== undefined ? `${p.budget.trials} trials` : '', `${p.budget.seconds} s`].filter(Boolean).join(' or ');
  // What an unfinished job is doing: its phase, and while it searches the time left.
  const phase = jobPhaseText(job);
  const lines = [
    `job ${job.id}: ${job.status}${phase ? ` (${phase})` : ''}`,
    `  data     ${job.dataset.name} v${job.dataset.version}, target "${job.target}" (${job.task}${job.positive_class !== undefined ? `, positive class "${job.positive_class}"` : ''}), strategy ${job.strategy}${job.scheduler ? ` (${job.scheduler})` : ''}`,
    `  models   ${job.models.join(', ')}${job.models_skipped?.length ? `; skipped ${job.models_skipped.map((s) => `${s.family} (${s.reason})`).join(', ')}` : ''}`,
    // Whether running it again gives the same result, and its cause: the reason up to its first ": " (the
    // whole reason is the API's; absent from older servers: the seed alone).
    `  seed     ${job.seed}${job.reproducible ? `, ${job.reproducible.value ? 'reproducible' : 'not reproducible'}: ${job.reproducible.reason.split(': ')[0]}` : ''}`,
    `  trials   ${p.trials_done} done, ${p.trials_running} running${p.trials_waiting ? ` (${p.trials_waiting} waiting for a consumer)` : ''}, ${p.trials_failed} failed in ${formatDuration(p.elapsed_ms)} (budget ${budget})`,
    `  best     ${job.best ? `${formatScore(metric, job.best.score, job.greater_is_better)}, ${job.best.family} (${job.best.trial_id})` : '-'}`,
  ];
  if (job.best_estimate) {
    const e = job.best_estimate;
    lines.push(`  expect   ${metric} ${formatNumber(e.score)} on new rows (90%: ${formatNumber(e.interval[0])} to ${formatNumber(e.interval[1])}): the best trial without the optimism of picking it among the ${e.candidates} leading trials`);
  }
  if (job.ensemble) lines.push(`  ensemble ${job.ensemble.status}${job.ensemble.score !== undefined ? `, ${metric} ${formatNumber(job.ensemble.score)}` : ''}${job.ensemble.reason ? `: ${job.ensemble.reason}` : ''}${ensembleNotPublished(job)}`);
  if (job.model) lines.push(`  model    ${job.model.name} v${job.model.version}${describePublished(job)}${notChampion(job)}`);
  const worst = worstSeries(job.metric, job.series_scores, job.series_scores_total);
  if (worst) lines.push(worst);
  if (notChampion(job)) lines.push(`  hint     to make it the champion on purpose: \`${cli} promote ${job.model?.name} ${job.model?.version}\``);
  const passedOver = overServingCap(job);
  if (passedOver) lines.push(`  note     ${passedOver.trial_id} (${passedOver.family}) scored best of the trials but is not published: its estimated serving time is over the job's serving cap (serving.max_us_per_row)`);
  if (job.challenge?.decision) lines.push(`  challenge ${job.challenge.decision}`);
  for (const warning of job.warnings ?? []) {
    lines.push(`  warning  ${warning}`);
    // A warning whose advice is job JSON gets the flag that sends it.
    const hint = dateOrderHint(warning, cli);
    if (hint) lines.push(`  hint     ${hint}`);
  }
  if (job.error) lines.push(`  error    ${job.error.code}: ${job.error.message}`);
  if (job.leaderboard.length > 0) {
    const shown = job.leaderboard.slice(0, leaderboardRows);
    // An image job's CNN trials are architectures searched: each one's is shown beside its score.
    const nas = shown.some((e) => e.family === 'cnn');
    lines.push(
      '',
      // A forecast's trials validate on rolling origins (forecast.origins), never on shuffled folds.
      `leaderboard (${metric}, ${job.forecast ? `validated on ${job.forecast.origins} rolling origin${job.forecast.origins === 1 ? '' : 's'}` : 'cross-validated'}, best first${job.leaderboard.length > shown.length ? `; top ${shown.length} of ${job.leaderboard.length}` : ''})`,
      renderTable(
        ['#', 'trial', 'family', metric, 'fit', 'fidelity', ...(nas ? ['architecture'] : [])],
        shown.map((e, i) => [i + 1, e.trial_id, e.family, formatNumber(e.score), formatDuration(e.fit_ms), fidelityCell(e), ...(nas ? [e.family === 'cnn' ? cnnArchitecture(e.params) : ''] : [])]),
      ),
    );
  }
  return lines.join('\n');
}

/** A leaderboard entry's fidelity: "all", or the fraction of what it trained on (a CNN's epochs, else the rows). */
const fidelityCell = (e: { fidelity: number; fidelity_of?: 'rows' | 'epochs' }): string => (e.fidelity === 1 ? 'all' : `${Math.round(e.fidelity * 100)}% of ${e.fidelity_of ?? 'rows'}`);

/**
 * What the job published: a retraining job the challenger it compared, any other job its best (the job
 * view's best is what it publishes: the ensemble only when it scored better than every single trial out of
 * fold). A cancelled job publishes a single trial even when the view calls the ensemble best: unknown then.
 */
function publishedTrial(job: Job): string | undefined {
  if (!job.model) return undefined;
  if (job.challenge?.challenger) return job.challenge.challenger;
  if (job.status === 'cancelled' && job.best?.trial_id === 'ensemble') return undefined;
  return job.best?.trial_id;
}

/** ": the ensemble" or ": trial t0003 (cnn)" after the model's name. */
function describePublished(job: Job): string {
  const id = publishedTrial(job);
  if (id === undefined) return '';
  if (id === 'ensemble') return ': the ensemble';
  const family = job.leaderboard.find((e) => e.trial_id === id)?.family ?? (job.best?.trial_id === id ? job.best.family : undefined);
  return `: trial ${id}${family ? ` (${family})` : ''}`;
}

/** That the published version is not the champion, for a result kept apart (a retraining job's challenge line says its own). */
function notChampion(job: Job): string {
  return job.model?.promoted === false && !job.challenge ? ', kept apart: NOT the champion (see the warning)' : '';
}

/** Why a built ensemble is not the published model, when it is not (empty otherwise). */
function ensembleNotPublished(job: Job): string {
  const ens = job.ensemble;
  if (ens?.status !== 'complete' || !job.model || publishedTrial(job) === 'ensemble') return '';
  if (job.status === 'cancelled') return '; not published: a cancelled job publishes its best single trial';
  const single = job.best;
  if (!single || single.trial_id === 'ensemble' || ens.score === undefined) return '';
  const better = job.greater_is_better ? single.score > ens.score : single.score < ens.score;
  return `; not published: the best single trial, ${single.trial_id} (${single.family}), scored ${better ? 'better' : 'as well'} out of fold (${metricLabel(job.metric, job.positive_class)} ${formatNumber(single.score)})`;
}

/**
 * The leaderboard's best single trial when the job published something else that it outranks. The job's
 * best and the leaderboard rank complete trials alike (fidelity, then score, ties to the earlier), and the
 * ensemble is published only when it beats the best publishable trial, so such a trial was kept from
 * publication by the job's serving cap (serving.max_us_per_row): its estimated serving time was over it.
 */
function overServingCap(job: Job): Job['leaderboard'][number] | undefined {
  const best = job.best;
  if (!best || publishedTrial(job) === undefined) return undefined;
  const top = job.leaderboard.findIndex((e) => e.family !== 'ensemble');
  if (top < 0 || job.leaderboard[top].trial_id === best.trial_id) return undefined;
  if (best.trial_id === 'ensemble' && top > job.leaderboard.findIndex((e) => e.family === 'ensemble')) return undefined;
  return job.leaderboard[top];
}

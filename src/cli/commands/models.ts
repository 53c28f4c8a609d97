/**
 * @module cli/commands/models
 * `edge-automl models` (every model with its champion and score) and `edge-automl model MODEL
 * [--version N] [--delete]` (one model: champion, what it takes (images, or a series to forecast, with the
 * series it forecasts worst as the job report names them), versions,
 * most important features (a date input with the order of day and month predict reads), history of
 * champion changes and retraining decisions, with `--version N` what that version takes instead of the
 * champion; or the whole model removed, with the jobs to cancel first when it is still being trained).
 */
import type { Command } from 'commander';
import { ApiClientError, type Model } from '../../client';
import { action, positiveInt } from '../command-kit';
import { HintedApiError, UsageError } from '../errors';
import { formatNumber, formatScore, formatTime, renderTable } from '../format';
import { worstSeries } from '../job-report';
import { emit } from '../output';
import { gridText, pixelSummaryName, splitPixelColumns } from '../pixel-summary';

export function registerModels(program: Command): void {
  program
    .command('models')
    .description('list models with their champion version and score')
    .action(
      action(async (ctx) => {
        const list = await ctx.api.models.list();
        emit(ctx, list, () =>
          list.models.length === 0
            ? `no models yet: train one with \`${ctx.cli} train --dataset NAME --target COLUMN\``
            : renderTable(['model', 'champion', 'task', 'score', 'updated'], list.models.map((m) => [m.name, `v${m.champion_version}`, m.task, formatScore(m.metric, m.score), formatTime(m.updated_at)])),
        );
      }),
    );

  program
    .command('model')
    .description("one model's champion, versions, features and history, or --delete the whole model (with --version, that version)")
    .argument('<model>', 'model name')
    .option('--version <n>', "describe this version's features or series (what forecast/predict --version N takes; default: the champion)", positiveInt('--version'))
    .option('--delete', 'delete the model: every version, its history, retraining schedule and files (the jobs that trained it keep their records; cancel its running jobs first); with --version N, only version N (not the champion)')
    .action(
      action<{ version?: number; delete?: boolean }>(async (ctx, [name], opts) => {
        if (opts.delete) {
          if (opts.version !== undefined) {
            await ctx.api.models.deleteVersion(name, opts.version);
            emit(ctx, { deleted: true, model: name, version: opts.version }, () => `model ${name}: version ${opts.version} deleted`);
            return;
          }
          try {
            await ctx.api.models.delete(name);
          } catch (err) {
            throw withCancelAdvice(err, name, ctx.cli);
          }
          emit(ctx, { deleted: true, model: name }, () => `model ${name} deleted`);
          return;
        }
        const model = await ctx.api.models.get(name, { version: opts.version });
        emit(ctx, model, () => describeModel(model));
      }),
    );
}

/**
 * A model still being trained (409 model_in_use): the server's advice names its HTTP route (DELETE
 * /v1/jobs/{id}); at the command line the next step is `cancel JOB` for each job in details.jobs, or,
 * when the list is empty (a scheduled run is starting its job), the same delete again in a few seconds.
 */
function withCancelAdvice(err: unknown, name: string, cli: string): unknown {
  if (!(err instanceof ApiClientError) || err.code !== 'model_in_use') return err;
  const again = `\`${cli} model ${name} --delete\``;
  const jobs = Array.isArray(err.details.jobs) ? err.details.jobs.map(String) : [];
  if (jobs.length === 0) {
    const wait = typeof err.details.retry_after_seconds === 'number' ? err.details.retry_after_seconds : 5;
    return new HintedApiError(err, `run ${again} again in ${wait} s; if it then names the job the run started, \`${cli} cancel JOB\` it first`);
  }
  const cancels = jobs.map((id) => `\`${cli} cancel ${id}\``).join(', ');
  const them = jobs.length === 1 ? 'it' : 'them';
  return new HintedApiError(err, `cancel ${them} with ${cancels} (or wait for ${them} to end), then ${again} again`, err.message.split('; cancel')[0]);
}

/** ' (predicts "island", multiclass)' for a version whose target or task is not the champion's; '' otherwise or when unknown. */
function otherModel(m: Model, v: Model['versions'][number]): string {
  if (v.target === undefined || v.task === undefined || (v.target === m.target && v.task === m.task)) return '';
  return ` (predicts "${v.target}", ${v.task})`;
}

/** `model MODEL` as a table: what the model is, what it takes (images, or a forecast's series), its versions, features and history. */
export function describeModel(m: Model): string {
  const champion = m.versions.find((v) => v.version === m.champion_version);
  const lines = [
    `model ${m.name}: ${m.task}, target "${m.target}"${m.classes.length > 0 ? `, classes ${m.classes.join(', ')}` : ''}`,
    `  champion v${m.champion_version}${champion ? `: ${champion.family}, ${formatScore(champion.metric, champion.score, champion.greater_is_better)}, from job ${champion.job_id}` : ''}`,
  ];
  // A version asked for with --version: what follows (serving, images, series, features) is that version's.
  const described = m.described_version !== undefined && m.described_version !== m.champion_version ? m.versions.find((v) => v.version === m.described_version) : undefined;
  if (described) lines.push(`  version  v${described.version}: ${described.family}, ${formatScore(described.metric, described.score, described.greater_is_better)}, from job ${described.job_id} (described below)`);
  if (m.serving) lines.push(`  serving  about ${m.serving.estimated_us_per_row} µs per row`);
  if (m.image) lines.push(`  images   ${m.image.width}x${m.image.height}, ${m.image.channels === 1 ? 'gray' : `${m.image.channels} channels`}, pixel values 0..${m.image.max_value} (predict MODEL a.png …)`);
  if (m.forecast) {
    const f = m.forecast;
    // The view lists at most 1,000 groups.
    const count = f.groups?.length ?? 0;
    const groups = f.group_column ? `, ${count >= 1000 ? '1,000 or more' : count} series by "${f.group_column}"` : '';
    // "fixed" names any step but a minute, an hour, a day or a week: the step's words say which ("every 30 minutes").
    const frequency = f.frequency === 'fixed' && f.step ? f.step.text : f.frequency;
    lines.push(`  series   ${frequency} by "${f.time_column}"${groups}, horizon ${f.horizon} (up to ${f.max_horizon}; forecast MODEL --horizon N)`);
    // What every forecast must give per step, and for a category which values it may take.
    const covariates = (f.covariates ?? []).map((c) => (c.kind === 'numeric' ? `${c.name} (a number)` : `${c.name} (${(c.levels ?? []).join(' | ')})`));
    if (covariates.length > 0) lines.push(`  covariates ${covariates.join(', ')} for each step ahead (forecast MODEL --covariates FILE)`);
    // Read from the training data's last observations: nothing to give, and newer ones need a retraining.
    const past = (f.past_covariates ?? []).map((c) => c.name);
    if (past.length > 0) lines.push(`  past covariates ${past.join(', ')}, observed up to the end of the training data (a forecast gives none; retrain to use newer ones)`);
    // Where each series ends: its forecasts start the step after (a scheduled retraining moves it on).
    const ends = (f.series ?? []).map((e) => `${e.group === undefined ? '' : `${e.group} `}${e.last_time} (${e.points} points)`);
    if (ends.length > 0) lines.push(`  ends at  ${ends.slice(0, 5).join(', ')}${ends.length > 5 ? ` and ${ends.length - 5} more` : ''}; forecasts start the step after`);
    // A never-negative target: what keeps a forecast near 0 from going below it.
    if (f.floor !== undefined) lines.push(`  floor    ${f.floor}: forecasts and intervals never go below it (the target never did in training)`);
    // Groups a simple rule forecasts: forecastable with --group too, though not among the model's own series.
    const ruled = (f.fallback_groups ?? []).map((g) => `${g.group} (${g.rule}, ${g.points} points)`);
    if (ruled.length > 0) lines.push(`  fallback ${ruled.slice(0, 5).join(', ')}${ruled.length > 5 ? ` and ${ruled.length - 5} more` : ''}: too few points to validate a model on, forecast by a simple rule`);
    // The series the described version forecasts worst, in its own metric, as its job's report names them.
    const metric = (described ?? champion)?.metric ?? m.metric;
    const worst = worstSeries(metric, f.series_scores, f.series_scores_total);
    if (worst) lines.push(worst);
  }
  if (m.artifact_error) lines.push(`  artifact ${m.artifact_error.code}: ${m.artifact_error.message}`);
  lines.push(
    '',
    'versions',
    // Each version's score in its own metric: a version from a job with another metric is not in the champion's.
    renderTable(
      ['version', 'family', 'score', 'dataset', 'job', 'created'],
      // A version of another target or task than the champion's (one kept apart, or replaced) says what it predicts.
      m.versions.map((v) => [`v${v.version}${v.version === m.champion_version ? ' (champion)' : ''}${v.advanced_from !== undefined ? ` (v${v.advanced_from} advanced)` : ''}${otherModel(m, v)}`, v.family, formatScore(v.metric, v.score), `${v.dataset.name} v${v.dataset.version}`, v.job_id, formatTime(v.created_at)]),
    ),
  );
  // Importances are computed after publication (none for image models); without them the input order is
  // kept and not called a ranking.
  // An image model's pixel columns are one line (3,072 of them listed ten at a time said nothing).
  const { shape, pixels, others } = splitPixelColumns(m.features, m.image);
  const inputs = shape ? others : m.features;
  const ranked = inputs.some((f) => f.importance !== null);
  const features = (ranked ? [...inputs].sort((a, b) => (b.importance ?? -Infinity) - (a.importance ?? -Infinity)) : inputs).slice(0, 10);
  const pixelLine = shape ? [[pixelSummaryName(shape), `${pixels.length} pixel columns of ${gridText(shape)} images`, ...(ranked ? ['-'] : [])]] : [];
  if (features.length + pixelLine.length > 0) {
    const count = pixelLine.length === 0 ? `${inputs.length}` : inputs.length === 0 ? `${pixels.length} pixel columns` : `${pixels.length} pixel columns and ${inputs.length} more`;
    const title = `features (${count}${ranked ? '; most important first' : ''}${inputs.length > features.length ? `; first ${features.length} shown` : ''})`;
    // A datetime input not in ISO-8601 shows the layout predict reads it in, as the dataset report does ("datetime dmy").
    const type = (f: Model['features'][number]) => (f.date_order ? `${f.type} ${f.date_order}` : f.type);
    const rows = features.map((f) => [f.name, type(f), ...(ranked ? [formatNumber(f.importance)] : [])]);
    lines.push('', title, renderTable(['feature', 'type', ...(ranked ? ['importance'] : [])], [...pixelLine, ...rows]));
  }
  if (m.history.length > 0) {
    lines.push('', 'history', renderTable(['at', 'event', 'version', 'reason'], m.history.map((e) => [formatTime(e.at), e.kind, e.version === null ? '-' : `v${e.version}`, e.reason])));
  }
  return lines.join('\n');
}

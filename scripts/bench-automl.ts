/**
 * `npm run bench:automl -- --data DIR [--datasets a,b] [--budget-s 60] [--trials N] [--json OUT] [--port 8797]`
 * Runs the full system through local `wrangler dev` and the public API on each dataset in DIR (the shared
 * format: NAME.train.csv, NAME.test.csv, NAME.json, index.json): uploads the train split, runs a job, predicts
 * the test split through the prediction route and scores it with the dataset's primary metric. Image datasets
 * (an `image_shape` in NAME.json) run as image jobs and also report test accuracy; time series run as forecast
 * jobs over the test split's length and are scored on the forecast route's answer (and how many test points its 80%
 * intervals hold). Each test score comes with its split noise: the 95% bootstrap half-width over the test
 * rows (lib/split-noise). When DIR has a
 * REFERENCE.md, each result is also set against it (best scikit-learn default, Tuned; lib/reference-scores)
 * and the JSON rows carry that standing; `npm run bench:compare` re-reads saved runs and adds seeds up.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { TrialRecord } from '../src/durable/protocol';
import type { MetricName } from '../src/engine/eval/metrics';
import { ApiClient } from './lib/api-client';
import { splitNoise } from './lib/split-noise';
import { readReferenceScores, type Standing, standingOf, standingSummary, standingTable } from './lib/reference-scores';
import { csvRows, formatTable, heldOutScore } from './lib/tables';
import { startDevServer } from './lib/wrangler-dev';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data') },
    datasets: { type: 'string' },
    'budget-s': { type: 'string', default: '60' },
    trials: { type: 'string' },
    seed: { type: 'string', default: '42' },
    json: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    // Another port lets a second bench run beside one already on the default.
    port: { type: 'string', default: '8797' },
  },
});

interface DatasetMeta {
  name: string;
  task: string;
  target: string;
  classes?: string[];
  metrics: { primary: string };
  /** Set on image datasets: [height, width]. */
  image_shape?: number[];
  /** Set on time series. */
  time_column?: string;
  forecast_horizon?: number;
}

interface Row {
  dataset: string;
  metric: string;
  score: number;
  /** Test accuracy of classification jobs (the image target is stated in accuracy). */
  accuracy: number | null;
  /** Forecasts: the share of test points inside the published model's 80% intervals, and the job's best_estimate. */
  interval_coverage_80?: number;
  best_estimate?: number | null;
  cv_score: number | null;
  /** The test score's 95% bootstrap half-width (lib/split-noise): how much of a gap the test split alone explains. */
  split_noise_95: number;
  best_family: string;
  trials: number;
  failed: number;
  elapsed_ms: number;
}

async function main() {
  const dir = resolve(values.data);
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { datasets: { name: string; task: string }[] };
  const wanted = values.datasets?.split(',');
  const names = index.datasets.map((d) => d.name).filter((n) => !wanted || wanted.includes(n));
  const results: Row[] = [];
  for (const name of names) {
    const meta = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as DatasetMeta;
    if (!['binary', 'multiclass', 'regression', 'timeseries'].includes(meta.task)) {
      console.log(`- ${name}: task ${meta.task} not supported yet, skipped`);
      continue;
    }
    const kind = meta.task === 'timeseries' ? 'forecast' : meta.image_shape ? 'image' : 'table';
    // A fresh runtime per dataset, as separate deployments would see it: a long local session lets the
    // embedded queue stop delivering after a few hundred messages, which would charge one dataset's
    // budget with the previous ones' history.
    const state = mkdtempSync(join(tmpdir(), 'edge-automl-bench-'));
    const server = await startDevServer({ persistTo: state, port: Number(values.port), verbose: values.verbose });
    try {
      const api = new ApiClient(server.url, server.adminKey);
      const started = Date.now();
      const dsName = name.replace(/_/g, '-');
      await api.uploadCsv(dsName, readFileSync(join(dir, `${name}.train.csv`), 'utf8'));
      const metric = meta.metrics.primary as MetricName;
      const budget = { seconds: Number(values['budget-s']), ...(values.trials ? { trials: Number(values.trials) } : {}) };
      const testRows = csvRows(join(dir, `${name}.test.csv`));
      const task = kind === 'table' ? meta.task : kind;
      const forecast = kind === 'forecast' ? { forecast: { horizon: testRows.length, ...(meta.time_column ? { time_column: meta.time_column } : {}) } } : {};
      const { id } = await api.createJob({ dataset: dsName, target: meta.target, task, metric, budget, seed: Number(values.seed), ...forecast });
      // The budget, plus time for leases of trials that never report (300 s) and the ensemble.
      const job = await api.waitForJob(id, (budget.seconds + 600) * 1000);
      if (!job.model) {
        console.log(`- ${name}: job ${job.status} ${job.error?.message ?? ''}`);
        continue;
      }
      const truth = testRows.map((r) => r[meta.target]);
      const classes = meta.classes ?? [];
      let score: number;
      let accuracy: number | null = null;
      let coverage: number | null = null;
      let noise: number;
      if (kind === 'forecast') {
        const answer = await api.request<{ forecasts: { value: number; lower: number; upper: number }[] }>('POST', `/v1/models/${job.model.name}/forecast`, { horizon: testRows.length, level: 0.8 });
        const forecasts = { predictions: answer.forecasts.map((p) => p.value) };
        score = heldOutScore(metric, truth, forecasts, []);
        noise = splitNoise(metric, truth, forecasts, []).halfWidth;
        coverage = answer.forecasts.filter((p, i) => Number(truth[i]) >= p.lower && Number(truth[i]) <= p.upper).length / truth.length;
      } else {
        const features = testRows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== meta.target)));
        const result = await api.predict(job.model.name, features);
        score = heldOutScore(metric, truth, result, classes);
        noise = splitNoise(metric, truth, result, classes).halfWidth;
        if (classes.length > 0) accuracy = result.predictions.filter((p, i) => String(p) === truth[i]).length / truth.length;
      }
      const row: Row = {
        dataset: name,
        metric,
        score,
        accuracy,
        ...(coverage === null ? {} : { interval_coverage_80: coverage, best_estimate: job.best_estimate?.score ?? null }),
        cv_score: job.best?.score ?? null,
        split_noise_95: noise,
        best_family: job.best?.family ?? '-',
        trials: job.progress.trials_done,
        failed: job.progress.trials_failed,
        elapsed_ms: Date.now() - started,
      };
      results.push(row);
      console.log(`- ${name}: test ${metric} ${score.toFixed(4)} ± ${noise.toFixed(4)}${accuracy === null ? '' : `, accuracy ${accuracy.toFixed(4)}`}${coverage === null ? '' : `, 80% intervals hold ${(100 * coverage).toFixed(0)}% (estimate ${row.best_estimate?.toFixed(4)})`} (cv ${row.cv_score?.toFixed(4)}, ${row.best_family}, ${row.trials} trials, ${(row.elapsed_ms / 1000).toFixed(0)} s)`);
      // A failed count alone says nothing: name each failed trial and its reason.
      if (row.failed > 0) {
        const { trials } = await api.request<{ trials: TrialRecord[] }>('GET', `/v1/jobs/${id}/trials`);
        for (const t of trials.filter((t) => t.status === 'failed')) console.log(`    failed ${t.trial_id} (${t.family} ${JSON.stringify(t.params)}): ${t.error?.code ?? '?'}: ${t.error?.message ?? ''}`);
      }
    } finally {
      await server.stop();
      rmSync(state, { recursive: true, force: true });
    }
  }
  console.log(
    `\n${formatTable(
      ['dataset', 'metric', 'test score', 'test accuracy', 'cv score', 'best family', 'trials', 'failed', 'elapsed s'],
      results.map((r) => [r.dataset, r.metric, r.score, r.accuracy ?? '-', r.cv_score ?? NaN, r.best_family, r.trials, r.failed, (r.elapsed_ms / 1000).toFixed(0)]),
    )}`,
  );
  const reference = readReferenceScores(dir);
  const standings = new Map<string, Standing>();
  if (reference) {
    for (const r of results) {
      const s = standingOf(reference, { ...r, noise: r.split_noise_95 });
      if (s) standings.set(r.dataset, s);
    }
    console.log(`\nAgainst ${join(dir, 'REFERENCE.md')}:\n${standingTable([...standings.values()])}\n${standingSummary([...standings.values()]).line}`);
  }
  if (values.json) {
    const rows = results.map((r) => {
      const s = standings.get(r.dataset);
      return s ? { ...r, reference: { best_default: s.best, beats_best_default: s.beatsBest, tuned: s.tuned } } : r;
    });
    writeFileSync(values.json, JSON.stringify(rows, null, 2));
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

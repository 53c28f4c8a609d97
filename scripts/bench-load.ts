/**
 * `npm run bench:load`: the platform under load, end to end on local `wrangler dev`.
 * 1. trains a model on the demo data (credit-g), mints tenant keys (the per-key predict limit stays on);
 * 2. starts two more training jobs, and while both train drives 30 s of concurrent single-row
 *    predictions at the model with a closed-loop load generator (keep-alive, loopback only, bounded in
 *    time, count and per-request timeout);
 * 3. waits for both jobs, then checks: zero 5xx / transport errors / timeouts, and every trial of both
 *    jobs accounted for exactly once (unique ids and numbers, no trial left running, the job's counts
 *    equal to its trial list).
 * Prints p50/p90/p99 latency, throughput and status counts; exits 1 when a check fails.
 *
 *   npm run bench:load -- [--seconds 30] [--concurrency 16] [--job-budget-s 45] [--json OUT]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiClient, type JobView } from './lib/api-client';
import { quantile, runLoad, serverFailures } from './lib/load-generator';
import { csvRows, formatTable } from './lib/tables';
import { startDevServer } from './lib/wrangler-dev';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '16' },
    'job-budget-s': { type: 'string', default: '45' },
    keys: { type: 'string', default: '100' },
    port: { type: 'string', default: '8796' },
    json: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

const ROOT = resolve(import.meta.dirname, '..');
const MODEL = 'credit-load';
/** Requests per key per minute allowed by PREDICT_LIMITER (wrangler.toml). */
const PER_KEY_PER_MINUTE = 600;

interface TrialRow {
  trial_id: string;
  number: number;
  status: string;
}

async function main() {
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const state = mkdtempSync(join(tmpdir(), 'edge-automl-load-'));
  const server = await startDevServer({ persistTo: state, port: Number(values.port), verbose: values.verbose });
  let failed = false;
  try {
    const admin = new ApiClient(server.url, server.adminKey);
    await admin.uploadCsv('credit', readFileSync(join(ROOT, 'examples/credit-g/train.csv'), 'utf8'));
    console.log('training the model to serve (8 trials)...');
    const first = await admin.waitForJob((await admin.createJob({ dataset: 'credit', target: 'class', model: MODEL, models: ['gbdt', 'linear'], budget: { trials: 8, seconds: 60 }, seed: 1 })).id);
    if (!first.model) throw new Error(`the serving model was not trained: ${first.status} ${first.error?.message ?? ''}`);

    // The per-key limit stays on, so spread the load over enough keys for the expected rate.
    const keys = await admin.mintKeys(Number(values.keys), 'load');
    const rows = csvRows(join(ROOT, 'examples/credit-g/test.csv')).map(({ class: _target, ...features }) => features);

    console.log(`starting two training jobs (${values['job-budget-s']} s each), then ${seconds} s of predictions at concurrency ${concurrency}...`);
    const budget = { seconds: Number(values['job-budget-s']) };
    const jobs = [
      (await admin.createJob({ dataset: 'credit', target: 'class', model: 'credit-load-a', budget, seed: 2 })).id,
      (await admin.createJob({ dataset: 'credit', target: 'class', model: 'credit-load-b', budget, seed: 3 })).id,
    ];
    const load = await runLoad({
      baseUrl: server.url,
      concurrency,
      durationMs: seconds * 1000,
      maxRequests: Math.floor((keys.length * PER_KEY_PER_MINUTE * Math.min(seconds, 60)) / 60),
      timeoutMs: 15_000,
      next: (i) => ({
        path: `/v1/models/${MODEL}/predict`,
        headers: { authorization: `Bearer ${keys[i % keys.length]}` },
        body: JSON.stringify({ rows: [rows[i % rows.length]] }),
      }),
    });

    const trained = await Promise.all(jobs.map((id) => admin.waitForJob(id)));
    const audits = await Promise.all(trained.map((job) => auditTrials(admin, job)));

    const lat = load.latenciesMs;
    const summary = {
      requests: load.requests,
      seconds: load.elapsedMs / 1000,
      requests_per_s: load.requests / (load.elapsedMs / 1000),
      p50_ms: quantile(lat, 0.5),
      p90_ms: quantile(lat, 0.9),
      p99_ms: quantile(lat, 0.99),
      max_ms: lat.length ? lat[lat.length - 1] : Number.NaN,
      by_status: load.byStatus,
      server_failures: serverFailures(load),
      jobs: audits,
    };
    console.log('\npredictions while two jobs train');
    console.log(
      formatTable(
        ['requests', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'statuses', '5xx+lost'],
        [[summary.requests, summary.requests_per_s, summary.p50_ms, summary.p90_ms, summary.p99_ms, summary.max_ms, JSON.stringify(load.byStatus), summary.server_failures]],
      ),
    );
    console.log('\ntraining jobs during the load');
    console.log(formatTable(['job', 'status', 'trials', 'done', 'failed', 'duplicates', 'unaccounted'], audits.map((a) => [a.job, a.status, a.trials, a.done, a.failed, a.duplicates, a.unaccounted])));
    for (const f of load.failures) console.log(`  non-2xx sample: ${f}`);

    const problems: string[] = [];
    if (summary.server_failures > 0) problems.push(`${summary.server_failures} predictions answered 5xx, failed or timed out`);
    if ((load.byStatus['429'] ?? 0) > 0) problems.push(`${load.byStatus['429']} predictions were rate-limited (use more --keys)`);
    for (const a of audits) {
      if (a.duplicates > 0 || a.unaccounted > 0) problems.push(`job ${a.job}: ${a.duplicates} duplicated and ${a.unaccounted} unaccounted trials`);
      if (a.status !== 'succeeded') problems.push(`job ${a.job} ended ${a.status}`);
    }
    if (values.json) writeFileSync(values.json, JSON.stringify({ ...summary, problems }, null, 2));
    if (problems.length > 0) {
      failed = true;
      console.log(`\nFAILED:\n- ${problems.join('\n- ')}`);
    } else {
      console.log('\nOK: zero 5xx, zero lost or duplicated trials');
    }
  } finally {
    await server.stop();
    rmSync(state, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

/** Every trial exactly once: unique ids and numbers 0..n-1, none left running, counts that agree. */
async function auditTrials(api: ApiClient, job: JobView) {
  const { trials } = await api.request<{ trials: TrialRow[] }>('GET', `/v1/jobs/${job.id}/trials`);
  const ids = new Set(trials.map((t) => t.trial_id));
  const numbers = new Set(trials.map((t) => t.number));
  const duplicates = trials.length - ids.size + (trials.length - numbers.size);
  const done = trials.filter((t) => t.status === 'complete').length;
  const failedCount = trials.filter((t) => t.status === 'failed').length;
  const holes = [...Array(trials.length).keys()].filter((n) => !numbers.has(n)).length;
  const stillRunning = trials.filter((t) => t.status === 'running').length;
  const countMismatch = Math.abs(job.progress.trials_done - done) + Math.abs(job.progress.trials_failed - failedCount);
  return { job: job.id, status: job.status, trials: trials.length, done, failed: failedCount, duplicates, unaccounted: holes + stillRunning + countMismatch };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/**
 * `npm run demo`: the main job end to end on the embedded local Cloudflare runtime. Starts `wrangler dev`,
 * uploads the shipped credit-g training data, runs an AutoML job with a short budget while showing its
 * progress, prints the leaderboard, predicts the held-out test rows through the prediction route, and
 * stops the server.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiClient, isTerminal, type JobView } from './lib/api-client';
import { csvRows, formatTable, heldOutScore } from './lib/tables';
import { startDevServer } from './lib/wrangler-dev';

const ROOT = resolve(import.meta.dirname, '..');
const BUDGET_SECONDS = Number(process.env.DEMO_BUDGET_SECONDS ?? 40);

async function main() {
  const started = Date.now();
  const state = mkdtempSync(join(tmpdir(), 'edge-automl-demo-'));
  console.log('▶ starting the Worker locally (wrangler dev: workerd + local R2, Durable Objects, Queues)…');
  const server = await startDevServer({ persistTo: state, port: Number(process.env.DEMO_PORT ?? 8799) });
  try {
    const api = new ApiClient(server.url, server.adminKey);
    console.log(`  listening on ${server.url}\n`);

    const csv = readFileSync(join(ROOT, 'examples/credit-g/train.csv'), 'utf8');
    const dataset = await api.uploadCsv('credit-g', csv);
    const types = dataset.columns.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.type]: (acc[c.type] ?? 0) + 1 }), {});
    console.log(`▶ uploaded examples/credit-g/train.csv as dataset "credit-g" v${dataset.version}: ${dataset.rows} rows, columns ${JSON.stringify(types)}`);

    const { id } = await api.createJob({ dataset: 'credit-g', target: 'class', budget: { seconds: BUDGET_SECONDS }, model: 'credit-risk', seed: 42 });
    console.log(`▶ job ${id}: predicting "class" (good/bad credit), ${BUDGET_SECONDS} s budget\n`);
    const job = await follow(api, id);
    if (job.status !== 'succeeded' || !job.model) throw new Error(`job ended ${job.status}: ${job.error?.message ?? 'no model'}`);

    console.log(`\n▶ leaderboard (${job.metric}, cross-validated on the training data, best first)`);
    console.log(
      formatTable(
        ['rank', 'trial', 'family', job.metric, 'fit s'],
        job.leaderboard.slice(0, 10).map((t, i) => [i + 1, t.trial_id, t.family, t.score, t.fit_ms === null ? '-' : (t.fit_ms / 1000).toFixed(1)]),
      ),
    );

    const testRows = csvRows(join(ROOT, 'examples/credit-g/test.csv'));
    const truth = testRows.map((r) => r.class);
    const features = testRows.map(({ class: _target, ...rest }) => rest);
    const result = await api.predict('credit-risk', features);
    console.log(`\n▶ POST /v1/models/credit-risk/predict (model v${result.model.version}) on the ${features.length} held-out test rows; first five:`);
    console.log(
      formatTable(
        ['row', 'predicted', 'P(bad)', 'P(good)', 'actual'],
        result.predictions.slice(0, 5).map((p, i) => [i, String(p), result.probabilities![i].bad, result.probabilities![i].good, truth[i]]),
      ),
    );
    const auc = heldOutScore('roc_auc', truth, result, ['bad', 'good']);
    const accuracy = heldOutScore('accuracy', truth, result, ['bad', 'good']);
    console.log(`\n  held-out test ROC AUC ${auc.toFixed(4)}, accuracy ${accuracy.toFixed(4)} (random forest reference: AUC 0.809)`);
    console.log(`\n✔ demo finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await server.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

async function follow(api: ApiClient, id: string): Promise<JobView> {
  const tty = process.stdout.isTTY;
  let lastPrinted = 0;
  for (;;) {
    const job = await api.job(id);
    const p = job.progress;
    const best = job.best ? `${job.best.score.toFixed(4)} (${job.best.family})` : '-';
    const line = `  [${(p.elapsed_ms / 1000).toFixed(0).padStart(3)} s] ${job.status.padEnd(9)} trials done ${p.trials_done}, running ${p.trials_running}, failed ${p.trials_failed}; best ${job.metric} ${best}`;
    if (tty) process.stdout.write(`\r${line.padEnd(110)}`);
    else if (Date.now() - lastPrinted > 5_000 || isTerminal(job.status)) {
      console.log(line);
      lastPrinted = Date.now();
    }
    if (isTerminal(job.status)) {
      if (tty) process.stdout.write('\n');
      return job;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

main().catch((err) => {
  console.error(`\n✘ demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

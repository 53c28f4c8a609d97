/**
 * `npm run bench:serve`: how fast a trained model answers.
 * 1. In process (Node, the engine's Predictor exactly as the Worker uses it): for every model family
 *    trained with its defaults on the demo data (credit-g), microseconds per row for single-row calls and
 *    for a batch, plus a 100-tree GBDT (no early stopping), the reference point.
 * 2. End to end on local `wrangler dev`: trains a model through the API, then drives the prediction route
 *    (beside a route that does nothing, the local runtime's own floor)
 *    with the closed-loop load generator (keep-alive, loopback only, bounded): single-row requests at
 *    concurrency 1 (latency) and at higher concurrency (throughput), and 10,000-row CSV batches.
 * Prints p50/p99 latency, throughput and errors, with the targets beside them; medians everywhere.
 *
 *   npm run bench:serve -- [--seconds 10] [--concurrency 8] [--skip-http] [--json OUT]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type AnyEnvelope, buildEnsembleEnvelope, inferDataset, type ModelEnvelope, parseCsv, Predictor, runTrial, selectJobEnsemble } from '../src/engine';
import { servingCostMicros } from '../src/engine/serialize/serving-cost';
import type { ModelFamily } from '../src/engine/models/model';
import { getModelSpec, MODEL_FAMILIES } from '../src/engine/models/registry';
import { ApiClient } from './lib/api-client';
import { type LoadRequest, quantile, runLoad, serverFailures } from './lib/load-generator';
import { csvRows, formatTable } from './lib/tables';
import { initWasmInNode } from './lib/tfjs-wasm-node';
import { startDevServer } from './lib/wrangler-dev';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    keys: { type: 'string', default: '200' },
    port: { type: 'string', default: '8795' },
    'skip-http': { type: 'boolean', default: false },
    json: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

const ROOT = resolve(import.meta.dirname, '..');
const TRAIN = join(ROOT, 'examples/credit-g/train.csv');
const TEST = join(ROOT, 'examples/credit-g/test.csv');
const TARGET = 'class';
const BATCH_ROWS = 10_000;
const PER_KEY_PER_MINUTE = 600;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Feature rows of the test split, repeated to `n` rows. */
function featureRows(n: number): Record<string, string>[] {
  const rows = csvRows(TEST).map(({ [TARGET]: _t, ...f }) => f);
  return Array.from({ length: n }, (_, i) => rows[i % rows.length]);
}

interface InProcessRow {
  model: string;
  single_us_per_row: number;
  /** The engine's structural estimate (what the ensemble latency cap uses), for comparison. */
  estimated_us: number;
  batch_us_per_row: number;
  batch_10k_ms: number;
}

async function inProcess(): Promise<InProcessRow[]> {
  await initWasmInNode();
  const { dataset } = inferDataset(parseCsv(readFileSync(TRAIN, 'utf8')), Object.create(null));
  const shape = { rows: dataset.rows, cols: dataset.columns.length - 1, task: 'binary' as const, nClasses: 2 };
  const configs: [string, ModelFamily, Record<string, unknown>][] = MODEL_FAMILIES.map((f) => [f, f, getModelSpec(f).defaults(shape)]);
  configs.push(['gbdt 100 trees', 'gbdt', { ...getModelSpec('gbdt').defaults(shape), n_estimators: 100, early_stopping_rounds: 0 }]);
  const single = featureRows(2_000);
  const batch = featureRows(BATCH_ROWS);
  const out: InProcessRow[] = [];
  const candidates: { id: string; oof: Float32Array; cost: number; envelope: ModelEnvelope }[] = [];
  const measure = async (label: string, envelope: AnyEnvelope) => {
    const predictor = await Predictor.load(JSON.parse(JSON.stringify(envelope)));
    predictor.predictRows(single.slice(0, 50)); // warm the JIT
    const singles: number[] = [];
    const batches: number[] = [];
    for (let rep = 0; rep < 5; rep++) {
      let t = performance.now();
      for (const row of single) predictor.predictRows([row]);
      singles.push(((performance.now() - t) * 1000) / single.length);
      t = performance.now();
      predictor.predictRows(batch);
      batches.push(performance.now() - t);
    }
    predictor.dispose();
    out.push({ model: label, single_us_per_row: median(singles), estimated_us: servingCostMicros(envelope), batch_us_per_row: (median(batches) * 1000) / BATCH_ROWS, batch_10k_ms: median(batches) });
  };
  for (const [label, family, params] of configs) {
    // 3-fold, so the out-of-fold predictions can feed the capped ensemble below, as in a job.
    const outcome = await runTrial(dataset, { family, params: params as never, target: TARGET, metric: 'roc_auc', seed: 1, folds: 3 });
    if (outcome.status !== 'complete') throw new Error(`${label}: ${outcome.reason}`);
    candidates.push({ id: label, oof: outcome.oof, cost: servingCostMicros(outcome.envelope), envelope: outcome.envelope });
    await measure(label, outcome.envelope);
  }
  // The end-of-search ensemble over these trials, under the default latency cap.
  const { selection } = selectJobEnsemble(dataset, { target: TARGET, task: 'binary', metric: 'roc_auc' }, candidates);
  const ensemble = buildEnsembleEnvelope(selection, (id) => candidates.find((c) => c.id === id)?.envelope, 'roc_auc');
  await measure(`ensemble (${selection.members.map((m) => m.id).join(' + ')})`, ensemble);
  return out;
}

interface HttpResult {
  phase: string;
  requests: number;
  requests_per_s: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  statuses: Record<string, number>;
}

async function overHttp(seconds: number, concurrency: number): Promise<{ phases: HttpResult[]; batch_10k_ms: number }> {
  const state = mkdtempSync(join(tmpdir(), 'edge-automl-serve-'));
  const server = await startDevServer({ persistTo: state, port: Number(values.port), verbose: values.verbose });
  try {
    const admin = new ApiClient(server.url, server.adminKey);
    await admin.uploadCsv('credit', readFileSync(TRAIN, 'utf8'));
    const { id } = await admin.createJob({ dataset: 'credit', target: TARGET, model: 'credit-serve', models: ['gbdt'], budget: { trials: 4, seconds: 60 }, seed: 1 });
    const job = await admin.waitForJob(id, 300_000, 500);
    if (!job.model) throw new Error(`training failed: ${job.status} ${job.error?.message ?? ''}`);
    // The per-key predict limit stays on: spread the requests over enough tenant keys.
    const keys = await admin.mintKeys(Number(values.keys), 'serve');
    const rows = featureRows(1_000);
    const budgetRequests = Math.floor((keys.length * PER_KEY_PER_MINUTE * Math.min(60, seconds * 3)) / 60);
    let keyCursor = 0;
    const predictRequest = (i: number): LoadRequest => ({ path: '/v1/models/credit-serve/predict', headers: { authorization: `Bearer ${keys[keyCursor++ % keys.length]}` }, body: JSON.stringify({ rows: [rows[i % rows.length]] }) });
    // The floor of the local runtime itself: a route that does nothing (Hono's 404, no key check).
    const emptyRequest = (): LoadRequest => ({ path: '/no-such-route', headers: {}, body: '' });
    const phase = async (name: string, c: number, durationMs: number, next: (i: number) => LoadRequest = predictRequest): Promise<HttpResult> => {
      const r = await runLoad({
        baseUrl: server.url,
        concurrency: c,
        durationMs,
        maxRequests: budgetRequests,
        timeoutMs: 10_000,
        next,
      });
      return {
        phase: name,
        requests: r.requests,
        requests_per_s: r.requests / (r.elapsedMs / 1000),
        p50_ms: quantile(r.latenciesMs, 0.5),
        p99_ms: quantile(r.latenciesMs, 0.99),
        // The empty route answers 404 by design; anything else that is not 2xx counts.
        errors: serverFailures(r) + Object.entries(r.byStatus).filter(([s]) => s.startsWith('4') && !(next === emptyRequest && s === '404')).reduce((n, [, k]) => n + k, 0),
        statuses: { ...r.byStatus },
      };
    };
    await phase('warm-up', 2, 2_000);
    const phases = [
      await phase('empty route, concurrency 1', 1, seconds * 1000, emptyRequest),
      await phase('single row, concurrency 1', 1, seconds * 1000),
      await phase(`empty route, concurrency ${concurrency}`, concurrency, seconds * 1000, emptyRequest),
      await phase(`single row, concurrency ${concurrency}`, concurrency, seconds * 1000),
    ];
    // 10,000-row batches as CSV, one at a time.
    const header = Object.keys(rows[0]);
    const csv = [header.join(','), ...featureRows(BATCH_ROWS).map((r) => header.map((h) => r[h]).join(','))].join('\n');
    const batchTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const res = await fetch(`${server.url}/v1/models/credit-serve/predict`, { method: 'POST', headers: { authorization: `Bearer ${keys[i]}`, 'content-type': 'text/csv' }, body: csv });
      const body = (await res.json()) as { predictions?: unknown[] };
      if (res.status !== 200 || body.predictions?.length !== BATCH_ROWS) throw new Error(`batch predict failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      batchTimes.push(performance.now() - t);
    }
    return { phases, batch_10k_ms: median(batchTimes) };
  } finally {
    await server.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

async function main() {
  const local = await inProcess();
  console.log('in process (engine Predictor, credit-g, medians of 5)');
  console.log(formatTable(['model', 'single µs/row', 'estimated µs', 'batch µs/row', '10k batch ms'], local.map((r) => [r.model, r.single_us_per_row, r.estimated_us, r.batch_us_per_row, r.batch_10k_ms])));
  const gbdt100 = local.find((r) => r.model === 'gbdt 100 trees');
  console.log(`target: GBDT 100 trees ≤ 20 µs/row → ${gbdt100?.single_us_per_row.toFixed(1)} µs single, ${gbdt100?.batch_us_per_row.toFixed(1)} µs batched`);
  let http: Awaited<ReturnType<typeof overHttp>> | undefined;
  if (!values['skip-http']) {
    http = await overHttp(Number(values.seconds), Number(values.concurrency));
    console.log('\nend to end on local wrangler dev (loopback, keep-alive)');
    console.log(formatTable(['phase', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors'], http.phases.map((p) => [p.phase, p.requests, p.requests_per_s, p.p50_ms, p.p99_ms, p.errors])));
    console.log(`10,000-row CSV batch: ${http.batch_10k_ms.toFixed(1)} ms median of 5 (target ≤ 150 ms)`);
    console.log('targets: single-row p50 ≤ 2 ms, p99 ≤ 10 ms, ≥ 1,500 req/s, zero errors');
  }
  if (values.json) writeFileSync(values.json, JSON.stringify({ in_process: local, http }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

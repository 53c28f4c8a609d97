/**
 * `npm run bench:serve`: how fast a trained model answers.
 * 1. In process (Node, the engine's Predictor exactly as the Worker uses it): for every model family
 *    trained with its defaults on the demo data (credit-g), microseconds per row for single-row calls and
 *    for a batch, plus a 100-tree GBDT (no early stopping), the issue's reference point.
 * 2. End to end on the local Cloudflare runtime (workerd, real Durable Objects, R2, Queues): trains a model
 *    through the API, then drives the prediction route beside a route that does nothing (the runtime's
 *    own floor): single-row requests at concurrency 1 (latency) and N (throughput), keep-alive, loopback.
 *    Two runtimes side by side: Miniflare driven from Node on the `wrangler deploy` bundle (the fewest
 *    hops: scripts/lib/miniflare-server.ts) and `wrangler dev` (which adds its proxy worker in front);
 *    two load generators: wrk (C, light on a small machine's CPU; scripts/lib/wrk-load.ts) and the Node one.
 *    Then 10,000-row CSV batches, answered as JSON and as CSV (Accept: text/csv).
 * Prints p50/p99 latency, throughput and errors, with the targets beside them; medians everywhere.
 *
 *   npm run bench:serve -- [--seconds 10] [--rounds 5] [--concurrency 8] [--runtime both|miniflare|wrangler]
 *                          [--load both|wrk|node] [--skip-http] [--skip-in-process] [--skip-batches] [--skip-load]
 *                          [--max-us-per-row N] (the served model's job asks for that serving cap)
 *                          [--stages] [--json OUT] [--steps-artifact ARTIFACT.json] [--steps-baseline DIR] [--floor]
 * --stages: Miniflare runs scripts/lib/serve-probe-worker.ts, whose probe routes run the predict path's
 * steps cumulatively; each is loaded like the route, so neighbouring rows price one step.
 * Routes take turns in --rounds slices (medians over rounds): fair ratios on a shared, busy machine.
 * --steps-artifact: first times the 10,000-row CSV batch's in-process steps for that artifact (e.g. the
 * served one, which the batch phase saves, see SERVED_ARTIFACT in lib/serve-http): the row-object path
 * (parseCsv, row objects, rowsToDataset) beside the columnar fast path (parseCsvColumns, cellsToDataset).
 * --steps-baseline: also times predictTable of another checkout's engine (e.g. `git archive HEAD | tar -x -C
 * DIR`), in turn with this one's on the same table, and checks that both answer the same.
 * --floor: only the tail's floor (scripts/lib/serve-floor.ts): a trivial Worker in the same Miniflare process
 * beside our raw probe, our empty route and predict, at concurrency 1 with wrk (raw and corrected p99),
 * free and pinned (taskset), then the isolates' heaps and garbage-collection pauses (inspector on port+9).
 * Ports: wrangler dev on --port (default 8881, inspector on port+8), Miniflare on port+1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type AnyEnvelope, buildEnsembleEnvelope, inferDataset, type ModelEnvelope, parseCsv, Predictor, runTrial, selectJobEnsemble } from '../src/engine';
import { servingCostMicros } from '../src/engine/serialize/serving-cost';
import type { ModelFamily } from '../src/engine/models/model';
import { getModelSpec, MODEL_FAMILIES } from '../src/engine/models/registry';
import { bundleWorker, startMiniflareServer } from './lib/miniflare-server';
import { floorPhase, floorScript } from './lib/serve-floor';
import { type BatchTiming, type HttpPhase, type LoadTool, loadPhases, prepareModel, type ServeHttpOptions, batchTimings } from './lib/serve-http';
import { wrkAvailable } from './lib/wrk-load';
import { csvRows, formatTable } from './lib/tables';
import { initWasmInNode } from './lib/tfjs-wasm-node';
import { type DevServer, startDevServer } from './lib/wrangler-dev';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    keys: { type: 'string', default: '300' },
    port: { type: 'string', default: '8881' },
    runtime: { type: 'string', default: 'both' },
    load: { type: 'string', default: 'both' },
    'skip-http': { type: 'boolean', default: false },
    'skip-in-process': { type: 'boolean', default: false },
    stages: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '5' },
    'skip-batches': { type: 'boolean', default: false },
    'skip-load': { type: 'boolean', default: false },
    // The served model's job asks for this serving cap (serving.max_us_per_row), µs per row.
    'max-us-per-row': { type: 'string' },
    'steps-artifact': { type: 'string' },
    'steps-baseline': { type: 'string' },
    json: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    floor: { type: 'boolean', default: false },
  },
});

const ROOT = resolve(import.meta.dirname, '..');
const TRAIN = join(ROOT, 'examples/credit-g/train.csv');
const TEST = join(ROOT, 'examples/credit-g/test.csv');
const TARGET = 'class';
const BATCH_ROWS = 10_000;

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

type Runtime = 'miniflare' | 'wrangler';

/** Starts one local runtime on a fresh state folder (Miniflare runs the bundle built once for the run). */
async function startRuntime(runtime: Runtime, state: string, bundleDir: string): Promise<DevServer> {
  const port = Number(values.port);
  if (runtime === 'wrangler') return startDevServer({ persistTo: state, port, inspectorPort: port + 8, verbose: values.verbose });
  return startMiniflareServer({ persistTo: state, port: port + 1, bundleDir, verbose: values.verbose, ...(values.stages ? { entry: 'serve-probe-worker.js' } : {}) });
}

/** The predict path's steps, cumulative (scripts/lib/serve-probe-worker.ts), loaded beside the full route. */
const STAGE_ROUTES = [
  { label: 'probe: raw Response', path: '/probe/raw' },
  { label: 'probe: + router, key check', path: '/probe/auth/credit-serve' },
  { label: 'probe: + rate limit', path: '/probe/limit/credit-serve' },
  { label: 'probe: + JSON body', path: '/probe/body/credit-serve' },
  { label: 'probe: + version, model', path: '/probe/version/credit-serve' },
  { label: 'probe: + predict, answer', path: '/probe/predict/credit-serve' },
];

async function overHttp(runtimes: Runtime[], tools: LoadTool[]): Promise<{ phases: HttpPhase[]; batches: BatchTiming[] }> {
  const bundleDir = mkdtempSync(join(tmpdir(), 'edge-automl-bundle-'));
  if (runtimes.includes('miniflare')) bundleWorker(bundleDir, values.stages ? 'scripts/lib/serve-probe-worker.ts' : undefined);
  const phases: HttpPhase[] = [];
  const batches: BatchTiming[] = [];
  try {
    for (const runtime of runtimes) {
      const state = mkdtempSync(join(tmpdir(), 'edge-automl-serve-'));
      const server = await startRuntime(runtime, state, bundleDir);
      try {
        const options: ServeHttpOptions = {
          runtime: runtime === 'wrangler' ? 'wrangler dev' : 'miniflare',
          server,
          trainCsv: readFileSync(TRAIN, 'utf8'),
          target: TARGET,
          rows: featureRows(1_000),
          seconds: Number(values.seconds),
          concurrency: Number(values.concurrency),
          keys: Number(values.keys),
          tools,
          batchRows: BATCH_ROWS,
          rounds: Number(values.rounds),
          ...(values.stages && runtime === 'miniflare' ? { extraRoutes: STAGE_ROUTES } : {}),
          ...(values['max-us-per-row'] !== undefined ? { maxUsPerRow: Number(values['max-us-per-row']) } : {}),
        };
        const keys = await prepareModel(options);
        if (!values['skip-load']) phases.push(...(await loadPhases(options, keys)));
        if (!values['skip-batches']) batches.push(...(await batchTimings(options, keys)));
      } finally {
        await server.stop();
        rmSync(state, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
  return { phases, batches };
}

/** In-process costs of one 10,000-row CSV batch's steps (medians of 9), old row-object path beside the fast path. */
async function batchSteps(artifactPath: string): Promise<void> {
  // Loaded only here: the other phases need none of these.
  const { parseCsvColumns } = await import('../src/engine/data/csv-columns');
  const { cellsToDataset } = await import('../src/engine/features/cells-to-dataset');
  const { rowsToDataset } = await import('../src/engine/features/rows-to-dataset');
  const { predictionsCsv } = await import('../src/worker/csv-answer');
  const artifact = JSON.parse(readFileSync(artifactPath, 'utf8')) as AnyEnvelope;
  const predictor = await Predictor.load(artifact);
  // Another checkout's engine, same artifact and table: its predictTable timed in turn with this one's.
  const baselineDir = values['steps-baseline'];
  const baseline = baselineDir
    ? await ((await import(resolve(baselineDir, 'src/engine/predictor.ts'))) as { Predictor: typeof Predictor }).Predictor.load(JSON.parse(readFileSync(artifactPath, 'utf8')))
    : undefined;
  const rows = featureRows(BATCH_ROWS);
  const header = Object.keys(rows[0]);
  const csv = [header.join(','), ...rows.map((r) => header.map((h) => r[h]).join(','))].join('\n');
  const inputs = predictor.envelope.pipeline.inputs;
  const known = new Set(artifact.columns);
  const limits = { maxRows: BATCH_ROWS, maxColumns: 10_000 };
  const times = new Map<string, number[]>();
  const time = <T>(step: string, f: () => T): T => {
    const t = performance.now();
    const out = f();
    times.set(step, [...(times.get(step) ?? []), performance.now() - t]);
    return out;
  };
  for (let rep = 0; rep < 9; rep++) {
    const table = time('row path: parseCsv', () => parseCsv(csv, limits));
    const objects = time('row path: row objects', () =>
      table.rows.map((cells) => {
        const row: Record<string, string | null> = Object.create(null);
        for (let j = 0; j < table.header.length; j++) row[table.header[j]] = cells[j] === '' ? null : cells[j];
        return row;
      }),
    );
    time('row path: rowsToDataset', () => rowsToDataset(inputs, known, objects));
    const old = time('row path: predictRows (decode + model)', () => predictor.predictRows(objects));
    const columns = time('fast path: parseCsvColumns', () => parseCsvColumns(csv, limits));
    time('fast path: cellsToDataset', () => cellsToDataset(inputs, known, columns));
    const result = time('fast path: predictTable (decode + model)', () => predictor.predictTable(columns));
    const before = baseline && time(`baseline (${baselineDir}): predictTable`, () => baseline.predictTable(columns));
    if (before && JSON.stringify(before) !== JSON.stringify(result)) throw new Error('this checkout and the baseline disagree');
    time('answer: JSON.stringify', () => JSON.stringify({ model: { name: 'm', version: 1 }, ...result }));
    time('answer: predictionsCsv', () => predictionsCsv(result, artifact.task === 'regression' ? [] : artifact.classes));
    if (JSON.stringify(old) !== JSON.stringify(result)) throw new Error('the fast path and the row-object path disagree');
  }
  predictor.dispose();
  baseline?.dispose();
  const med = (step: string) => median(times.get(step) ?? [NaN]);
  const rowPath = med('row path: parseCsv') + med('row path: row objects') + med('row path: predictRows (decode + model)');
  const fastPath = med('fast path: parseCsvColumns') + med('fast path: predictTable (decode + model)');
  console.log(`10,000-row CSV batch in process, ${artifact.format === 'edge-automl/ensemble' ? 'ensemble' : predictor.envelope.model.family} (${artifactPath}), medians of 9`);
  console.log(formatTable(['step', 'ms'], [...times.keys()].map((k) => [k, med(k)])));
  console.log(`parse + decode + model: row path ${rowPath.toFixed(1)} ms, fast path ${fastPath.toFixed(1)} ms (×${(rowPath / fastPath).toFixed(2)})`);
  if (baseline) {
    const [now, then] = [med('fast path: predictTable (decode + model)'), med(`baseline (${baselineDir}): predictTable`)];
    console.log(`predictTable: this checkout ${now.toFixed(1)} ms, baseline ${then.toFixed(1)} ms (×${(then / now).toFixed(2)} faster), same answers`);
  }
  console.log('');
}

/** --floor: the runtime's floor beside our routes (see scripts/lib/serve-floor.ts), printed as a table. */
async function floorOverHttp(): Promise<void> {
  const bundleDir = mkdtempSync(join(tmpdir(), 'edge-automl-bundle-'));
  const state = mkdtempSync(join(tmpdir(), 'edge-automl-serve-'));
  const port = Number(values.port);
  bundleWorker(bundleDir, 'scripts/lib/serve-probe-worker.ts');
  const server = await startMiniflareServer({ persistTo: state, port: port + 1, bundleDir, entry: 'serve-probe-worker.js', floorScript: floorScript(), inspectorPort: port + 9, verbose: values.verbose });
  try {
    const rows = featureRows(1_000);
    const options = { runtime: 'miniflare', server, trainCsv: readFileSync(TRAIN, 'utf8'), target: TARGET, rows, seconds: 0, concurrency: 1, keys: Number(values.keys), tools: [], batchRows: 0 };
    const keys = await prepareModel(options);
    const predict = keys.map((key, i) => ({ path: '/v1/models/credit-serve/predict', headers: { authorization: `Bearer ${key}` }, body: JSON.stringify({ rows: [rows[i % rows.length]] }) }));
    const result = await floorPhase({ server, inspectorPort: port + 9, predict, seconds: Number(values.seconds), rounds: Number(values.rounds) });
    console.log(`\nthe tail's floor: Miniflare, wrk, concurrency 1, ${values.seconds} s per route and placement in ${values.rounds} interleaved rounds (medians over rounds)`);
    console.log(formatTable(['placement', 'route', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'worst p99 ms', "wrk's corrected p99 ms", 'max ms', 'errors'], result.rows.map((r) => [r.placement, r.route, r.requests, Math.round(r.requests_per_s), r.p50_ms, r.p99_ms, r.p999_ms, r.p99_max_ms, r.p99_corrected_ms, r.max_ms, r.errors])));
    console.log("p50/p99/p99.9: what requests took; wrk's corrected p99 adds a phantom sample per mean interval a slow request held up (coordinated omission)");
    console.log('pinned: wrk on CPU 0, workerd (every thread) on CPU 1; free: the OS places both');
    console.log(formatTable(['isolate', 'heap used MiB', 'heap total MiB'], result.heaps.map((h) => [h.worker, h.used_mib, h.total_mib])));
    console.log(formatTable(['isolate (under its route)', 'profiled ms', 'GC ms', 'GC stretches', 'longest stretches ms'], result.gc.map((g) => [`${g.worker} (${g.route})`, g.profiled_ms, g.gc_ms, g.stretches, g.longest_ms.map((x) => x.toFixed(1)).join(' ')])));
    if (values.json) writeFileSync(values.json, JSON.stringify({ floor: result }, null, 2));
  } finally {
    await server.stop();
    rmSync(state, { recursive: true, force: true });
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

async function main() {
  if (values.floor) return floorOverHttp();
  if (values['steps-artifact']) await batchSteps(values['steps-artifact']);
  const local = values['skip-in-process'] ? [] : await inProcess();
  if (local.length > 0) {
    console.log('in process (engine Predictor, credit-g, medians of 5)');
    console.log(formatTable(['model', 'single µs/row', 'estimated µs', 'batch µs/row', '10k batch ms'], local.map((r) => [r.model, r.single_us_per_row, r.estimated_us, r.batch_us_per_row, r.batch_10k_ms])));
    const gbdt100 = local.find((r) => r.model === 'gbdt 100 trees');
    console.log(`target: GBDT 100 trees ≤ 20 µs/row → ${gbdt100?.single_us_per_row.toFixed(1)} µs single, ${gbdt100?.batch_us_per_row.toFixed(1)} µs batched`);
  }
  let http: Awaited<ReturnType<typeof overHttp>> | undefined;
  if (!values['skip-http']) {
    const runtimes = (values.runtime === 'both' ? ['miniflare', 'wrangler'] : [values.runtime]) as Runtime[];
    const tools = (values.load === 'both' ? ['wrk', 'node'] : [values.load]).filter((t) => t !== 'wrk' || wrkAvailable()) as LoadTool[];
    http = await overHttp(runtimes, tools);
    console.log(`\nend to end on the local runtime (loopback, keep-alive; ${values.seconds} s per route and concurrency, in ${values.rounds} interleaved rounds; medians over rounds)`);
    console.log(
      formatTable(
        ['runtime', 'load', 'route', 'conc.', 'requests', 'req/s', 'p50 ms', 'p99 ms', "wrk's corrected p99 ms", 'errors'],
        http.phases.map((p) => [p.runtime, p.tool, p.route, p.concurrency, p.requests, Math.round(p.requests_per_s), p.p50_ms, p.p99_ms, Number.isNaN(p.p99_corrected_ms) ? '-' : p.p99_corrected_ms, p.errors]),
      ),
    );
    console.log("p50/p99: what requests took (wrk times each one in its script at one connection per thread); wrk's corrected p99 adds a phantom sample per mean interval a slow answer held up (coordinated omission)");
    console.log('\n10,000-row CSV batch, answered as JSON and as CSV in turn (median of 7 after one warm-up)');
    console.log(formatTable(['runtime', 'model', 'answer', 'ms', 'response KiB'], http.batches.map((b) => [b.runtime, b.model, b.answer, b.median_ms, Math.round(b.response_bytes / 1024)])));
    console.log('targets: single-row p50 ≤ 2 ms, p99 ≤ 10 ms, ≥ 1,500 req/s, zero errors; 10,000-row batch ≤ 150 ms');
  }
  if (values.json) writeFileSync(values.json, JSON.stringify({ in_process: local, http }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/**
 * `npm run bench:models -- [--data DIR] [--json OUT] [--families a,b] [--datasets x,y] [--seed 42] [--repeats N]`
 * Fits every model family with its DEFAULTS on each shared dataset's train split and scores the test split
 * with the dataset's primary metric, measuring fit time, single-row predict latency and memory. Where the
 * system python has scikit-learn, the same run fits HistGradientBoosting (defaults) and RandomForest (300
 * trees) on the same split and prints them beside our gbdt and random_forest.
 *
 * Protocol per (dataset, family), chosen to match what a job does with a default configuration:
 *  - features: the engine's pipeline in the family's featureStyle, fitted on train rows only;
 *  - iterative families (they report fitInfo.best_iteration): run-trial's holdout path — a stratified
 *    80/20 split of train (assignFolds k=5, fold 0) for early stopping, then a refit on all train rows with
 *    fixedIterations = round(1.2 x best iteration); others fit once on all train rows;
 *  - fit_ms: wall time of that whole protocol (pipeline fits and transforms included), median of
 *    --repeats runs, or without it of 3 runs when the first takes under 2 s, else 1 run; refit_ms is the
 *    final fit alone; fit_cpu_ms is the process CPU time of the whole protocol (see below);
 *  - predict_us_per_row: median of single-row model.predict calls over up to 200 test rows, on rows already
 *    transformed by the pipeline (model only), after one warm-up pass;
 *  - peak_heap_mb: high-water of heapUsed + arrayBuffers, sampled between epochs (families that yield) and
 *    right after each fit, minus a post-GC baseline (see lib/model-bench-measure.ts).
 *
 * Against scikit-learn (python run synchronously after ours, OMP_NUM_THREADS=1, `fit` alone timed on the
 * already encoded matrix, --repeats fits or up to 3) two gbdt comparisons are printed:
 *  - "default procedure": our protocol above (early-stopping fit + refit, pipeline included) against one
 *    HGB fit with its defaults (100 iterations at learning rate 0.1, early stopping only above 10k rows);
 *  - "one fit, equal settings": our `fit` alone on the pipeline's matrix with HGB's default settings in
 *    our names (n_estimators = HGB's n_iter_, learning_rate 0.1, num_leaves 31, min_data_in_leaf 20,
 *    lambda_l2 0, max_bin 256 = 255 value bins + the missing bin, no bagging or feature subsampling, no
 *    early stopping), median of --repeats fits (3 without it). Both sides bin inside the timed fit.
 * Each row gives wall and CPU milliseconds: the machine may be shared, and process CPU time leaves out
 * the waits for a core (HGB is single-threaded here; V8 adds some GC-thread time to ours).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Matrix, takeValues } from '../src/engine/core/matrix';
import { Rng } from '../src/engine/core/rng';
import { assignFolds, foldSplit } from '../src/engine/data/folds';
import { METRICS } from '../src/engine/eval/metrics';
import { fitPipeline } from '../src/engine/features/pipeline';
import type { FittedModel, ModelFamily, ModelSpec } from '../src/engine/models/model';
import { getModelSpec, MODEL_FAMILIES } from '../src/engine/models/registry';
import { type BenchData, listDatasets, loadBenchData } from './lib/model-bench-data';
import { type EqualFit, equalSettingsFit } from './lib/model-bench-equal';
import { fmt, MemorySampler, median, nowUs } from './lib/model-bench-measure';
import { type ReferenceResult, runReference, sklearnAvailable } from './lib/sklearn-reference';
import { formatTable } from './lib/tables';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data') },
    json: { type: 'string' },
    families: { type: 'string' },
    datasets: { type: 'string' },
    seed: { type: 'string', default: '42' },
    repeats: { type: 'string' },
  },
});

const dataDir = resolve(values.data as string);
const seed = Number(values.seed);
const repeats = values.repeats === undefined ? undefined : Math.max(1, Math.floor(Number(values.repeats)));
/** Fits per side in the gbdt-vs-HGB comparisons (HGB's fit, our equal-settings fit); use --repeats 5+ to report. */
const EQUAL_REPEATS = repeats ?? 3;
const families = (values.families ? values.families.split(',') : [...MODEL_FAMILIES]).map((f) => getModelSpec(f.trim()));
const wanted = values.datasets ? new Set(values.datasets.split(',').map((s) => s.trim())) : null;
const datasets = listDatasets(dataDir).filter((d) => d.task !== 'timeseries' && (wanted === null || wanted.has(d.name)));

/** A run of 3 when one fit is cheap; slow fits run once so the whole bench stays within minutes. */
const REPEAT_BELOW_MS = 2000;
const PREDICT_ROWS = 200;
/** run-trial's holdout path scales the early-stopped iteration count by this for the refit on more rows. */
const REFIT_SCALE = 1.2;

interface Row {
  dataset: string;
  family: string;
  metric: string;
  score: number | null;
  fit_ms: number | null;
  predict_us_per_row: number | null;
  peak_heap_mb: number | null;
  refit_ms?: number;
  fit_cpu_ms?: number;
  iterations?: number;
  /** gbdt only, with scikit-learn: the equal-settings single fit (see the header). */
  equal_fit_ms?: number;
  equal_fit_cpu_ms?: number;
  equal_score?: number;
  equal_trees?: number;
  trees?: number;
  fit_repeats?: number;
  estimate_mb?: number;
  error?: string;
}

interface Fit {
  model: FittedModel;
  /** The test split through this fit's pipeline. */
  testMatrix: () => Matrix;
  totalMs: number;
  refitMs: number;
  /** Process CPU milliseconds (user + system) of the whole protocol. */
  totalCpuMs: number;
  iterations?: number;
}

/** Process CPU milliseconds since `start` (a process.cpuUsage() reading). */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function takeIndex(rows: Int32Array, positions: Int32Array): Int32Array {
  return Int32Array.from(positions, (p) => rows[p]);
}

/** The families that report fitInfo.best_iteration under early stopping (tree/boost.ts, nn/mlp-train.ts). */
const EARLY_STOPPED: ReadonlySet<ModelFamily> = new Set(['gbdt', 'mlp']);

/** One run of the protocol described in the header; the sampler sees every yield and each fit's end. */
async function fitProtocol(spec: ModelSpec, d: BenchData, sampler: MemorySampler): Promise<Fit> {
  const nClasses = d.classes.length;
  const shape = { rows: d.trainRows.length, cols: d.train.columns.length - d.exclude.size, task: d.task, nClasses };
  const params = spec.defaults(shape);
  const rng = new Rng(seed);
  const yieldControl = async () => sampler.sample();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let fixedIterations: number | undefined;
  let iterations: number | undefined;
  if (EARLY_STOPPED.has(spec.family)) {
    const { train, valid } = foldSplit(assignFolds(d.yTrain, d.task, 5, rng.fork(1)), 0);
    const rowsTr = takeIndex(d.trainRows, train);
    const rowsVa = takeIndex(d.trainRows, valid);
    const pipe = fitPipeline(d.train, rowsTr, spec.featureStyle, d.exclude);
    const es = await spec.fit({ X: pipe.transform(d.train, rowsTr), y: takeValues(d.yTrain, train) }, params, {
      task: d.task,
      nClasses,
      rng: rng.fork(10),
      valid: { X: pipe.transform(d.train, rowsVa), y: takeValues(d.yTrain, valid) },
      columnKinds: pipe.kinds,
      yieldControl,
    });
    sampler.sample();
    iterations = es.fitInfo.best_iteration;
    es.dispose();
    if (iterations !== undefined) fixedIterations = Math.max(1, Math.round(iterations * REFIT_SCALE));
  }
  const t1 = performance.now();
  const pipe = fitPipeline(d.train, d.trainRows, spec.featureStyle, d.exclude);
  const model = await spec.fit({ X: pipe.transform(d.train, d.trainRows), y: d.yTrain }, params, {
    task: d.task,
    nClasses,
    rng: rng.fork(99),
    columnKinds: pipe.kinds,
    fixedIterations,
    yieldControl,
  });
  sampler.sample();
  const t2 = performance.now();
  const totalCpuMs = cpuMsSince(c0);
  return { model, testMatrix: () => pipe.transform(d.test, null), totalMs: t2 - t0, refitMs: t2 - t1, totalCpuMs, iterations: fixedIterations ?? iterations };
}

async function benchFamily(spec: ModelSpec, d: BenchData): Promise<Row> {
  const base = { dataset: d.meta.name, family: spec.family, metric: d.metric };
  const sampler = new MemorySampler();
  const first = await fitProtocol(spec, d, sampler);
  const peak = sampler.peakMb();
  const times = [first.totalMs];
  const refits = [first.refitMs];
  const cpus = [first.totalCpuMs];
  const nClasses = d.classes.length;
  const shape = { rows: d.trainRows.length, cols: d.train.columns.length - d.exclude.size, task: d.task, nClasses };
  const estimate = spec.estimateMemoryBytes(spec.defaults(shape), shape);
  try {
    const X = first.testMatrix();
    const out = first.model.predict(X);
    const score = METRICS[d.metric].score(d.yTest, out, nClasses);

    // Single-row latency: a one-row view into the transformed test matrix, so only the model is timed.
    const n = Math.min(PREDICT_ROWS, X.rows);
    const one = (i: number): Matrix => ({ rows: 1, cols: X.cols, data: X.data.subarray(i * X.cols, (i + 1) * X.cols) });
    for (let i = 0; i < n; i++) first.model.predict(one(i));
    const lat: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = one(i);
      const t = nowUs();
      first.model.predict(row);
      lat.push(nowUs() - t);
    }
    const trees = first.model.fitInfo.n_trees;
    first.model.dispose();

    const runs = repeats ?? (first.totalMs < REPEAT_BELOW_MS ? 3 : 1);
    for (let r = 1; r < runs; r++) {
      const again = await fitProtocol(spec, d, new MemorySampler());
      times.push(again.totalMs);
      refits.push(again.refitMs);
      cpus.push(again.totalCpuMs);
      again.model.dispose();
    }
    return {
      ...base,
      score,
      fit_ms: median(times),
      predict_us_per_row: median(lat),
      peak_heap_mb: peak,
      refit_ms: median(refits),
      fit_cpu_ms: median(cpus),
      ...(first.iterations !== undefined ? { iterations: first.iterations } : {}),
      ...(trees !== undefined ? { trees } : {}),
      fit_repeats: times.length,
      estimate_mb: estimate / 2 ** 20,
    };
  } catch (err) {
    first.model.dispose();
    throw err;
  }
}

function errorRow(dataset: string, family: string, metric: string, err: unknown): Row {
  const error = err instanceof Error ? err.message : String(err);
  return { dataset, family, metric, score: null, fit_ms: null, predict_us_per_row: null, peak_heap_mb: null, error };
}

const rows: Row[] = [];
const refs = new Map<string, { metric: string; result: ReferenceResult }>();
const equal = new Map<string, EqualFit>();
const withSklearn = sklearnAvailable();
const refModels = [...(families.some((f) => f.family === 'gbdt') ? (['hgb'] as const) : []), ...(families.some((f) => f.family === 'random_forest') ? (['rf'] as const) : [])];
if (!withSklearn) console.error('scikit-learn not importable by /usr/bin/python3: skipping the reference comparison');
if (families.some((f) => f.family === 'mlp')) await initWasmInNode();

for (const ds of datasets) {
  let d: BenchData;
  try {
    d = loadBenchData(dataDir, ds.name);
  } catch (err) {
    for (const f of families) rows.push(errorRow(ds.name, f.family, '?', err));
    console.error(`${ds.name}: load failed: ${String(err)}`);
    continue;
  }
  for (const spec of families) {
    if (!spec.tasks.includes(d.task)) continue;
    try {
      const row = await benchFamily(spec, d);
      rows.push(row);
      console.error(`${ds.name} ${spec.family}: ${d.metric} ${fmt(row.score)}  fit ${fmt(row.fit_ms, 1)} ms`);
    } catch (err) {
      rows.push(errorRow(ds.name, spec.family, d.metric, err));
      console.error(`${ds.name} ${spec.family}: FAILED ${String(err)}`);
    }
  }
  if (withSklearn && refModels.length > 0) {
    // HGB is timed as often as our equal-settings fit; RF keeps the cheaper default unless --repeats.
    const result: ReferenceResult = {};
    if (refModels.includes('hgb')) Object.assign(result, runReference(dataDir, ds.name, ['hgb'], seed, EQUAL_REPEATS));
    if (refModels.includes('rf')) Object.assign(result, runReference(dataDir, ds.name, ['rf'], seed, repeats));
    refs.set(ds.name, { metric: d.metric, result });
    console.error(`${ds.name} sklearn: ${JSON.stringify(result)}`);
    const nIter = result.hgb?.n_iter;
    const ours = rows.find((r) => r.dataset === ds.name && r.family === 'gbdt' && r.error === undefined);
    if (nIter !== undefined && ours) {
      const eq = await equalSettingsFit(d, nIter, seed, EQUAL_REPEATS);
      equal.set(ds.name, eq);
      Object.assign(ours, { equal_fit_ms: eq.wallMs, equal_fit_cpu_ms: eq.cpuMs, equal_score: eq.score, equal_trees: nIter });
      console.error(`${ds.name} gbdt equal settings: ${fmt(eq.score)}  fit ${fmt(eq.wallMs, 1)} ms (cpu ${fmt(eq.cpuMs, 1)})`);
    }
  }
}

if (values.json) writeFileSync(values.json, `${JSON.stringify(rows, null, 2)}\n`);

console.log('\n## All families (defaults; score on test; fit_ms = whole protocol, median)\n');
console.log(
  formatTable(
    ['dataset', 'family', 'metric', 'score', 'fit_ms', 'refit_ms', 'fit_cpu_ms', 'iters', 'predict_us/row', 'peak_mb', 'note'],
    rows.map((r) => [
      r.dataset,
      r.family,
      r.metric,
      fmt(r.score),
      fmt(r.fit_ms, 1),
      fmt(r.refit_ms, 1),
      fmt(r.fit_cpu_ms, 1),
      r.iterations !== undefined ? String(r.iterations) : '',
      fmt(r.predict_us_per_row, 1),
      fmt(r.peak_heap_mb, 1),
      r.error ? `ERROR ${r.error.slice(0, 60)}` : r.fit_repeats === 1 ? '1 run' : '',
    ]),
  ),
);

/** Ours vs a scikit-learn reference: score delta signed so that positive means ours is better. */
function comparison(family: ModelFamily, key: 'hgb' | 'rf', label: string): void {
  const lines: string[][] = [];
  for (const [dataset, { metric, result }] of refs) {
    const ours = rows.find((r) => r.dataset === dataset && r.family === family);
    const ref = result[key];
    if (!ours || !ref) continue;
    const sign = METRICS[metric as keyof typeof METRICS].greaterIsBetter ? 1 : -1;
    const both = ours.score !== null && ref.score !== undefined;
    lines.push([
      dataset,
      metric,
      fmt(ours.score),
      ref.error ? `ERROR ${ref.error.slice(0, 40)}` : fmt(ref.score),
      both ? fmt((ours.score as number) - (ref.score as number)) : '–',
      both ? (sign * ((ours.score as number) - (ref.score as number)) >= 0 ? 'ours' : label) : '–',
      fmt(ours.fit_ms, 1),
      fmt(ours.refit_ms, 1),
      fmt(ref.fit_ms, 1),
      ratio(ours.fit_ms, ref.fit_ms),
      ratio(ours.refit_ms, ref.fit_ms),
      fmt(ours.fit_cpu_ms, 1),
      fmt(ref.cpu_ms, 1),
      ratio(ours.fit_cpu_ms, ref.cpu_ms),
      `${ours.fit_repeats}/${ref.repeats ?? '?'}`,
    ]);
  }
  if (lines.length === 0) return;
  console.log(`\n## ${family} default procedure vs scikit-learn ${label} default fit (delta = ours − theirs; ratio = ours / theirs)\n`);
  const heads = ['ours_fit_ms', 'ours_refit_ms', `${label}_fit_ms`, 'ratio_fit', 'ratio_refit', 'ours_cpu_ms', `${label}_cpu_ms`, 'ratio_cpu', 'runs'];
  console.log(formatTable(['dataset', 'metric', `ours`, label, 'delta', 'better', ...heads], lines));
}

function ratio(ours: number | null | undefined, theirs: number | undefined): string {
  return ours !== null && ours !== undefined && theirs ? fmt(ours / theirs, 2) : '–';
}

/** Our gbdt `fit` alone with HGB's default settings against HGB's `fit` (both medians, same tree count). */
function equalComparison(): void {
  const lines: string[][] = [];
  for (const [dataset, eq] of equal) {
    const { metric, result } = refs.get(dataset)!;
    const ref = result.hgb;
    if (!ref || ref.fit_ms === undefined) continue;
    lines.push([
      dataset,
      String(ref.n_iter),
      metric,
      fmt(eq.score),
      fmt(ref.score),
      fmt(eq.wallMs, 1),
      fmt(ref.fit_ms, 1),
      ratio(eq.wallMs, ref.fit_ms),
      fmt(eq.cpuMs, 1),
      fmt(ref.cpu_ms, 1),
      ratio(eq.cpuMs, ref.cpu_ms),
      `${eq.repeats}/${ref.repeats ?? '?'}`,
    ]);
  }
  if (lines.length === 0) return;
  console.log('\n## gbdt vs scikit-learn HGB: one fit, equal settings (HGB defaults; medians; ratio = ours / theirs)\n');
  console.log(formatTable(['dataset', 'trees', 'metric', 'ours', 'HGB', 'ours_ms', 'HGB_ms', 'ratio', 'ours_cpu_ms', 'HGB_cpu_ms', 'ratio_cpu', 'runs'], lines));
}
comparison('gbdt', 'hgb', 'HGB');
equalComparison();
comparison('random_forest', 'rf', 'RF300');
if (values.json) console.log(`\nwrote ${rows.length} rows to ${values.json}`);

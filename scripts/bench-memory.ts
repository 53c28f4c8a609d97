/**
 * `npm run bench:memory -- [--families a,b] [--rows 100000] [--cols 50] [--categorical 5] [--fraction 1] [--seed 42] [--enforce] [--json OUT]`
 * Peak memory of one trial per model family with its default configuration, on a synthetic table of
 * 100,000 rows x 50 feature columns (numeric with some missing values, a few categoricals, a binary
 * target). The trial runs exactly as the queue consumer runs it: run-trial with a single holdout (the
 * folds a job picks above 20,000 rows), the portfolio's parameters (family defaults, pipeline steps
 * off), a zero-delay yield between folds and epochs, then JSON.stringify of the artifact for storage.
 * --fraction runs it as a low-fidelity trial of a multi-fidelity search (each fit on that share of rows).
 *
 * Measured from a post-GC baseline taken before the table is built, because the decoded table lives in
 * the trial's isolate too (run-trial's estimate counts it): the high-water of heapUsed + arrayBuffers +
 * the tfjs wasm heap (1 ms timer and every yield; the "measured" column), and, for reference, the process
 * RSS sampled by a second thread, which also sees inside synchronous tree fits but keeps pages V8 and
 * malloc hold after frees (see lib/peak-memory.ts). Each family runs in its own child
 * process so no earlier fit's pages sit in the baseline. Without --enforce, families whose estimate
 * exceeds the limit still run, so the table shows what the refusal prevents; "refused?" says whether
 * run-trial would refuse them.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { prepareTarget } from '../src/engine/data/target';
import { defaultMetric } from '../src/engine/eval/metrics';
import { pipelineDefaults } from '../src/engine/features/pipeline-space';
import type { ModelFamily } from '../src/engine/models/model';
import { getModelSpec, MODEL_FAMILIES } from '../src/engine/models/registry';
import { planTrialMemory, runTrial, TRIAL_MEMORY_LIMIT } from '../src/engine/run-trial';
import { PeakMemory } from './lib/peak-memory';
import { SYNTHETIC_TARGET, syntheticTable } from './lib/synthetic-table';
import { formatTable } from './lib/tables';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const { values } = parseArgs({
  options: {
    families: { type: 'string' },
    rows: { type: 'string', default: '100000' },
    cols: { type: 'string', default: '50' },
    categorical: { type: 'string', default: '5' },
    fraction: { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
    enforce: { type: 'boolean', default: false },
    json: { type: 'string' },
    // Internal: the child process measuring one family.
    child: { type: 'string' },
  },
});

const MIB = 2 ** 20;
const table = { rows: Number(values.rows), cols: Number(values.cols), categorical: Number(values.categorical), seed: Number(values.seed) };
const trainFraction = Number(values.fraction);
// A job above 20,000 rows uses one stratified holdout (src/worker/routes/jobs.ts).
const folds = table.rows <= 1_000 ? 5 : table.rows <= 20_000 ? 3 : 1;

interface Row {
  family: string;
  estimate_mib: number;
  model_estimate_mib: number;
  /** heapUsed + arrayBuffers + wasm heap, high-water at timer ticks and yields. */
  isolate_mib: number;
  /** Process RSS high-water from the sampling thread. */
  rss_mib: number;
  refused: boolean;
  fit_s: number;
  status: string;
  score?: number;
}

/** The wasm heap's size; the backend exists only once the MLP needs it, as in the queue consumer. */
function wasmHeapBytes(): number {
  if (tf.getBackend() !== 'wasm') return 0;
  const backend = tf.findBackend('wasm') as unknown as { wasm: { HEAPU8: Uint8Array } };
  return backend.wasm.HEAPU8.buffer.byteLength;
}

async function measure(family: ModelFamily): Promise<Row> {
  if (family === 'mlp') await initWasmInNode();
  const meter = await new PeakMemory(wasmHeapBytes).start();
  const ds = syntheticTable(table);
  const task = prepareTarget(ds, SYNTHETIC_TARGET).task;
  const shape = { rows: ds.rows, cols: table.cols, task, nClasses: 2 };
  const params = { ...pipelineDefaults(family, shape), ...getModelSpec(family).defaults(shape) };
  const spec = { family, params, target: SYNTHETIC_TARGET, metric: defaultMetric(task), seed: table.seed, folds, trainFraction };
  const plan = planTrialMemory(ds, spec);
  const yieldControl = async (): Promise<void> => {
    meter.sample();
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  };
  const t0 = performance.now();
  const outcome = await runTrial(ds, { ...spec, yieldControl, memoryLimitBytes: values.enforce ? TRIAL_MEMORY_LIMIT : Number.POSITIVE_INFINITY });
  meter.sample();
  // The consumer stores the artifact as JSON text inside the same invocation.
  const stored = outcome.status === 'complete' ? JSON.stringify(outcome.envelope) : '';
  const seconds = (performance.now() - t0) / 1000;
  const peak = await meter.stop();
  return {
    family,
    estimate_mib: plan.total / MIB,
    model_estimate_mib: plan.model / MIB,
    isolate_mib: peak.isolate / MIB,
    rss_mib: peak.rss / MIB,
    refused: plan.total > TRIAL_MEMORY_LIMIT,
    fit_s: seconds,
    status: outcome.status === 'complete' ? `complete, AUC ${outcome.score.toFixed(3)}, artifact ${(stored.length / MIB).toFixed(1)} MiB` : `${outcome.code}: ${outcome.reason}`,
    ...(outcome.status === 'complete' ? { score: outcome.score } : {}),
  };
}

/** Runs one family in a fresh process and returns its row. */
function inChild(family: string): Promise<Row> {
  const args = ['--rows', String(table.rows), '--cols', String(table.cols), '--categorical', String(table.categorical), '--fraction', String(trainFraction), '--seed', String(table.seed)];
  if (values.enforce) args.push('--enforce');
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1], [...args, '--child', family], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (row) => resolve(row as Row));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`${family}: child exited with ${code}`))));
  });
}

if (values.child) {
  const row = await measure(values.child as ModelFamily);
  process.send?.(row);
} else {
  const families = values.families ? values.families.split(',').map((f) => getModelSpec(f.trim()).family) : [...MODEL_FAMILIES];
  const rows: Row[] = [];
  for (const family of families) {
    const row = await inChild(family);
    rows.push(row);
    console.error(`${family}: isolate ${row.isolate_mib.toFixed(1)} MiB, RSS ${row.rss_mib.toFixed(1)} MiB, estimate ${row.estimate_mib.toFixed(1)} MiB, ${row.fit_s.toFixed(1)} s`);
  }
  console.log(`\nTrial peak memory: ${table.rows} rows x ${table.cols} columns (${table.categorical} categorical), binary, folds=${folds}, train fraction ${trainFraction}, limit ${TRIAL_MEMORY_LIMIT / MIB} MiB\n`);
  console.log(
    formatTable(
      ['family', 'estimate MiB', '(model)', 'measured MiB', 'est/meas', 'RSS MiB', 'refused?', 'fit s', 'outcome'],
      rows.map((r) => [
        r.family,
        r.estimate_mib.toFixed(1),
        r.model_estimate_mib.toFixed(1),
        r.isolate_mib.toFixed(1),
        (r.estimate_mib / r.isolate_mib).toFixed(2),
        r.rss_mib.toFixed(1),
        r.refused ? 'yes' : 'no',
        r.fit_s.toFixed(1),
        r.status,
      ]),
    ),
  );
  console.log('\nmeasured: heapUsed + arrayBuffers + wasm heap above a post-GC baseline taken before the table is built;');
  console.log('RSS: process resident-set growth sampled by a second thread (also sees inside synchronous fits, but counts V8 and');
  console.log('malloc pages kept after frees, so it runs higher). The estimate is what run-trial compares with the limit.');
  if (values.json) writeFileSync(values.json, JSON.stringify({ table, folds, trainFraction, limit_mib: TRIAL_MEMORY_LIMIT / MIB, rows }, null, 2));
}

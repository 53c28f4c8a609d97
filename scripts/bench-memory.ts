/**
 * `npm run bench:memory -- [--families a,b] [--rows 100000] [--cols 50] [--categorical 5] [--levels N] [--pipeline fe_construct=pairs,augment=smote] [--fraction 1] [--seed 42] [--enforce] [--json OUT]`
 * Peak memory of one trial per model family with its default configuration, on a synthetic table of
 * 100,000 rows x 50 feature columns (numeric with some missing values, a few categoricals, a binary
 * target). The trial runs exactly as the queue consumer runs it: run-trial with a single holdout (the
 * folds a job picks above 20,000 rows), the portfolio's parameters (family defaults, pipeline steps
 * off), a zero-delay yield between folds and epochs, then JSON.stringify of the artifact for storage.
 * Like the consumer, the trial reads the table from its stored columnar bytes (written once by the parent
 * process, read back from a file by each child), so numeric columns are as narrow as storage keeps them.
 * --fraction runs it as a low-fidelity trial of a multi-fidelity search (each fit on that share of rows).
 *
 * Measured from a post-GC baseline taken before the table is read, because the decoded table lives in
 * the trial's isolate too (run-trial's estimate counts it): the high-water of what the trial holds outside
 * V8's young generation (old and large-object spaces + arrayBuffers + the tfjs wasm heap; the "measured"
 * column, the figure the 64 MiB limit is about), the same with the young generation, and the process RSS
 * from a second thread. The in-isolate figures are sampled on a 1 ms timer, at every yield and right after
 * every large typed-array allocation, which is what sees inside synchronous tree fits (see
 * lib/peak-memory.ts); "peak in" names the phase that held it (fold, refit, artifact JSON). Each family
 * runs in its own child process so no earlier fit's pages sit in the
 * baseline. Without --enforce, families whose estimate
 * exceeds the limit still run, so the table shows what the refusal prevents; "refused?" says whether
 * run-trial would refuse them.
 */
import { fork } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { decodeDataset, encodeDataset } from '../src/engine/data/columnar-codec';
import { defaultMetric } from '../src/engine/eval/metrics';
import { pipelineDefaults } from '../src/engine/features/pipeline-space';
import type { ModelFamily } from '../src/engine/models/model';
import { getModelSpec, MODEL_FAMILIES } from '../src/engine/models/registry';
import { planTrialMemory, runTrial, TRIAL_MEMORY_LIMIT } from '../src/engine/run-trial';
import { PeakMemory } from './lib/peak-memory';
import { SYNTHETIC_TARGET, SYNTHETIC_TASK, syntheticTable } from './lib/synthetic-table';
import { formatTable } from './lib/tables';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const { values } = parseArgs({
  options: {
    families: { type: 'string' },
    rows: { type: 'string', default: '100000' },
    cols: { type: 'string', default: '50' },
    categorical: { type: 'string', default: '5' },
    // Levels of every categorical column (default: a cycle of 3 to 50).
    levels: { type: 'string' },
    // Pipeline options over the defaults (steps off), as key=value pairs: fe_construct=pairs, augment=smote.
    pipeline: { type: 'string' },
    fraction: { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
    enforce: { type: 'boolean', default: false },
    json: { type: 'string' },
    // Internal: the child process measuring one family, and the file holding the stored table.
    child: { type: 'string' },
    data: { type: 'string' },
  },
});

const MIB = 2 ** 20;
const table = { rows: Number(values.rows), cols: Number(values.cols), categorical: Number(values.categorical), ...(values.levels ? { levels: Number(values.levels) } : {}), seed: Number(values.seed) };
const trainFraction = Number(values.fraction);
// A job above 20,000 rows uses one stratified holdout (src/worker/routes/jobs.ts).
const folds = table.rows <= 1_000 ? 5 : table.rows <= 20_000 ? 3 : 1;

interface Row {
  family: string;
  estimate_mib: number;
  model_estimate_mib: number;
  /** Old and large-object spaces + arrayBuffers + wasm heap, high-water (see lib/peak-memory.ts). */
  held_mib: number;
  /** The same with the young generation (heapUsed + arrayBuffers + wasm heap). */
  all_mib: number;
  /** Process RSS high-water from the sampling thread. */
  rss_mib: number;
  /** The trial phase in which the held peak was reached. */
  peak_phase: string;
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
  // The spec needs only the table's shape (nothing is read before the baseline that the trial would not
  // hold); the plan is computed after the measurement, so its own scans are not counted either.
  const spec = trialSpec(family);
  const meter = await new PeakMemory(wasmHeapBytes).start();
  // The consumer's read of the stored dataset: its bytes, decoded into views over them.
  const ds = decodeDataset(readFileSync(values.data!));
  // The trial yields before each fold and before the refit (and between epochs): name the phases by that.
  let yields = 0;
  const yieldControl = async (): Promise<void> => {
    yields++;
    meter.mark(family === 'mlp' || family === 'cnn' ? `yield ${yields}` : yields <= folds ? `fold ${yields}` : 'refit');
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  };
  const t0 = performance.now();
  const outcome = await runTrial(ds, { ...spec, yieldControl, memoryLimitBytes: values.enforce ? TRIAL_MEMORY_LIMIT : Number.POSITIVE_INFINITY });
  meter.mark('artifact JSON');
  // The consumer stores the artifact as JSON text inside the same invocation.
  const stored = outcome.status === 'complete' ? JSON.stringify(outcome.envelope) : '';
  const seconds = (performance.now() - t0) / 1000;
  const peak = await meter.stop();
  const plan = planTrialMemory(ds, spec);
  return {
    family,
    estimate_mib: plan.total / MIB,
    model_estimate_mib: plan.model / MIB,
    held_mib: peak.held / MIB,
    all_mib: peak.all / MIB,
    rss_mib: peak.rss / MIB,
    peak_phase: peak.heldPhase,
    refused: plan.total > TRIAL_MEMORY_LIMIT,
    fit_s: seconds,
    status: outcome.status === 'complete' ? `complete, AUC ${outcome.score.toFixed(3)}, artifact ${(stored.length / MIB).toFixed(1)} MiB` : `${outcome.code}: ${outcome.reason}`,
    ...(outcome.status === 'complete' ? { score: outcome.score } : {}),
  };
}

/** The portfolio's configuration of a family on the synthetic table (family defaults, pipeline steps off). */
function trialSpec(family: ModelFamily) {
  const task = SYNTHETIC_TASK;
  const shape = { rows: table.rows, cols: table.cols, task, nClasses: 2 };
  const asked = Object.fromEntries((values.pipeline ?? '').split(',').filter((p) => p.includes('=')).map((p) => p.split('=').map((x) => x.trim())));
  const params = { ...pipelineDefaults(family, shape), ...asked, ...getModelSpec(family).defaults(shape) };
  return { family, params, target: SYNTHETIC_TARGET, metric: defaultMetric(task), seed: table.seed, folds, trainFraction };
}

/** Runs one family in a fresh process and returns its row. */
function inChild(family: string, dataFile: string): Promise<Row> {
  const args = ['--data', dataFile, '--rows', String(table.rows), '--cols', String(table.cols), '--categorical', String(table.categorical), ...(table.levels ? ['--levels', String(table.levels)] : []), '--fraction', String(trainFraction), '--seed', String(table.seed), ...(values.pipeline ? ['--pipeline', values.pipeline] : [])];
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
  const dataFile = join(tmpdir(), `bench-memory-${process.pid}.eac`);
  writeFileSync(dataFile, encodeDataset(syntheticTable(table)));
  const rows: Row[] = [];
  try {
    for (const family of families) {
      const row = await inChild(family, dataFile);
      rows.push(row);
      console.error(`${family}: held ${row.held_mib.toFixed(1)} MiB, with young gen ${row.all_mib.toFixed(1)} MiB, RSS ${row.rss_mib.toFixed(1)} MiB, estimate ${row.estimate_mib.toFixed(1)} MiB, ${row.fit_s.toFixed(1)} s`);
    }
  } finally {
    rmSync(dataFile, { force: true });
  }
  console.log(`\nTrial peak memory: ${table.rows} rows x ${table.cols} columns (${table.categorical} categorical${table.levels ? ` of ${table.levels} levels` : ''}), binary, folds=${folds}, train fraction ${trainFraction}${values.pipeline ? `, pipeline ${values.pipeline}` : ''}, limit ${TRIAL_MEMORY_LIMIT / MIB} MiB\n`);
  console.log(
    formatTable(
      ['family', 'estimate MiB', '(model)', 'measured MiB', 'est/meas', 'peak in', '+young MiB', 'RSS MiB', 'refused?', 'fit s', 'outcome'],
      rows.map((r) => [
        r.family,
        r.estimate_mib.toFixed(1),
        r.model_estimate_mib.toFixed(1),
        r.held_mib.toFixed(1),
        (r.estimate_mib / r.held_mib).toFixed(2),
        r.peak_phase,
        r.all_mib.toFixed(1),
        r.rss_mib.toFixed(1),
        r.refused ? 'yes' : 'no',
        r.fit_s.toFixed(1),
        r.status,
      ]),
    ),
  );
  console.log('\nmeasured: old + large-object spaces + arrayBuffers + wasm heap above a post-GC baseline taken before the table is read,');
  console.log('sampled every 1 ms, at every yield and after every typed-array allocation of 64 KiB or more (so inside synchronous fits);');
  console.log("peak in: the trial phase holding the measured peak (a fold's fit, the refit with its artifact, or the artifact's JSON);");
  console.log('+young: the same with the young generation (up to a semi-space of short-lived garbage, which the limit leaves out);');
  console.log('RSS: process resident-set growth sampled by a second thread (counts V8 and malloc pages kept after frees).');
  console.log('The estimate is what run-trial compares with the limit; fit s is slower than usual under the allocation hooks.');
  if (values.json) writeFileSync(values.json, JSON.stringify({ table, folds, trainFraction, limit_mib: TRIAL_MEMORY_LIMIT / MIB, rows }, null, 2));
}

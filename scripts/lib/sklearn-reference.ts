/**
 * Runs scripts/reference/sklearn_hgb.py (scikit-learn HistGradientBoosting defaults and RandomForest 300
 * trees) with the system python on the same split as bench-models.ts. Synchronous on purpose: the python
 * fits must not overlap ours on a 2-core machine, or both timings would be wrong.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const PYTHON = '/usr/bin/python3';
const HELPER = resolve(import.meta.dirname, '../reference/sklearn_hgb.py');

export interface ReferenceFit {
  readonly metric?: string;
  readonly score?: number;
  /** Median wall and process-CPU milliseconds of `fit` alone over `repeats` fits. */
  readonly fit_ms?: number;
  readonly cpu_ms?: number;
  readonly repeats?: number;
  /** HGB only: boosting iterations fitted (max_iter unless its early stopping was on). */
  readonly n_iter?: number;
  readonly error?: string;
}

export type ReferenceResult = Partial<Record<'hgb' | 'rf', ReferenceFit>>;

/** Whether /usr/bin/python3 can import scikit-learn; the comparison is skipped otherwise. */
export function sklearnAvailable(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import sklearn, numpy'], { encoding: 'utf8' });
  return r.status === 0;
}

/** `repeats` fixes the number of timed fits; without it the helper fits up to 3 times (1 when slow). */
export function runReference(dataDir: string, name: string, models: readonly ('hgb' | 'rf')[], seed: number, repeats?: number): ReferenceResult {
  // OMP_NUM_THREADS=1: HGB parallelises with OpenMP; our engine is single-threaded. BLAS vars are left alone.
  const env = { ...process.env, OMP_NUM_THREADS: '1' };
  const args = [HELPER, '--data', dataDir, '--name', name, '--models', models.join(','), '--seed', String(seed)];
  if (repeats !== undefined) args.push('--repeats', String(repeats));
  const r = spawnSync(PYTHON, args, {
    encoding: 'utf8',
    env,
    timeout: 15 * 60 * 1000,
  });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(-1)[0];
    return Object.fromEntries(models.map((m) => [m, { error: why }]));
  }
  return JSON.parse(r.stdout.trim().split('\n').slice(-1)[0]) as ReferenceResult;
}

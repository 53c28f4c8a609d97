/**
 * One shared dataset as the in-process benches need it: the train split typed as a job types it, its
 * target, primary metric, shape and the job's fold count, and a scorer of any model on the test split
 * through the Predictor (after a JSON round trip, as served).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AnyEnvelope, type Dataset, inferDataset, parseCsv, Predictor } from '../../src/engine';
import { type PreparedTarget, prepareTarget } from '../../src/engine/data/target';
import type { MetricName } from '../../src/engine/eval/metrics';
import type { DataShape } from '../../src/engine/models/model';
import { csvRows, heldOutScore } from './tables';

export interface JobSplit {
  readonly meta: { target: string; task: string; classes?: string[] };
  readonly ds: Dataset;
  readonly target: PreparedTarget;
  readonly metric: MetricName;
  /** The job's folds for this many rows (worker/start-job): 5 up to 1,000 rows, 3 up to 20,000, else a holdout. */
  readonly folds: number;
  readonly shape: DataShape;
  /** The primary metric of a model's predictions on the test split. */
  readonly testScore: (envelope: AnyEnvelope) => Promise<number>;
}

export function loadJobSplit(dataDir: string, name: string): JobSplit {
  const meta = JSON.parse(readFileSync(join(dataDir, `${name}.json`), 'utf8'));
  const ds = inferDataset(parseCsv(readFileSync(join(dataDir, `${name}.train.csv`), 'utf8'))).dataset;
  const target = prepareTarget(ds, meta.target, meta.task);
  const metric = meta.metrics.primary as MetricName;
  const n = target.rows.length;
  const folds = n <= 1_000 ? 5 : n <= 20_000 ? 3 : 1;
  const shape = { rows: n, cols: ds.columns.length - 1, task: target.task, nClasses: target.classes.length };
  const test = csvRows(join(dataDir, `${name}.test.csv`));
  const truth = test.map((r) => r[meta.target]);
  const features = test.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== meta.target)));
  const testScore = async (envelope: AnyEnvelope) => {
    const predictor = await Predictor.load(JSON.parse(JSON.stringify(envelope)));
    return heldOutScore(metric, truth, predictor.predictRows(features), meta.classes ?? []);
  };
  return { meta, ds, target, metric, folds, shape, testScore };
}

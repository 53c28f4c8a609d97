/**
 * Loads one shared-format dataset (NAME.json, NAME.train.csv, NAME.test.csv) for scripts/bench-models.ts.
 * The train split goes through the engine's own ingest (parseCsv, inferDataset, then applyOverrides with
 * NAME.json's declared types, because a few categoricals look numeric). The test split is coded the way
 * serving codes requests (rowsToDataset against the train columns' levels, unseen levels → UNSEEN_CODE),
 * so no fact about the test split leaks into the codes the pipeline and the model see.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Task } from '../../src/engine/core/task';
import type { ColumnType } from '../../src/engine/data/column-types';
import { parseNumberCell } from '../../src/engine/data/column-types';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides, type ColumnOverride } from '../../src/engine/data/overrides';
import { prepareTarget } from '../../src/engine/data/target';
import type { MetricName } from '../../src/engine/eval/metrics';
import type { InputColumn } from '../../src/engine/features/pipeline';
import { rowsToDataset } from '../../src/engine/features/rows-to-dataset';

export interface DatasetMeta {
  readonly name: string;
  readonly task: string;
  readonly target: string;
  readonly classes?: readonly string[];
  readonly positive_class?: string;
  readonly metrics: { readonly primary: string };
  readonly columns: readonly { readonly name: string; readonly type: string }[];
}

export interface BenchData {
  readonly meta: DatasetMeta;
  readonly task: Task;
  readonly metric: MetricName;
  /** Class labels by class index (empty for regression), as prepareTarget orders them on the train split. */
  readonly classes: readonly string[];
  readonly train: Dataset;
  /** Train rows that have a target, and their labels (class indices as floats, or values). */
  readonly trainRows: Int32Array;
  readonly yTrain: Float32Array;
  /** The test split coded against the train columns; every row is scored. */
  readonly test: Dataset;
  readonly yTest: Float32Array;
  /** Columns the pipeline must leave out: the target. */
  readonly exclude: ReadonlySet<string>;
}

export function listDatasets(dir: string): { name: string; task: string }[] {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { datasets: { name: string; task: string }[] };
  return index.datasets;
}

export function loadBenchData(dir: string, name: string): BenchData {
  const meta = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as DatasetMeta;
  if (!['binary', 'multiclass', 'regression'].includes(meta.task)) throw new Error(`${name}: task "${meta.task}" is not benchmarked here`);
  const task = meta.task as Task;

  const trainTable = parseCsv(readFileSync(join(dir, `${name}.train.csv`), 'utf8'));
  const declared: Record<string, ColumnOverride> = {};
  for (const c of meta.columns) if (c.name !== meta.target) declared[c.name] = c.type as ColumnType;
  const { dataset: train } = applyOverrides(inferDataset(trainTable).dataset, declared);

  const target = prepareTarget(train, meta.target, task);
  const targetCol = train.columns.find((c) => c.name === meta.target);
  if (!targetCol) throw new Error(`${name}: target column "${meta.target}" is missing`);

  // Test rows become JSON objects and pass through the serving decoder against the train schema.
  const testTable = parseCsv(readFileSync(join(dir, `${name}.test.csv`), 'utf8'));
  const inputs: InputColumn[] = train.columns
    .filter((c) => c.name !== meta.target)
    .map((c) => (c.storage === 'codes' ? { name: c.name, type: c.type, storage: 'codes', levels: c.levels } : { name: c.name, type: c.type, storage: 'f64' }));
  const targetAt = testTable.header.indexOf(meta.target);
  const objects = testTable.rows.map((r) => Object.fromEntries(testTable.header.map((h, j) => [h, r[j]]).filter(([h]) => h !== meta.target)));
  const test = rowsToDataset(inputs, new Set(trainTable.header), objects);

  // Test labels use the train class order; a numeric target's classes are String(number) (see prepareTarget).
  const classIndex = new Map(target.classes.map((c, k) => [c, k]));
  const yTest = Float32Array.from(testTable.rows, (r, i) => {
    const cell = r[targetAt];
    if (task === 'regression') return parseNumberCell(cell);
    const key = targetCol.storage === 'f64' ? String(parseNumberCell(cell)) : cell.trim();
    const k = classIndex.get(key);
    if (k === undefined) throw new Error(`${name}: test row ${i} has class "${cell}", absent from train`);
    return k;
  });

  return {
    meta,
    task,
    metric: meta.metrics.primary as MetricName,
    classes: target.classes,
    train,
    trainRows: target.rows,
    yTrain: target.y,
    test,
    yTest,
    exclude: new Set([meta.target]),
  };
}

/**
 * @module durable/dataset-classifiers
 * The classification models that read a dataset: those whose retraining schedule trains on it, and those
 * whose champion was trained on it. Rows appended with a class such a model never predicted change what
 * its next retraining can do (a binary model's will not start on three classes), so the append says so
 * (worker/appended-classes) when the rows arrive rather than at the next scheduled run.
 */
import { datasetUse } from './dataset-forecasters';

/** A binary or multiclass model reading a dataset: its target column and the classes its champion predicts. */
export interface DatasetClassifier {
  readonly model: string;
  readonly task: 'binary' | 'multiclass';
  readonly target: string;
  readonly classes: readonly string[];
  /** Its retraining schedule trains on the dataset. */
  readonly scheduled: boolean;
}

/** Every classification model with a champion whose schedule or champion names `dataset`, by model name. */
export function classifiersOf(sql: SqlStorage, dataset: string): DatasetClassifier[] {
  const rows = sql
    .exec<Record<string, SqlStorageValue>>(
      `SELECT m.name, m.task, m.target, m.classes, v.dataset, s.spec FROM models m
       JOIN model_versions v ON v.name = m.name AND v.version = m.champion_version
       LEFT JOIN model_schedules s ON s.name = m.name WHERE m.task IN ('binary', 'multiclass') ORDER BY m.name`,
    )
    .toArray();
  const found: DatasetClassifier[] = [];
  for (const r of rows) {
    const { scheduled, trained } = datasetUse(r, dataset);
    if (!scheduled && !trained) continue;
    found.push({ model: String(r.name), task: r.task as DatasetClassifier['task'], target: String(r.target), classes: JSON.parse(String(r.classes)) as string[], scheduled });
  }
  return found;
}

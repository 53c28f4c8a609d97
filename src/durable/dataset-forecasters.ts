/**
 * @module durable/dataset-forecasters
 * The forecast models that read a dataset's series: those whose retraining schedule trains on it, and
 * those whose champion was trained on it (a retraining by hand, or a schedule set later, reads its newer
 * versions). Rows appended to the dataset must not repeat a point of their series (worker/appended-series),
 * which needs each model's time and group columns: its champion's job (or artifact) tells them.
 */

/** A forecast model reading a dataset, with its champion (whose job and artifact know its series' columns). */
export interface DatasetForecaster {
  readonly model: string;
  /** Its retraining schedule trains on the dataset. */
  readonly scheduled: boolean;
  /** Its champion was trained (or advanced) on a version of the dataset. */
  readonly trained: boolean;
  readonly champion: { readonly version: number; readonly job_id: string; readonly trial_id: string; readonly artifact_key: string };
}

/** Every forecast model with a champion whose schedule or champion names `dataset`, by model name. */
export function forecastersOf(sql: SqlStorage, dataset: string): DatasetForecaster[] {
  const rows = sql
    .exec<Record<string, SqlStorageValue>>(
      `SELECT m.name, v.version, v.job_id, v.trial_id, v.artifact_key, v.dataset, s.spec FROM models m
       JOIN model_versions v ON v.name = m.name AND v.version = m.champion_version
       LEFT JOIN model_schedules s ON s.name = m.name WHERE m.task = 'forecast' ORDER BY m.name`,
    )
    .toArray();
  const found: DatasetForecaster[] = [];
  for (const r of rows) {
    const { scheduled, trained } = datasetUse(r, dataset);
    if (!scheduled && !trained) continue;
    found.push({
      model: String(r.name),
      scheduled,
      trained,
      champion: { version: Number(r.version), job_id: String(r.job_id), trial_id: String(r.trial_id), artifact_key: String(r.artifact_key) },
    });
  }
  return found;
}

/**
 * How a model's row (its schedule's `spec` and its champion version's `dataset`) reads `dataset`: its
 * schedule trains on it, and/or its champion was trained on a version of it.
 */
export function datasetUse(r: Record<string, SqlStorageValue>, dataset: string): { scheduled: boolean; trained: boolean } {
  const scheduled = typeof r.spec === 'string' && (JSON.parse(r.spec) as { dataset?: string }).dataset === dataset;
  const trained = (JSON.parse(String(r.dataset)) as { name: string }).name === dataset;
  return { scheduled, trained };
}

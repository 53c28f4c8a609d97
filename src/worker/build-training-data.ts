/**
 * @module worker/build-training-data
 * The training rows a published version's derived data (drift reference, feature importances) is built
 * from, by the queue consumer that runs after publication. Its dataset may have been deleted since the
 * job ended: the record is read deleted or not, and the columnar file is there while the build holds it
 * (durable/derived-builds), so a dataset deleted seconds after its job still gives the version both.
 * Once the file is gone too, the build says why instead of failing for the queue to retry for nothing.
 */
import type { Dataset } from '../engine';
import type { ModelVersionInfo } from '../durable/registry';
import { ApiError } from './errors';

export type TrainingData = { readonly ok: true; readonly dataset: Dataset } | { readonly ok: false; readonly reason: string };

export async function trainingDataForBuild(env: Env, tenant: string, version: ModelVersionInfo, loadDataset: (key: string) => Promise<Dataset>): Promise<TrainingData> {
  const { name, version: datasetVersion } = version.dataset;
  const gone = { ok: false, reason: `the training dataset "${name}" version ${datasetVersion} no longer exists` } as const;
  const record = await env.REGISTRY.getByName(tenant).getTrainingDataRecord(name, datasetVersion);
  if (!record) return gone;
  try {
    return { ok: true, dataset: await loadDataset(record.data_key) };
  } catch (err) {
    // Deleted, and no longer held (the hold ended, or the build began after it): nothing to build from.
    if (err instanceof ApiError && err.code === 'storage_missing') return gone;
    throw err;
  }
}

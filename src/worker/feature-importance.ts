/**
 * @module worker/feature-importance
 * A published version's feature importances (engine/explain/permutation-importance), stored next to its
 * artifact (`<artifact_key>.importance.json`) by the queue consumer that runs after publication, and
 * read by the model view and the evaluation route. Computing them takes the training rows and a few
 * thousand predictions, which no GET request should pay for; a version without the file (published
 * before importances existed, or an image or forecast model) reports none.
 */
import { type AnyEnvelope, type Dataset, EngineError, IMPORTANCE_FORMAT, type PermutationImportance, Predictor, permutationImportance, seedFrom } from '../engine';
import { ENSEMBLE_FORMAT } from '../engine/serialize/envelope';
import type { ModelVersionInfo } from '../durable/registry';
import { trainingDataForBuild } from './build-training-data';
import { imageShapeOf } from './image-rows';
import { storageUnavailable, writeObject } from './storage';

export const importanceKey = (artifactKey: string) => `${artifactKey}.importance.json`;

/** What storeImportances did. */
export type ImportanceOutcome = { readonly status: 'stored' | 'existed' } | { readonly status: 'skipped'; readonly reason: string };

/**
 * Computes and stores a table model version's importances unless storage has them (a queue message may
 * come twice). Image models are skipped: a ranking of thousands of pixels, each costing a pass over the
 * rows, is not what their page shows. Storage failures throw, for the queue to retry.
 */
export async function storeImportances(
  env: Env,
  tenant: string,
  version: ModelVersionInfo,
  loadDataset: (key: string) => Promise<Dataset>,
  readArtifact: () => Promise<AnyEnvelope>,
): Promise<ImportanceOutcome> {
  const key = importanceKey(version.artifact_key);
  try {
    if (await env.STORE.head(key)) return { status: 'existed' };
  } catch (err) {
    throw storageUnavailable('feature importances', err);
  }
  // Told from the parsed artifact, before any model is loaded (a CNN would start the tensor backend).
  const artifact = await readArtifact();
  if (imageShapeOf(artifact.format === ENSEMBLE_FORMAT ? artifact.members[0].envelope : artifact)) return { status: 'skipped', reason: 'an image model' };
  const training = await trainingDataForBuild(env, tenant, version, loadDataset);
  if (!training.ok) return { status: 'skipped', reason: training.reason };
  const stored = training.dataset;
  let importance: PermutationImportance;
  try {
    // Loaded for this once, outside the serving cache: this isolate predicts nothing else with it.
    const predictor = await Predictor.load(artifact);
    try {
      importance = permutationImportance(predictor, stored, { seed: seedFrom(0, `${version.job_id}/importance`) });
    } finally {
      predictor.dispose();
    }
  } catch (err) {
    // A model or dataset that cannot be scored stays so: retrying the message would change nothing.
    if (err instanceof EngineError) return { status: 'skipped', reason: err.message };
    throw err;
  }
  await writeObject(env.STORE, key, JSON.stringify(importance), 'feature importances', 'application/json');
  return { status: 'stored' };
}

/** The version's importances, or null when it has none (or they cannot be read: they are a description, not a service). */
export async function readImportances(env: Env, artifactKey: string): Promise<PermutationImportance | null> {
  try {
    const text = await (await env.STORE.get(importanceKey(artifactKey)))?.text();
    if (text === undefined) return null;
    const parsed = JSON.parse(text) as PermutationImportance;
    return parsed.format === IMPORTANCE_FORMAT && parsed.importances && typeof parsed.importances === 'object' ? parsed : null;
  } catch (err) {
    console.error(`feature importances of ${artifactKey} could not be read`, err);
    return null;
  }
}

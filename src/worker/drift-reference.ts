/**
 * @module worker/drift-reference
 * The drift reference of a model version: read from object storage next to the version's artifact
 * (`<artifact_key>.drift-ref.json`), where a queue consumer puts it when the version is published
 * (storeDriftReference, from queue/published-version-task), off any predict path. Versions published before
 * that existed, or whose build message was lost, fall back to building it here the first time it is
 * needed, from the version's training dataset (decoded from its columnar form), and storing it. A
 * version's training data never changes, so the reference is computed once per version; isolates share
 * it through storage and keep it in memory (a small LRU, like the model cache). Concurrent first requests
 * in an isolate share one load, and a failed load (storage down) is not remembered: the next caller tries
 * again. A version found without a reference or the data to build one (its dataset deleted right after
 * publication, before the queue consumer stored the reference from the held file) is asked again after
 * UNAVAILABLE_RECHECK_MS: remembered for good, it kept that isolate's drift route at 409 and its
 * sampling off once the reference was stored.
 */
import { type AnyEnvelope, artifactInputs, buildDriftReference, type Dataset, decodeDataset, type DriftReference, parseDriftReference } from '../engine';
import type { ModelVersionInfo } from '../durable/registry';
import { type TrainingData, trainingDataForBuild } from './build-training-data';
import { loadPredictor } from './model-cache';
import { readObjectBytes, storageUnavailable, writeObject } from './storage';

export const driftReferenceKey = (artifactKey: string) => `${artifactKey}.drift-ref.json`;

/** A reference, or why there can be none (the training dataset version was deleted). */
export type ReferenceLookup = { readonly ok: true; readonly reference: DriftReference } | { readonly ok: false; readonly reason: string };

const MAX_REFERENCES = 64;
const cache = new Map<string, Promise<ReferenceLookup>>();
/** When a cached lookup found no reference (by key): such a lookup is made again this long after. */
const unavailableAt = new Map<string, number>();
export const UNAVAILABLE_RECHECK_MS = 60_000;

/** The reference of `version` of a tenant's model, loading or building it when this isolate lacks it. */
export function loadDriftReference(env: Env, tenant: string, version: ModelVersionInfo): Promise<ReferenceLookup> {
  const key = driftReferenceKey(version.artifact_key);
  const hit = cache.get(key);
  const since = unavailableAt.get(key);
  if (hit && (since === undefined || Date.now() - since < UNAVAILABLE_RECHECK_MS)) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  unavailableAt.delete(key);
  const loading = readOrBuild(env, tenant, version, key);
  cache.set(key, loading);
  loading.then(
    (lookup) => {
      if (!lookup.ok && cache.get(key) === loading) unavailableAt.set(key, Date.now());
    },
    () => {
      if (cache.get(key) === loading) cache.delete(key);
    },
  );
  while (cache.size > MAX_REFERENCES) {
    const oldest = cache.keys().next().value as string;
    cache.delete(oldest);
    unavailableAt.delete(oldest);
  }
  return loading;
}

/** Forgets the references of these artifacts (their model was deleted). */
export function forgetDriftReferences(artifactKeys: readonly string[]): void {
  for (const key of artifactKeys) {
    cache.delete(driftReferenceKey(key));
    unavailableAt.delete(driftReferenceKey(key));
  }
}

async function readOrBuild(env: Env, tenant: string, version: ModelVersionInfo, key: string): Promise<ReferenceLookup> {
  let stored: string | undefined;
  try {
    stored = await (await env.STORE.get(key))?.text();
  } catch (err) {
    throw storageUnavailable('drift reference', err);
  }
  if (stored !== undefined) {
    try {
      return { ok: true, reference: parseDriftReference(JSON.parse(stored)) };
    } catch (err) {
      // A damaged reference is derived data: rebuild it from the training data rather than fail.
      console.error(`drift reference ${key} is unreadable; rebuilding it`, err);
    }
  }
  const built = await buildReference(() => visibleTrainingData(env, tenant, version), async () => (await loadPredictor(env, version.artifact_key)).artifact);
  if (!built.ok) return built;
  await storeReference(env, key, built.reference);
  return built;
}

/** What storeDriftReference did: stored it, found it stored, or could not build one (dataset gone). */
export type StoreOutcome = { readonly status: 'stored' | 'existed' } | { readonly status: 'unavailable'; readonly reason: string };

/**
 * Builds and stores the reference of `version` unless storage already has it (a version is published
 * once, but a queue message may be delivered twice). Used off the predict path, by the queue consumer:
 * `loadDataset` lets it reuse the dataset its isolate already decoded for the job's trials, and the
 * artifact is only parsed (not loaded as a model). Storage failures throw, for the queue to retry.
 */
export async function storeDriftReference(env: Env, tenant: string, version: ModelVersionInfo, loadDataset: (key: string) => Promise<Dataset>, readArtifact: () => Promise<AnyEnvelope>): Promise<StoreOutcome> {
  const key = driftReferenceKey(version.artifact_key);
  let existing: R2Object | null;
  try {
    existing = await env.STORE.head(key);
  } catch (err) {
    throw storageUnavailable('drift reference', err);
  }
  if (existing) return { status: 'existed' };
  const built = await buildReference(() => trainingDataForBuild(env, tenant, version, loadDataset), readArtifact);
  if (!built.ok) return { status: 'unavailable', reason: built.reason };
  await writeObject(env.STORE, key, JSON.stringify(built.reference), 'drift reference', 'application/json');
  return { status: 'stored' };
}

/** The reference computed from the version's training dataset (deterministic, so any builder agrees). */
async function buildReference(training: () => Promise<TrainingData>, readArtifact: () => Promise<AnyEnvelope>): Promise<ReferenceLookup> {
  const [data, artifact] = await Promise.all([training(), readArtifact()]);
  if (!data.ok) return { ok: false, reason: `${data.reason}, so there is nothing to compare live traffic with` };
  return { ok: true, reference: buildDriftReference(data.dataset, artifactInputs(artifact)) };
}

/** A drift lookup's training data: the visible dataset version only (a deleted one's held file is the consumer's, see build-training-data). */
async function visibleTrainingData(env: Env, tenant: string, version: ModelVersionInfo): Promise<TrainingData> {
  const { name, version: datasetVersion } = version.dataset;
  const dataset = await env.REGISTRY.getByName(tenant).getDataset(name, datasetVersion);
  if (!dataset) return { ok: false, reason: `the training dataset "${name}" version ${datasetVersion} no longer exists` };
  return { ok: true, dataset: decodeDataset(await readObjectBytes(env.STORE, dataset.data_key, 'training dataset')) };
}

async function storeReference(env: Env, key: string, reference: DriftReference): Promise<void> {
  try {
    await writeObject(env.STORE, key, JSON.stringify(reference), 'drift reference', 'application/json');
  } catch (err) {
    // Another isolate may be writing the same (deterministic) reference; this one is valid either way.
    console.error(`drift reference ${key} could not be stored; it will be rebuilt elsewhere`, err);
  }
}

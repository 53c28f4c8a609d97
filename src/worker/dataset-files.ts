/**
 * @module worker/dataset-files
 * The files a dataset deletion holds back: the columnar files of versions a just-published model's drift
 * reference and importances are still being built from (durable/derived-builds). The deletion answers at
 * once and hands them to the queue; a consumer deletes them once the Registry says no build needs them,
 * or the hold (HOLD_MS) is over, asking again every few seconds until then. If the queue cannot take
 * them, they are deleted at once: a deleted dataset's data is never kept for want of a message.
 */
import { HOLD_MS } from '../durable/derived-builds';
import type { HeldDatasetFiles, TrialMessage } from '../durable/protocol';
import { deleteKeys } from './storage';

/** Seconds before a held file is looked at again: a build takes seconds, importances of a big forest a minute. */
const RECHECK_S = 5;

const message = (tenant: string, held: HeldDatasetFiles): TrialMessage => ({ tenant, job_id: '', trial_id: 'dataset-files', kind: 'dataset-files', held });

/** Hands held files to the queue, or deletes them now when it refuses them. */
export async function holdDatasetFiles(env: Env, tenant: string, held: HeldDatasetFiles): Promise<void> {
  if (held.keys.length === 0) return;
  try {
    await env.TRIALS.send(message(tenant, held), { delaySeconds: RECHECK_S });
  } catch (err) {
    console.error(`dataset ${tenant}/${held.dataset}: its held files could not be queued; deleting them now`, err);
    await deleteKeys(env.STORE, held.keys);
  }
}

/** The queued step: deletes the held files, or looks again later while a build within the hold needs them. */
export async function releaseDatasetFiles(env: Env, tenant: string, held: HeldDatasetFiles): Promise<void> {
  const within = Date.now() - held.since < HOLD_MS;
  if (within && (await env.REGISTRY.getByName(tenant).datasetStillNeeded(held.dataset, held.versions))) {
    await env.TRIALS.send(message(tenant, held), { delaySeconds: RECHECK_S });
    return;
  }
  await deleteKeys(env.STORE, held.keys);
}

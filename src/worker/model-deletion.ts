/**
 * @module worker/model-deletion
 * What deleting a model does outside its Registry, once the Registry has deleted it (durable/
 * model-deletion: rows gone in one transaction, so the model is already invisible and cannot come back
 * from a retry). In order:
 * 1. this isolate forgets it: the served version, warm models, drift references and drift samples (other
 *    isolates stop serving it within version-cache's TTLs);
 * 2. the ScheduleBoard gets the schedule's tombstone, so no cron tick looks for it (a stale board entry
 *    would only find no schedule in the Registry, which heals the board);
 * 3. its DriftMonitor forgets every count;
 * 4. object storage: every version's artifact and derived files, then the folders of the jobs made for
 *    it (trial artifacts, out-of-fold predictions, the ensemble).
 * Steps 2 to 4 are cleanup of what nothing can reach any more: a failure is logged and the deletion
 * still stands (answering an error would ask for a retry, which finds no model). What a failure leaves
 * behind is swept by the next deletion of a model of that name: the Registry keeps the jobs, and with
 * them the folders to look in. The deletion request sweeps JOB_FOLDERS_PER_STEP job folders itself (a
 * bound on its storage calls), those of the jobs that published first; the folders of a model retrained
 * more often than that (hourly for a week is 168 jobs) are sent to the queue in messages of as many, each
 * swept by a consumer (sweepJobFolders), retried there when storage fails. Before a refusal for unfinished
 * jobs, their coordinators are asked whether they have in fact ended (settleEndedJobs).
 */
import { driftMonitorName } from '../durable/drift-monitor';
import type { ModelDeletion } from '../durable/model-deletion';
import type { TrialMessage } from '../durable/protocol';
import { BOARD_NAME } from '../durable/schedule-board';
import { driftReferenceKey, forgetDriftReferences } from './drift-reference';
import { forgetDriftSampling } from './drift-sampler';
import { importanceKey } from './feature-importance';
import { forgetArtifacts } from './model-cache';
import { deleteFilesBefore, deleteKeys, jobFilesPrefix, MAX_SWEPT } from './storage';
import { forgetModel } from './version-cache';

type Deleted = Extract<ModelDeletion, { deleted: true }>;

/** Job folders swept by one request or one queue message: each is a list and a delete; publishing jobs come first. */
export const JOB_FOLDERS_PER_STEP = 200;
/** Messages per queue send (the Queues limit). */
const MESSAGES_PER_SEND = 100;


/** Everything this isolate remembers about a deleted model. */
export function forgetDeletedModel(tenant: string, name: string, artifactKeys: readonly string[]): void {
  forgetModel(tenant, name);
  forgetArtifacts(artifactKeys);
  forgetDriftReferences(artifactKeys);
  forgetDriftSampling(tenant, name);
}

/**
 * Steps 2 to 4 of the module comment, each on its own: one failing does not stop the next.
 * `inlineFolders` is how many job folders this call sweeps before the queue takes the rest (tests lower it).
 */
export async function cleanUpDeletedModel(env: Env, tenant: string, name: string, deleted: Deleted, inlineFolders = JOB_FOLDERS_PER_STEP): Promise<void> {
  const step = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      console.error(`deleting model ${tenant}/${name}: ${what} failed; the model stays deleted`, err);
    }
  };
  const revision = deleted.schedule_revision;
  if (revision !== null) await step('the schedule board update', () => env.SCHEDULES.getByName(BOARD_NAME).set(tenant, name, null, revision, false));
  await step('forgetting drift counts', () => env.DRIFT.getByName(driftMonitorName(tenant, name)).forget());
  await step('deleting version files', () => deleteVersionFiles(env.STORE, deleted.artifact_keys));
  await step('sweeping job folders', () => sweepJobFolders(env, tenant, deleted.job_ids.slice(0, inlineFolders), MAX_SWEPT, 'queue'));
  await step('sending the other job folders to the queue', () => queueJobFolders(env, tenant, deleted.job_ids.slice(inlineFolders)));
}

/**
 * After one version was deleted (durable/version-deletion): this isolate forgets it, and its artifact and
 * derived files go unless another version reads the same artifact (`artifactKey` null). Storage failing
 * is logged: the version is deleted all the same, and its files are swept with the model's.
 */
export async function cleanUpDeletedVersion(env: Env, tenant: string, name: string, version: number, artifactKey: string | null): Promise<void> {
  forgetModel(tenant, name);
  if (artifactKey === null) return;
  forgetArtifacts([artifactKey]);
  forgetDriftReferences([artifactKey]);
  try {
    await deleteVersionFiles(env.STORE, [artifactKey]);
  } catch (err) {
    console.error(`deleting version ${version} of model ${tenant}/${name}: its files could not all be deleted; they go with the model`, err);
  }
}

/** Each version's artifact with the files derived from it. */
async function deleteVersionFiles(store: R2Bucket, artifactKeys: readonly string[]): Promise<void> {
  const keys = artifactKeys.flatMap((k) => [k, driftReferenceKey(k), importanceKey(k)]);
  await deleteKeys(store, keys);
}

/**
 * Everything the model's jobs wrote, whatever its age: every job has ended (or the Registry would have
 * refused), so no file there is about to be registered, unlike a dataset's folder during an upload. A
 * folder of more files than one sweep deletes (`maxFiles`: a job of thousands of trials writes two files
 * each) goes to the queue again, to be swept on by the next message until it is empty. Storage failing
 * stops the sweep at that folder (the next ones would most likely fail too, each a wait): `onFailure`
 * 'queue' (the deletion request) sends that folder and every one not reached to the queue, whose
 * consumer retries; 'throw' (that consumer) throws, so its message, all of its folders, is delivered
 * again (those already empty cost one list each).
 */
export async function sweepJobFolders(env: Env, tenant: string, jobIds: readonly string[], maxFiles = MAX_SWEPT, onFailure: 'queue' | 'throw' = 'throw'): Promise<void> {
  const unfinished: string[] = [];
  for (const [i, id] of jobIds.entries()) {
    try {
      if ((await deleteFilesBefore(env.STORE, jobFilesPrefix(tenant, id), END_OF_TIME, maxFiles)).more) unfinished.push(id);
    } catch (err) {
      if (onFailure === 'throw') throw err;
      console.error(`sweeping the folder of job ${tenant}/${id} failed; it and ${jobIds.length - i - 1} more go to the queue`, err);
      unfinished.push(...jobIds.slice(i));
      break;
    }
  }
  await queueJobFolders(env, tenant, unfinished);
}

/** Sends job folders to the queue, JOB_FOLDERS_PER_STEP per message ("sweep-jobs", handled by the trial consumer). */
async function queueJobFolders(env: Env, tenant: string, jobIds: readonly string[]): Promise<void> {
  const messages: { body: TrialMessage }[] = [];
  for (let i = 0; i < jobIds.length; i += JOB_FOLDERS_PER_STEP) {
    const ids = jobIds.slice(i, i + JOB_FOLDERS_PER_STEP);
    messages.push({ body: { tenant, job_id: ids[0], trial_id: 'sweep', kind: 'sweep-jobs', job_ids: ids } });
  }
  for (let i = 0; i < messages.length; i += MESSAGES_PER_SEND) await env.TRIALS.sendBatch(messages.slice(i, i + MESSAGES_PER_SEND));
}

/** The latest time a Date holds: "before" it is every file. */
const END_OF_TIME = new Date(8.64e15);

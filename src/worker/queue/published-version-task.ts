/**
 * @module worker/queue/published-version-task
 * Builds a published model version's derived data in a consumer invocation, off every request path: its
 * drift reference (so the first predict of a new version never decodes the training dataset) and its
 * feature importances (a few thousand predictions on training rows, which no GET should pay for). The
 * coordinator sends one message of kind "drift-reference" (its name from when it built only that) after
 * it publishes a table or image model; forecasters have neither. A duplicate delivery finds both stored
 * and does nothing. The training data is read even when its dataset was deleted meanwhile, while the
 * deletion holds its file back for this build (worker/build-training-data); once the build ends, the
 * Registry is told, and the held file may go. A version whose training data is gone for good is logged
 * and dropped: the drift route answers why, and the model view shows no importances. Storage failures
 * throw, so the queue delivers the message again.
 */
import { type AnyEnvelope, type Dataset, parseAnyEnvelope } from '../../engine';
import type { TrialMessage } from '../../durable/protocol';
import { storeDriftReference } from '../drift-reference';
import { storeImportances } from '../feature-importance';
import { readObjectBytes } from '../storage';

export async function buildPublishedVersionData(message: TrialMessage, env: Env, loadDataset: (key: string) => Promise<Dataset>): Promise<void> {
  if (!message.model) return;
  const { name, version } = message.model;
  const registry = env.REGISTRY.getByName(message.tenant);
  const info = await registry.resolveModel(name, version);
  // Gone (the model was deleted since) or a forecaster: nothing to build.
  if (info && info.task !== 'forecast') {
    // Read and parsed once, by whichever step needs it first (neither does when both are stored).
    let artifact: Promise<AnyEnvelope> | undefined;
    const readArtifact = () =>
      (artifact ??= readObjectBytes(env.STORE, info.artifact_key, 'model artifact').then((bytes) => parseAnyEnvelope(JSON.parse(new TextDecoder().decode(bytes)))));
    const reference = await storeDriftReference(env, message.tenant, info, loadDataset, readArtifact);
    if (reference.status === 'unavailable') console.warn(`no drift reference for model ${name} v${version}: ${reference.reason}`);
    const importances = await storeImportances(env, message.tenant, info, loadDataset, readArtifact);
    if (importances.status === 'skipped') console.warn(`no feature importances for model ${name} v${version}: ${importances.reason}`);
  }
  // Built (or never to be): a deleted training dataset's held file may go (worker/dataset-files).
  await endDerivedBuild(env, message);
}

/** Tells the Registry a version's derived build is over; best effort (the hold ends by itself, durable/derived-builds). */
export async function endDerivedBuild(env: Env, message: TrialMessage): Promise<void> {
  if (!message.model) return;
  await env.REGISTRY.getByName(message.tenant)
    .derivedBuildEnded(message.model.name, message.model.version)
    .catch((err) => console.error(`could not end the derived build of ${message.model?.name} v${message.model?.version}`, err));
}

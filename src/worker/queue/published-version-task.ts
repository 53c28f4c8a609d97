/**
 * @module worker/queue/published-version-task
 * Builds a published model version's derived data in a consumer invocation, off every request path: its
 * drift reference (so the first predict of a new version never decodes the training dataset) and its
 * feature importances (a few thousand predictions on training rows, which no GET should pay for). The
 * coordinator sends one message of kind "drift-reference" (its name from when it built only that) after
 * it publishes a table or image model; forecasters have neither. A duplicate delivery finds both stored
 * and does nothing. A version whose training dataset is gone is logged and dropped: the drift route
 * answers why, and the model view shows no importances. Storage failures throw, so the queue delivers the
 * message again.
 */
import { type AnyEnvelope, type Dataset, parseAnyEnvelope } from '../../engine';
import type { TrialMessage } from '../../durable/protocol';
import { storeDriftReference } from '../drift-reference';
import { storeImportances } from '../feature-importance';
import { readObjectBytes } from '../storage';

export async function buildPublishedVersionData(message: TrialMessage, env: Env, loadDataset: (key: string) => Promise<Dataset>): Promise<void> {
  if (!message.model) return;
  const { name, version } = message.model;
  const info = await env.REGISTRY.getByName(message.tenant).resolveModel(name, version);
  // Gone (the model was deleted since) or a forecaster: nothing to build.
  if (!info || info.task === 'forecast') return;
  // Read and parsed once, by whichever step needs it first (neither does when both are stored).
  let artifact: Promise<AnyEnvelope> | undefined;
  const readArtifact = () =>
    (artifact ??= readObjectBytes(env.STORE, info.artifact_key, 'model artifact').then((bytes) => parseAnyEnvelope(JSON.parse(new TextDecoder().decode(bytes)))));
  const reference = await storeDriftReference(env, message.tenant, info, loadDataset, readArtifact);
  if (reference.status === 'unavailable') console.warn(`no drift reference for model ${name} v${version}: ${reference.reason}`);
  const importances = await storeImportances(env, message.tenant, info, loadDataset, readArtifact);
  if (importances.status === 'skipped') console.warn(`no feature importances for model ${name} v${version}: ${importances.reason}`);
}

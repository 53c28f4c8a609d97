/**
 * @module worker/queue/drift-reference-task
 * Builds a published model version's drift reference in a consumer invocation, so the first predict of a
 * new version never decodes the training dataset (a memory and latency risk on the predict path for big
 * data). The coordinator sends one "drift-reference" message after it publishes a table or image model
 * (forecasters have no reference); a duplicate delivery finds the reference stored and does nothing. A
 * version whose training dataset is gone is logged and dropped: the drift route answers why. Storage
 * failures throw, so the queue delivers the message again.
 */
import { parseAnyEnvelope, type Dataset } from '../../engine';
import type { TrialMessage } from '../../durable/protocol';
import { storeDriftReference } from '../drift-reference';
import { readObjectBytes } from '../storage';

export async function buildPublishedDriftReference(message: TrialMessage, env: Env, loadDataset: (key: string) => Promise<Dataset>): Promise<void> {
  if (!message.model) return;
  const { name, version } = message.model;
  const info = await env.REGISTRY.getByName(message.tenant).resolveModel(name, version);
  // Gone (the model was deleted since) or a forecaster: nothing to build.
  if (!info || info.task === 'forecast') return;
  const readArtifact = async () => parseAnyEnvelope(JSON.parse(new TextDecoder().decode(await readObjectBytes(env.STORE, info.artifact_key, 'model artifact'))));
  const outcome = await storeDriftReference(env, message.tenant, info, loadDataset, readArtifact);
  if (outcome.status === 'unavailable') console.warn(`no drift reference for model ${name} v${version}: ${outcome.reason}`);
}

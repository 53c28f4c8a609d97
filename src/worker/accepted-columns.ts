/**
 * @module worker/accepted-columns
 * Columns a table job's models accept in predict rows beyond their own training data's: those its model's
 * champion accepts. Predict refuses a column the model's training data did not have (typo protection), and
 * accepts every one it had, dropped identifiers and ignored columns included; so when a retraining's data
 * no longer has the champion's customer_id (or a column its job ignored), the new champion refused every
 * row the champion's clients send, though it reads no such column. champion-columns guards the columns a
 * champion reads as features; these are the rest, carried from version to version (the champion's own
 * inherited ones come from its job's configuration while its coordinator holds it).
 */
import { coordinatorFor, isJobId } from './coordinator';

/**
 * The columns the champion of `modelName` accepts that `columns` (the job's dataset's) lacks, in the
 * champion's order; empty when the model or its champion does not exist, or when it is not a table model.
 */
export async function championAcceptedColumns(env: Env, tenant: string, modelName: string, columns: readonly string[]): Promise<string[]> {
  const registry = env.REGISTRY.getByName(tenant);
  const model = await registry.getModel(modelName);
  const champion = model?.versions.find((v) => v.version === model.champion_version);
  if (!model || !champion || model.task === 'forecast') return [];
  const [basis, data] = await Promise.all([
    isJobId(champion.job_id) ? coordinatorFor(env, tenant, champion.job_id).retrainBasis(champion.trial_id).catch(() => null) : null,
    registry.getTrainingDataRecord(champion.dataset.name, champion.dataset.version),
  ]);
  if (basis?.config.image || basis?.config.forecast) return [];
  const present = new Set(columns);
  const accepted = [...(data?.columns.map((c) => c.name) ?? []), ...(basis?.config.accepted_columns ?? [])];
  return [...new Set(accepted)].filter((name) => !present.has(name));
}

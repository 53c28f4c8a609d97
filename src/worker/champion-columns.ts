/**
 * @module worker/champion-columns
 * The columns a champion was trained on that a retraining dataset lacks. A retraining run on such data
 * would train a challenger on fewer columns and, should it win, clients still sending the champion's rows
 * would be refused for columns the new model does not know. So a schedule naming such a dataset is
 * refused, and a run whose newest version has lost one is skipped, saying which.
 */
import type { DatasetVersion, Registry } from '../durable/registry';
import type { ColumnOverride } from '../engine';
import { ApiError, listSome } from './errors';
import { isImageUploadProfile } from './image-upload';

type Profile = DatasetVersion['columns'];

/**
 * Feature columns of the champion's training data (neither dropped as an identifier or constant, nor the
 * target, nor ignored by its job) that `candidate` does not have, in the champion's column order. Empty
 * for image datasets, whose pixel grid the job checks itself.
 */
export function missingChampionColumns(championData: Profile, candidate: Profile, target: string, ignored: readonly string[]): string[] {
  if (isImageUploadProfile(championData) || isImageUploadProfile(candidate)) return [];
  const present = new Set(candidate.map((c) => c.name));
  const skip = new Set([target, ...ignored]);
  return championData.filter((c) => !c.dropped && !skip.has(c.name) && !present.has(c.name)).map((c) => c.name);
}

/** The columns a job's column settings leave out ({"col": "ignore"}). */
export const ignoredColumns = (columns: Readonly<Record<string, ColumnOverride>> | undefined): string[] =>
  Object.entries(columns ?? {})
    .filter(([, type]) => type === 'ignore')
    .map(([name]) => name);

/**
 * Refuses (throws ApiError 400 naming `field`) a retraining dataset version that lacks feature columns of
 * the champion's training data (read even after that data was deleted: its columns still describe the
 * champion's clients); nothing is checked when the candidate version is gone.
 */
export async function checkChampionColumns(
  registry: DurableObjectStub<Registry>,
  champion: { readonly dataset: { readonly name: string; readonly version: number }; readonly target: string; readonly columns?: Readonly<Record<string, ColumnOverride>> },
  candidate: { readonly name: string; readonly version?: number },
  field: string,
): Promise<void> {
  const [championData, data] = await Promise.all([registry.getTrainingDataRecord(champion.dataset.name, champion.dataset.version), registry.getDataset(candidate.name, candidate.version)]);
  if (!championData || !data) return;
  const missing = missingChampionColumns(championData.columns, data.columns, champion.target, ignoredColumns(champion.columns));
  if (missing.length === 0) return;
  const them = missing.length === 1 ? 'it' : 'them';
  throw lacksColumns(data, missing, 'the champion was trained on', `a challenger without ${them} could not answer the rows the champion's clients send`, field);
}

/** 400 invalid_dataset: dataset version `data` lacks the `missing` columns (`what` they are, `why` it matters), at most 8 named. */
export function lacksColumns(data: { readonly name: string; readonly version: number }, missing: readonly string[], what: string, why: string, field: string): ApiError {
  return new ApiError(
    400,
    'invalid_dataset',
    `dataset "${data.name}" v${data.version} lacks ${missing.length === 1 ? 'a column' : `${missing.length} columns`} ${what} (${listSome(missing.map((n) => `"${n}"`), 8)}); ${why}`,
    { field, missing: missing.slice(0, 8) },
  );
}

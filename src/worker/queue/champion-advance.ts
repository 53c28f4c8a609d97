/**
 * @module worker/queue/champion-advance
 * The forecast champion brought up to a retraining job's data, in the comparison's consumer invocation
 * (it has the data and the champion at hand): the champion's envelope with each series moved to its
 * newest point (engine/forecast/advance-envelope), the fitted model untouched, written beside the job's
 * files. The Registry registers it as a new version only if the champion stays (durable/champion-advance);
 * otherwise the file is simply unused, and goes with the job's files. Data that do not continue the
 * champion's series, or a champion that cannot be read, are an outcome, never a failed comparison: the
 * report says why nothing moved. The groups a simple rule forecasts are advanced too and reported apart
 * (`fallback_groups`): a champion whose only moved groups are those is still written, since their
 * forecasts start after their newest points then. Only storage being down is thrown, so the queue retries.
 */
import type { Dataset } from '../../engine';
import { advanceEnvelope, type AdvancedSeries, type AdvanceOutcome, parseForecastEnvelope, showTimeOf, type SeriesColumns } from '../../engine/forecast';
import type { ChallengeWork, ChampionAdvance } from '../../durable/protocol';
import { listSome } from '../errors';
import { isStorageUnavailable, jobFilesPrefix, readObjectBytes, writeObject } from '../storage';

/** Series a report names with why they were left (the rest are counted). */
const MAX_LEFT_LISTED = 20;

/** Where a job writes its advance of champion `version`: in the job's folder, deleted with its files. */
export const advancedChampionKey = (work: Pick<ChallengeWork, 'tenant' | 'job_id'>, version: number) => `${jobFilesPrefix(work.tenant, work.job_id)}champion-v${version}.advanced.json`;

/** The champion advanced to `dataset`, the job's data read by its series `columns`. */
export async function advanceChampion(store: R2Bucket, work: ChallengeWork, dataset: Dataset, columns: SeriesColumns, champion: { version: number; artifact_key: string }): Promise<ChampionAdvance> {
  let outcome: AdvanceOutcome;
  try {
    const envelope = parseForecastEnvelope(new TextDecoder().decode(await readObjectBytes(store, champion.artifact_key, 'model artifact')));
    outcome = advanceEnvelope(envelope, dataset, columns);
  } catch (err) {
    if (isStorageUnavailable(err)) throw err;
    return { from_version: champion.version, artifact_key: null, series: 0, left: [], left_count: 0, reason: err instanceof Error ? err.message : String(err) };
  }
  const left = { left: outcome.left.slice(0, MAX_LEFT_LISTED), left_count: outcome.left.length };
  const leftWords = outcome.left.length === 0 ? '' : `; ${outcome.left.length} left as ${outcome.left.length === 1 ? 'it was' : 'they were'}: ${listSome(outcome.left.map((l) => `${named(l.group)} (${l.reason})`), 3)}`;
  // Times are written as the model's forecasts write them: at the series' one UTC offset when they carry one.
  const show = showTimeOf(outcome.envelope);
  // The groups a simple rule forecasts move by the same rule, reported apart from the model's series.
  const { fallbackAdvanced: ruled, fallbackLeft: ruledLeft } = outcome;
  const fallback = ruled.length + ruledLeft.length === 0 ? {} : { fallback_groups: { advanced: ruled.length, left: ruledLeft.slice(0, MAX_LEFT_LISTED), left_count: ruledLeft.length } };
  const ruledWords =
    (ruled.length === 0 ? '' : `; ${movedWords(ruled, show, ruledNoun(ruled.length))}`) +
    (ruledLeft.length === 0 ? '' : `; ${ruledLeft.length} ${ruledNoun(ruledLeft.length)} left as ${ruledLeft.length === 1 ? 'it was' : 'they were'}: ${listSome(ruledLeft.map((l) => `${named(l.group)} (${l.reason})`), 3)}`);
  const seriesWords = outcome.advanced.length === 0 ? 'no series moved' : movedWords(outcome.advanced, show, 'series');
  if (outcome.advanced.length === 0 && ruled.length === 0) return { from_version: champion.version, artifact_key: null, series: 0, ...left, ...fallback, reason: `${seriesWords}${leftWords}${ruledWords}` };
  const key = advancedChampionKey(work, champion.version);
  await writeObject(store, key, JSON.stringify(outcome.envelope), 'model artifact', 'application/json');
  return { from_version: champion.version, artifact_key: key, series: outcome.advanced.length, ...left, ...fallback, reason: `${seriesWords}${leftWords}${ruledWords}` };
}

/** The groups a simple rule forecasts, as a count names them. */
const ruledNoun = (n: number) => `group${n === 1 ? '' : 's'} a simple rule forecasts`;

/** "2 series advanced to their newest points, each now ending at … (14 points after …)", or series by series when they differ. */
function movedWords(advanced: readonly AdvancedSeries[], show: (t: number) => string, noun: string): string {
  const one = advanced.length === 1;
  const head = `${advanced.length} ${noun} advanced to ${one ? 'its newest point' : 'their newest points'}`;
  const first = advanced[0];
  const points = (n: number) => `${n} point${n === 1 ? '' : 's'}`;
  if (advanced.every((a) => a.to === first.to && a.from === first.from)) {
    return `${head}, ${one ? '' : 'each '}now ending at ${show(first.to)} (${points(first.points)} after ${show(first.from)})`;
  }
  return `${head}: ${listSome(advanced.map((a) => `${named(a.group)} now ending at ${show(a.to)} (${points(a.points)} after ${show(a.from)})`), 5)}`;
}

/** A series as a sentence names it ('' is the one series of an ungrouped model). */
const named = (group: string) => (group === '' ? 'the series' : JSON.stringify(group));

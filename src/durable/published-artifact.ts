/**
 * @module durable/published-artifact
 * The artifact a job is about to publish, in object storage: checked before it can become a model version
 * (a missing or corrupt one is set aside and the next best result published instead), and for a forecaster
 * picked among many trials, a copy with its intervals widened by the optimism of that pick.
 */
import { parseAnyEnvelope } from '../engine';
import { type ForecastEnvelope, parseForecastEnvelope, publicationWidening, withWidenedSpread } from '../engine/forecast';
import type { CoordinatorHost } from './coordinator-host';
import { forecastEstimate } from './forecast-estimate';

/**
 * Why an artifact cannot be published (missing, not JSON, not an artifact), undefined when it parses,
 * or 'storage_unavailable' when R2 itself failed (then nothing is concluded and the alarm retries).
 * `parsed` is handed a forecast job's envelope once it parses (what the job view keeps of it, read once).
 */
export async function artifactProblem(host: CoordinatorHost, key: string, parsed?: (envelope: ForecastEnvelope) => void): Promise<string | undefined> {
  let text: string | undefined;
  try {
    text = await (await host.env.STORE.get(key))?.text();
  } catch (err) {
    console.error(`could not read ${key} before publishing`, err);
    return 'storage_unavailable';
  }
  if (text === undefined) return `the artifact ${key} is missing from object storage`;
  try {
    const json: unknown = JSON.parse(text);
    if (host.state.config?.forecast) {
      const envelope = parseForecastEnvelope(json);
      parsed?.(envelope);
    } else parseAnyEnvelope(json);
    return undefined;
  } catch (err) {
    return `the artifact ${key} is corrupt: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * The key of the forecaster to publish: the trial's (or blend's) artifact, or, when picking it among the
 * job's trials made its validation errors optimistic (durable/forecast-estimate), a copy beside it with
 * the intervals widened by that optimism: the estimated error of the pick over the published model's own
 * rolling-origin `score` (both in the job's metric, so the factor is a ratio whatever it is). A blend is chosen on the same origins, so it is widened up to the same
 * estimate (its own errors are lower still, so the factor is larger). The copy depends only on the
 * journal, so a retried publication writes the same file again. Storage errors propagate: the
 * publication is retried.
 */
export async function widenedForecastArtifact(host: CoordinatorHost, key: string, score: number): Promise<string> {
  const optimism = publicationWidening(forecastEstimate(host.state)?.score, score);
  if (optimism === 1) return key;
  const text = await (await host.env.STORE.get(key))?.text();
  if (text === undefined) throw new Error(`the artifact ${key} is missing from object storage`);
  const widenedKey = key.replace(/\.json$/, '') + '.published.json';
  await host.env.STORE.put(widenedKey, JSON.stringify(withWidenedSpread(parseForecastEnvelope(text), optimism)));
  return widenedKey;
}

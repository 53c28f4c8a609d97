/**
 * @module worker/queue/forecast-blend-task
 * The end-of-search ensemble of a forecast job, in a consumer invocation: reads the best trials'
 * rolling-origin forecasts from R2, rebuilds what happened after each origin from the same series the
 * trials saw (a retraining job's held-out points removed), blends greedily by the job's metric (engine/forecast/select-blend)
 * and, when the blend beats the best trial, writes one envelope holding every member's model.
 */
import { applyOverrides, type Dataset } from '../../engine';
import { buildForecastBlendEnvelope, forecastMetricOf, forecastOriginTruth, parseForecastEnvelope, selectForecastBlend, withoutSeriesTail } from '../../engine/forecast';
import type { EnsembleReport, EnsembleWork } from '../../durable/protocol';
import { readObjectBytes, writeObject } from '../storage';
import { forecastColumns } from './forecast-columns';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

export async function buildForecastBlend(work: EnsembleWork, env: Env, loadDataset: (key: string) => Promise<Dataset>): Promise<EnsembleReport> {
  const forecast = work.forecast as NonNullable<EnsembleWork['forecast']>;
  const columns = forecastColumns(work.target, forecast);
  const { dataset: all } = applyOverrides(await loadDataset(work.dataset_key), work.columns);
  const dataset = forecast.holdout_points ? withoutSeriesTail(all, columns, forecast.holdout_points) : all;
  const truth = forecastOriginTruth(dataset, { ...columns, horizon: forecast.horizon, ...(work.origins !== undefined ? { origins: work.origins } : {}) });
  const candidates = await Promise.all(
    work.candidates.map(async (c) => {
      const bytes = await readObjectBytes(env.STORE, c.oof_key, 'validation forecasts');
      // Copied: the stored bytes need not sit on a 4-byte boundary of their buffer.
      return { id: c.trial_id, predictions: new Float32Array(bytes.slice().buffer) };
    }),
  );
  // Blended by the metric the trials were scored by (rmse for a job from before the choice).
  const selection = selectForecastBlend(truth, candidates, forecastMetricOf(work.metric));
  if (!selection.improves) return { status: 'skipped', reason: `no blend beat the best single trial (${selection.bestSingle.id}) on the rolling origins` };
  const members = await Promise.all(
    selection.members.map(async (m) => {
      const key = work.candidates.find((c) => c.trial_id === m.id)?.artifact_key as string;
      return { envelope: parseForecastEnvelope(text(await readObjectBytes(env.STORE, key, 'model artifact'))), weight: m.weight };
    }),
  );
  const envelope = buildForecastBlendEnvelope(members, truth, selection.predictions, selection.score);
  await writeObject(env.STORE, work.artifact_key, JSON.stringify(envelope), 'blend artifact', 'application/json');
  return {
    status: 'complete',
    score: selection.score,
    loss: selection.score,
    artifact_key: work.artifact_key,
    members: selection.members.map((m) => ({ trial_id: m.id, weight: m.weight })),
  };
}

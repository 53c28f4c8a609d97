/**
 * @module worker/live-drift
 * The one measurement of live drift, shared by the drift route and the cron handler's drift checks: a
 * model version's reference (worker/drift-reference), its sampled live counts over a window of hours
 * (the model's DriftMonitor) and the PSI per feature (engine/drift), most drifted first.
 */
import { compareWithReference, type DriftReference, emptyCounts, type FeatureDrift, type SketchCounts } from '../engine';
import { type DriftWindow, driftMonitorName } from '../durable/drift-monitor';
import type { ModelVersionInfo } from '../durable/registry';
import { loadDriftReference } from './drift-reference';

/** The drift of one version, or why there can be none (no reference: its training dataset is gone). */
export type LiveDrift =
  | {
      readonly ok: true;
      readonly reference: DriftReference;
      readonly window: DriftWindow;
      /** The window's counts (empty counts when nothing was sampled). */
      readonly live: SketchCounts;
      readonly features: readonly FeatureDrift[];
    }
  | { readonly ok: false; readonly reason: string };

/** Measures the drift of `version` of a tenant's model over the last `hours` whole hours. */
export async function measureLiveDrift(env: Env, tenant: string, model: string, version: ModelVersionInfo, hours: number): Promise<LiveDrift> {
  const lookup = await loadDriftReference(env, tenant, version);
  if (!lookup.ok) return lookup;
  const { reference } = lookup;
  const window = await env.DRIFT.getByName(driftMonitorName(tenant, model)).window(version.version, reference.layout, hours);
  const live = window.counts ?? emptyCounts(reference);
  return { ok: true, reference, window, live, features: compareWithReference(reference, live) };
}

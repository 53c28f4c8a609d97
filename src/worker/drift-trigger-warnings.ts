/**
 * @module worker/drift-trigger-warnings
 * What a PUT of a schedule says about its drift trigger (the answer's `warnings`), beside accepting it:
 * a `min_rows` under the default 200 is allowed, but over so few live rows sampling noise alone reads
 * high PSIs, and the trigger, which fires only beyond what noise reaches (durable/retrain-rules
 * checkDrift), then fires only on a large shift. Said once, when the schedule is set, not at every tick.
 */
import { DRIFT_TRIGGER_DEFAULTS, type DriftTrigger } from '../durable/retrain-rules';

export function driftTriggerWarnings(trigger: DriftTrigger | null): string[] {
  if (trigger === null || trigger.min_rows >= DRIFT_TRIGGER_DEFAULTS.min_rows) return [];
  const rows = trigger.min_rows;
  // Noise alone over ten deciles averages about 9 / rows (engine/drift/psi psiNoise), and reaches far past it.
  const noise = Number((9 / rows).toPrecision(2));
  return [
    `on_drift.min_rows ${rows} is under the ${DRIFT_TRIGGER_DEFAULTS.min_rows} recommended: over ${rows} live rows sampling noise alone reads a PSI of about ${noise} on a feature of ten deciles, and empty deciles read far more, so the trigger (which fires only beyond what noise reaches, 1 time in 100 over all features) fires only on a large shift; from a few hundred rows smaller shifts show`,
  ];
}

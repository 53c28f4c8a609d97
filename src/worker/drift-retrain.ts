/**
 * @module worker/drift-retrain
 * The drift check of one schedule with `on_drift` at one cron tick, before its regular due time: the
 * champion's live rows over the trigger's window (never reaching back before the schedule's previous
 * run, see retrain-rules), measured exactly as GET /v1/models/{model}/drift measures them
 * (worker/live-drift). Enough rows and a feature at or over the PSI threshold make the run due now: the
 * Registry claims it (once, and only if the schedule is unchanged since it was read) and it starts like
 * any due run. A measurement that fails (storage, the monitor, a reference that cannot be built) is
 * logged and skips drift for this schedule at this tick; it never throws into the tick.
 */
import { checkDrift, driftWindowHours } from '../durable/retrain-rules';
import { measureLiveDrift } from './live-drift';
import { type RetrainOutcome, startClaimedRun } from './retrain';

/** Checks the model's schedule for drift at `now` (the tick's time) and starts its run when drift makes it due. */
export async function runDriftCheck(env: Env, tenant: string, model: string, now: number): Promise<RetrainOutcome> {
  const registry = env.REGISTRY.getByName(tenant);
  const basis = await registry.scheduleDriftBasis(model);
  const trigger = basis?.schedule.on_drift;
  if (!basis || !trigger) return { tenant, model, outcome: 'not_due', reason: 'no drift trigger or no champion' };
  const hours = driftWindowHours(trigger, basis.last_run_at, now);
  if (hours === null) return { tenant, model, outcome: 'not_due', reason: 'no whole hour of live rows since the previous run' };

  let verdict: ReturnType<typeof checkDrift>;
  try {
    const measured = await measureLiveDrift(env, tenant, model, basis.champion, hours);
    if (!measured.ok) throw new Error(measured.reason);
    verdict = checkDrift(trigger, measured.live.rows, measured.features);
  } catch (err) {
    const reason = `drift check skipped: ${err instanceof Error ? err.message : String(err)}`;
    console.error(`drift check of ${tenant}/${model} v${basis.champion.version} failed; its schedule runs on time only this tick`, err);
    return { tenant, model, outcome: 'error', reason };
  }
  if (!verdict.due) return { tenant, model, outcome: 'not_due', reason: verdict.why };
  const claim = await registry.claimDriftRun(model, now, basis.schedule.revision, verdict.reason);
  return startClaimedRun(env, tenant, model, claim);
}

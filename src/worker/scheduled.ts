/**
 * @module worker/scheduled
 * The cron handler: asks the global ScheduleBoard which retraining schedules are due at the tick's
 * scheduled time (a bounded batch, oldest due first) and runs each through retrain; then takes a bounded
 * batch of schedules that retrain on drift and are not due (least recently checked first, each once per
 * tick time) and checks each through drift-retrain. Everything goes one after another; one failing run
 * or check is logged and never stops the others. What is left over waits for the next tick, five
 * minutes later.
 */
import { BOARD_NAME, type BoardEntry } from '../durable/schedule-board';
import { runDriftCheck } from './drift-retrain';
import { type RetrainOutcome, runScheduledRetrain } from './retrain';

/** Due schedules handled per tick. */
export const SCHEDULE_BATCH = 20;
/** Drift checks per tick (each reads a reference and a window of counts; a reference may be built once). */
export const DRIFT_CHECK_BATCH = 20;

export async function runDueSchedules(env: Env, now: number): Promise<RetrainOutcome[]> {
  const board = env.SCHEDULES.getByName(BOARD_NAME);
  const due = await board.due(now, SCHEDULE_BATCH);
  const outcomes: RetrainOutcome[] = [];
  for (const { tenant, model } of due) outcomes.push(await guarded(tenant, model, 'scheduled retraining', () => runScheduledRetrain(env, tenant, model, now)));
  let watched: BoardEntry[] = [];
  try {
    watched = await board.driftChecks(now, DRIFT_CHECK_BATCH);
  } catch (err) {
    console.error('the schedule board could not list drift checks; none this tick', err);
  }
  // A schedule that just ran on time has nothing new to check.
  const ran = new Set(due.map((d) => JSON.stringify([d.tenant, d.model])));
  for (const { tenant, model } of watched.filter((w) => !ran.has(JSON.stringify([w.tenant, w.model])))) outcomes.push(await guarded(tenant, model, 'drift check', () => runDriftCheck(env, tenant, model, now)));
  return outcomes;
}

/** Runs one schedule's work, turning a failure into a logged `error` outcome. */
async function guarded(tenant: string, model: string, what: string, work: () => Promise<RetrainOutcome>): Promise<RetrainOutcome> {
  try {
    return await work();
  } catch (err) {
    console.error(`${what} of ${tenant}/${model} failed`, err);
    return { tenant, model, outcome: 'error', reason: err instanceof Error ? err.message : String(err) };
  }
}

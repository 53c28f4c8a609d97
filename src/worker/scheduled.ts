/**
 * @module worker/scheduled
 * The cron handler: asks the global ScheduleBoard which retraining schedules are due at the tick's
 * scheduled time (a bounded batch, oldest due first) and runs each through retrain. Runs go one after
 * another, each reading its dataset once; one failing run is logged and never stops the others. What is
 * left over is due at the next tick, five minutes later.
 */
import { BOARD_NAME } from '../durable/schedule-board';
import { type RetrainOutcome, runScheduledRetrain } from './retrain';

/** Due schedules handled per tick. */
export const SCHEDULE_BATCH = 20;

export async function runDueSchedules(env: Env, now: number): Promise<RetrainOutcome[]> {
  const due = await env.SCHEDULES.getByName(BOARD_NAME).due(now, SCHEDULE_BATCH);
  const outcomes: RetrainOutcome[] = [];
  for (const { tenant, model } of due) {
    try {
      outcomes.push(await runScheduledRetrain(env, tenant, model, now));
    } catch (err) {
      console.error(`scheduled retraining of ${tenant}/${model} failed`, err);
      outcomes.push({ tenant, model, outcome: 'error', reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return outcomes;
}

/**
 * @module cli/schedule-report
 * What `edge-automl schedule` prints: the schedule (cadence, dataset, budget, rules, drift trigger) and,
 * with `--show`, its recent runs: each run's number (per model), due time, where it stands or how its job
 * ended (with the version it published), when it ended, and why (the champion/challenger decision of a
 * run whose job ended, else why it trained, waits or was skipped).
 */
import type { Schedule, ScheduleRun, ScheduleWithRuns } from '../client';
import { describeBudget } from './budget';
import { formatTime, renderTable } from './format';

/** The schedule, and its runs when the answer has them (GET); `now` decides whether the next run is due already. */
export function describeSchedule(s: Schedule | ScheduleWithRuns, now = Date.now()): string {
  const lines = [
    `schedule of ${s.model}: every ${s.every} on dataset ${s.dataset}, budget ${describeBudget(s.budget)}`,
    // A schedule due at once has its due time in the past until the next cron tick (every 5 minutes) runs it.
    `  next run   ${Date.parse(s.next_due_at) <= now ? `due now (since ${formatTime(s.next_due_at)} UTC): the next cron tick, within 5 minutes, runs it` : `${formatTime(s.next_due_at)} UTC`}`,
    // "margin" is also what the server answers for a forecast model, whose comparison has no noise interval.
    `  rules      at least ${s.min_new_rows} new rows; challenger must beat the champion's ${s.metric} by ${s.margin} (${s.margin_kind})${s.promotion === 'beyond_noise' ? " and beyond the holdout's noise" : '; the margin alone decides'}`,
  ];
  if (s.margin_note) lines.push(`  note       ${s.margin_note}`);
  for (const w of ('warnings' in s ? (s.warnings ?? []) : [])) lines.push(`  warning    ${w}`);
  if (s.on_drift) lines.push(`  on drift   PSI ≥ ${s.on_drift.psi} over ${s.on_drift.hours} h with at least ${s.on_drift.min_rows} rows`);
  if ('runs' in s) {
    lines.push(
      s.runs.length === 0
        ? '  no runs yet'
        : renderTable(['run', 'due', 'status', 'ended', 'job', 'reason'], s.runs.map((r) => [r.run, formatTime(r.due_at), runStatus(r), r.finished_at ? formatTime(r.finished_at) : null, r.job_id, r.outcome ?? r.reason])),
    );
  }
  return lines.join('\n');
}

/** The status, with the version a run's job published ("challenger_kept v5"). */
function runStatus(r: ScheduleRun): string {
  return r.version !== null && r.version !== undefined ? `${r.status} v${r.version}` : r.status;
}

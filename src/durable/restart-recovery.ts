/**
 * @module durable/restart-recovery
 * What a SearchCoordinator knows when it is constructed again while its job runs (the runtime crashed or
 * was restarted, or evicted the object), which the journal alone cannot tell:
 * - the steps it inherited (InheritedSteps): the trials, and the ensemble or comparison step, running when
 *   it was constructed and not heard of since. In production an object can be evicted or reset while its
 *   consumers keep running, and a live consumer heartbeats every 2 s: it is heard within seconds, so a
 *   restart alone duplicates nothing. One silent for RESTART_GRACE_MS after the construction (six missed
 *   heartbeats) most likely died with the runtime, and is sent again then, instead of holding its slot for
 *   the 90 s of silence (or the 2-minute step lease) a live object allows; were it alive after all, the
 *   first report wins (reports are idempotent) and its next heartbeat takes the trial back. Such re-sends
 *   are not the step's resends, but are counted apart: one lost in restart after restart (a runtime that
 *   keeps crashing, or a step whose work itself brings the runtime down) ends after MAX_RESTART_RESENDS
 *   (lostInRestarts), as a step out of resends does, so the job still ends.
 * - how long it was down (ActivityClock, interruptionOp): from its predecessor's last sign of life to its
 *   construction. A running job's alarm wakes the object at least every TICK_MS and consumers heartbeat,
 *   so a live object is never quiet much longer; a gap above INTERRUPTION_MIN_MS is downtime. It is
 *   journaled once (op "resumed"): during the search the deadline moves by it, so downtime is not spent
 *   budget, and the job's warnings say so (interruptionWarnings).
 */
import { GRACE_MS } from './trial-leases';
import { type JobState, type JournalOp, runningTrials, searchDeadline } from './job-journal';

/** How long a restarted coordinator waits to hear from a step it inherited before sending it again. */
export const RESTART_GRACE_MS = 12_000;
/**
 * While a job runs, its alarm wakes the coordinator at least this often: a live object is never quiet
 * longer (so a longer gap is downtime), and after a restart the alarm, already due, wakes it at once
 * (the local runtime keeps alarms across a restart, not queue messages).
 */
export const TICK_MS = 5_000;
/**
 * A step (trial, ensemble, comparison) is sent again after at most this many restarts; inherited once more
 * and not heard of, it fails instead (lostInRestarts). A restart that loses a message is rare (a deploy,
 * a crash of the local runtime), and a step running across one, two, even three of them can be bad luck
 * during a long step: three keeps the promise of restart recovery for those. A fourth loss of the same
 * step is no longer chance but a pattern (its work most likely runs the isolate out of memory and takes
 * the runtime with it, or the runtime crashes in a loop), and re-sending it again would only repeat the
 * crash, with the job never ending.
 */
export const MAX_RESTART_RESENDS = 3;
/** The error code of a trial failed for being lost in MAX_RESTART_RESENDS + 1 restarts. */
export const LOST_IN_RESTARTS = 'lost_in_restarts';
/** A gap in the coordinator's activity longer than this, seen at its construction, is downtime. */
export const INTERRUPTION_MIN_MS = 10_000;
/** The activity row is overwritten at most this often (chatty heartbeats write nothing more). */
const TOUCH_EVERY_MS = 1_000;

/** The steps (trial ids, "ensemble", "challenge") a restarted coordinator found running and has not heard of since. */
export class InheritedSteps {
  private readonly ids: Set<string>;

  /** `since`: when this object was constructed, over the replayed `state`. */
  constructor(
    readonly since: number,
    state: JobState,
  ) {
    const running = state.config && !state.finished ? runningTrials(state).map((t) => t.trial_id) : [];
    if (state.config && !state.finished && state.ensemble?.state === 'running') running.push('ensemble');
    if (state.config && !state.finished && state.challenge?.state === 'running') running.push('challenge');
    this.ids = new Set(running);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** When an inherited step not heard of is sent again (infinite: a step of this object's own). */
  resendAt(id: string): number {
    return this.ids.has(id) ? this.since + RESTART_GRACE_MS : Number.POSITIVE_INFINITY;
  }

  /** When the first inherited step not heard of is due to be sent again (infinite: none left). */
  nextResendAt(): number {
    return this.ids.size > 0 ? this.since + RESTART_GRACE_MS : Number.POSITIVE_INFINITY;
  }

  /** Its consumer showed up, or it was sent again: from now on its leases decide, as for any step. */
  settle(id: string): void {
    this.ids.delete(id);
  }
}

/**
 * Why a step inherited after `restartResends` re-sends after restarts is failed instead of sent again,
 * or null while it may be sent again (MAX_RESTART_RESENDS). `what` names the step ("the trial", ...).
 */
export function lostInRestarts(what: string, restartResends: number | undefined): string | null {
  const sent = restartResends ?? 0;
  if (sent < MAX_RESTART_RESENDS) return null;
  return `${what} was lost in ${sent + 1} runtime restarts: it was running at each, was sent again after each of the first ${sent}, and was not heard from after the last; its work may itself crash the runtime (e.g. run it out of memory)`;
}

/**
 * The coordinator's last sign of life, in one row of its SQLite storage overwritten in place (it never
 * grows, unlike the journal): read at construction to measure how long the object was down.
 */
export class ActivityClock {
  private lastWrite = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec('CREATE TABLE IF NOT EXISTS activity (id INTEGER PRIMARY KEY CHECK (id = 0), at INTEGER NOT NULL)');
  }

  /** The last activity recorded; undefined for an object made before it was recorded. */
  lastActive(): number | undefined {
    const row = this.sql.exec<{ at: number }>('SELECT at FROM activity WHERE id = 0').toArray()[0];
    return row ? Number(row.at) : undefined;
  }

  touch(now: number): void {
    if (now - this.lastWrite < TOUCH_EVERY_MS) return;
    this.lastWrite = now;
    this.sql.exec('INSERT INTO activity (id, at) VALUES (0, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at', now);
  }
}

/**
 * The op recording a restart after `lastActive` (none for a short gap, an unfinished job only). While the
 * search runs (its grace period included) the deadline moves by the whole gap, so the job resumes with the
 * budget it had left when it went down; in the final steps the budget no longer counts.
 */
export function interruptionOp(state: JobState, lastActive: number | undefined, now: number): Extract<JournalOp, { op: 'resumed' }> | null {
  if (!state.config || state.finished || lastActive === undefined) return null;
  const down = now - lastActive;
  if (down < INTERRUPTION_MIN_MS) return null;
  const searching = !state.ensemble && !state.challenge && !state.publishing && state.cancel_requested_at === undefined && lastActive < searchDeadline(state) + GRACE_MS;
  return { op: 'resumed', at: now, down_ms: down, extend_ms: searching ? down : 0 };
}

/** What the job view says of each interruption. */
export function interruptionWarnings(state: JobState): string[] {
  const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
  let extended = 0;
  return (state.interruptions ?? []).map((i) => {
    extended += i.extend_ms;
    const total = (state.config?.budget.seconds ?? 0) * 1000 + extended;
    return i.extend_ms > 0
      ? `the search was interrupted for ${seconds(i.down_ms)} (its coordinator was down); its time budget was extended by as much, to ${seconds(total)}`
      : `the job was interrupted for ${seconds(i.down_ms)} (its coordinator was down) after its search had ended`;
  });
}

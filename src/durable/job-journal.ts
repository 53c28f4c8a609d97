/**
 * @module durable/job-journal
 * A job's state as a fold over its journal of operations. The coordinator appends one op per mutation
 * to SQLite and applies it to this in-memory state; after an eviction or restart, replaying the journal
 * rebuilds exactly the same state. Pure: no storage, no clock, no I/O.
 */
import type { Params } from '../engine';
import type { SearchFamily } from '../engine/search/trial';
import type { SeriesScore } from '../engine/forecast/series-scores';
import type { ChallengeReport, EnsembleReport, JobConfig, JobStatusName, TrialReport } from './protocol';

export type JournalOp =
  | { readonly op: 'created'; readonly config: JobConfig }
  | ({ readonly op: 'trial_started'; readonly trial_id: string; readonly number: number; readonly family: SearchFamily; readonly params: Params; readonly note?: string; readonly at: number; readonly lease_until: number } & Partial<FidelityFields>)
  | { readonly op: 'lease_renewed'; readonly trial_id: string; readonly lease_until: number }
  /**
   * The message of a trial never picked up (trial_id), or of the ensemble or comparison step that never
   * reported, was sent again: a message lost with the runtime (a crash between the journal and the queue,
   * a local queue that keeps nothing across a restart) must not cost the whole lease.
   */
  | {
      readonly op: 'resent';
      readonly what: 'trial' | 'ensemble' | 'challenge';
      readonly trial_id?: string;
      readonly at: number;
      readonly lease_until: number;
      /** A claimed trial whose consumer went silent: it waits to be claimed again, as a new message does. */
      readonly silent?: true;
      /**
       * Sent again by a coordinator restarted while the step ran and never heard from since (restart-recovery):
       * not counted against the step's resends, since the runtime's restart, not the step, lost it, but
       * counted apart (restart_resends), so a step lost in restart after restart ends (MAX_RESTART_RESENDS).
       */
      readonly after_restart?: true;
    }
  /**
   * The coordinator was constructed again after being down `down_ms` (its last sign of life to this op):
   * while the search ran, the time budget's deadline moves by `extend_ms` so the downtime is not spent budget
   * (0 in the final steps, whose time the budget does not count). Journaled once per restart, so a replay
   * computes the same deadline.
   */
  | { readonly op: 'resumed'; readonly at: number; readonly down_ms: number; readonly extend_ms: number }
  | { readonly op: 'trial_finished'; readonly trial_id: string; readonly report: TrialReport; readonly at: number }
  | { readonly op: 'trial_cancelled'; readonly trial_id: string; readonly reason: string; readonly at: number }
  | { readonly op: 'cancel_requested'; readonly at: number }
  /** The search tried every configuration its families allow (engine proposeUnseen): no more trials start. */
  | { readonly op: 'search_exhausted'; readonly at: number; readonly configurations: number }
  | { readonly op: 'ensemble_started'; readonly at: number; readonly lease_until: number }
  /**
   * A consumer claimed the ensemble or comparison step: its lease runs from here, so the time its message
   * waited in the queue behind busy consumers does not count against the build (final-steps).
   */
  | { readonly op: 'step_claimed'; readonly what: 'ensemble' | 'challenge'; readonly at: number; readonly lease_until: number }
  | { readonly op: 'ensemble_finished'; readonly report: EnsembleReport; readonly at: number }
  | { readonly op: 'challenge_started'; readonly challenger: ChallengerRef; readonly at: number; readonly lease_until: number }
  | { readonly op: 'challenge_finished'; readonly report: ChallengeReport; readonly at: number }
  /** `status`: the end the publication is for (absent in journals written before it was kept). */
  | { readonly op: 'publishing'; readonly trial_id: string; readonly at: number; readonly status?: 'succeeded' | 'cancelled' }
  /** A finished trial's (or the ensemble's) artifact failed its pre-publication check: it is set aside. */
  | { readonly op: 'artifact_rejected'; readonly trial_id: string; readonly reason: string; readonly at: number }
  /**
   * A forecast job of several series: its result's per-series validation scores, read from the artifact
   * its pre-publication check parsed (engine/forecast/series-scores), worst first, the listed ones only
   * (MAX_LISTED_SERIES_SCORES) and how many there are, so the job view needs no read of object storage.
   */
  | { readonly op: 'series_scores'; readonly trial_id: string; readonly scores: readonly SeriesScore[]; readonly total: number; readonly at: number }
  | {
      readonly op: 'finished';
      readonly status: Exclude<JobStatusName, 'queued' | 'running'>;
      readonly model?: { name: string; version: number };
      /**
       * A retraining job's outcome against the champion: whether its version became the champion, and why;
       * for a forecast champion that stayed, the version its advance to the job's data became. Another job
       * has one only when its version did not become the champion (kept apart from a champion of another
       * target or task put in place while it ran: durable/publish-conflict; or, cancelled, from a champion
       * it does not beat on comparable terms), with why, or when, cancelled, it replaced a champion
       * (durable/cancelled-publication), saying which.
       */
      readonly decision?: { promoted: boolean; reason?: string; advanced_version?: number };
      readonly error?: { code: string; message: string };
      readonly at: number;
    };

/** The result a retraining job offers as challenger: a trial, or "ensemble". */
export interface ChallengerRef {
  readonly trial_id: string;
  readonly family: SearchFamily | 'ensemble';
  readonly artifact_key: string;
  /** Its out-of-fold score (metric direction), as published. */
  readonly score: number;
}

/**
 * Where a trial sits on a multi-fidelity ladder. Journaled only by multi-fidelity jobs: a trial without
 * them is a full trial at rung 0, so journals written before fidelities existed replay unchanged.
 */
export interface FidelityFields {
  readonly rung: number;
  /** Fraction of the training rows, in (0, 1]. */
  readonly fidelity: number;
  /** The trial (same configuration, lower rung) this one was promoted from. */
  readonly promoted_from: string;
  readonly bracket: number;
}

export interface TrialEntry extends Partial<FidelityFields> {
  readonly trial_id: string;
  readonly number: number;
  readonly family: SearchFamily;
  readonly params: Params;
  /** Why the configuration differs from the sampler's proposal (engine/search/trial TrialConfig.note). */
  readonly note?: string;
  state: 'running' | 'complete' | 'failed' | 'cancelled';
  started_at: number;
  lease_until: number;
  /** A consumer claimed it (it then renews its lease by heartbeat); until then its lease is the claim window. */
  claimed?: boolean;
  /** Times its message was sent again, unclaimed or after its consumer went silent. */
  resends?: number;
  /**
   * Times it was sent again by a coordinator restarted while it ran (op "resent" with after_restart),
   * counted from the journal's ops, so a replay keeps the count; absent (0) when never.
   */
  restart_resends?: number;
  /** It was claimed once, and sent again when its consumer went silent. */
  went_silent?: boolean;
  /**
   * When it was last sent again because its work was lost (its consumer went silent, or a restarted
   * coordinator never heard from it): the run that reports started then, not at `started_at`.
   */
  rerun_at?: number;
  finished_at?: number;
  report?: TrialReport;
  cancel_reason?: string;
}

export interface JobState {
  config?: JobConfig;
  trials: Map<string, TrialEntry>;
  order: TrialEntry[];
  cancel_requested_at?: number;
  publishing?: { trial_id: string; at: number; status?: 'succeeded' | 'cancelled' };
  /** `resends` and `restart_resends` as a trial's (TrialEntry). */
  ensemble?: { state: 'running' | 'complete' | 'skipped' | 'failed'; lease_until: number; resends?: number; restart_resends?: number; report?: EnsembleReport };
  challenge?: { state: 'running' | 'complete' | 'failed'; challenger: ChallengerRef; lease_until: number; resends?: number; restart_resends?: number; report?: ChallengeReport };
  finished?: Extract<JournalOp, { op: 'finished' }>;
  /** Each time the coordinator came back after being down (op "resumed"), in order. */
  interruptions?: { at: number; down_ms: number; extend_ms: number }[];
  /** When the search had tried every configuration it allows, and how many that is (op "search_exhausted"). */
  exhausted?: { at: number; configurations: number };
  /** The per-series scores of the result about to be published (op "series_scores"; the latest checked result's). */
  seriesScores?: { trial_id: string; scores: readonly SeriesScore[]; total: number };
}

export function emptyState(): JobState {
  return { trials: new Map(), order: [] };
}

/** Applies one op to the state (mutating it) and returns it. */
export function applyOp(state: JobState, op: JournalOp): JobState {
  switch (op.op) {
    case 'created':
      state.config = op.config;
      break;
    case 'trial_started': {
      const { op: _op, at, ...fields } = op;
      const entry: TrialEntry = { ...fields, state: 'running', started_at: at };
      state.trials.set(op.trial_id, entry);
      state.order.push(entry);
      break;
    }
    case 'lease_renewed': {
      const t = state.trials.get(op.trial_id);
      if (t && t.state === 'running') {
        t.lease_until = op.lease_until;
        t.claimed = true;
      }
      break;
    }
    case 'resent': {
      const trial = op.what === 'trial' ? state.trials.get(op.trial_id ?? '') : undefined;
      const step = op.what === 'trial' ? trial : op.what === 'ensemble' ? state.ensemble : state.challenge;
      if (step && step.state === 'running') {
        step.lease_until = op.lease_until;
        if (trial && (op.silent || op.after_restart)) trial.rerun_at = op.at;
        if (op.after_restart) step.restart_resends = (step.restart_resends ?? 0) + 1;
        else step.resends = (step.resends ?? 0) + 1;
      }
      if (trial && trial.state === 'running' && op.silent) {
        trial.claimed = false;
        trial.went_silent = true;
      }
      break;
    }
    case 'step_claimed': {
      const step = op.what === 'ensemble' ? state.ensemble : state.challenge;
      if (step && step.state === 'running') step.lease_until = Math.max(step.lease_until, op.lease_until);
      break;
    }
    case 'trial_finished': {
      const t = state.trials.get(op.trial_id);
      if (t && t.state === 'running') {
        t.state = op.report.status;
        t.report = op.report;
        t.finished_at = op.at;
      }
      break;
    }
    case 'trial_cancelled': {
      const t = state.trials.get(op.trial_id);
      if (t && t.state === 'running') {
        t.state = 'cancelled';
        t.cancel_reason = op.reason;
        t.finished_at = op.at;
      }
      break;
    }
    case 'cancel_requested':
      state.cancel_requested_at ??= op.at;
      break;
    case 'search_exhausted':
      state.exhausted ??= { at: op.at, configurations: op.configurations };
      break;
    case 'ensemble_started':
      state.ensemble ??= { state: 'running', lease_until: op.lease_until };
      break;
    case 'artifact_rejected':
      if (op.trial_id === 'ensemble') {
        if (state.ensemble) {
          state.ensemble.state = 'failed';
          state.ensemble.report = { status: 'failed', reason: op.reason };
        }
      } else {
        const t = state.trials.get(op.trial_id);
        if (t && t.state === 'complete') {
          t.state = 'failed';
          t.report = { status: 'failed', code: 'artifact_corrupt', reason: op.reason };
        }
      }
      break;
    case 'ensemble_finished':
      if (state.ensemble?.state === 'running') {
        state.ensemble.state = op.report.status;
        state.ensemble.report = op.report;
      }
      break;
    case 'challenge_started':
      state.challenge ??= { state: 'running', challenger: op.challenger, lease_until: op.lease_until };
      break;
    case 'challenge_finished':
      if (state.challenge?.state === 'running') {
        state.challenge.state = op.report.status;
        state.challenge.report = op.report;
      }
      break;
    case 'series_scores':
      state.seriesScores = { trial_id: op.trial_id, scores: op.scores, total: op.total };
      break;
    case 'publishing':
      state.publishing = { trial_id: op.trial_id, at: op.at, ...(op.status ? { status: op.status } : {}) };
      break;
    case 'finished':
      state.finished ??= op;
      break;
    case 'resumed':
      (state.interruptions ??= []).push({ at: op.at, down_ms: op.down_ms, extend_ms: op.extend_ms });
      break;
  }
  return state;
}

export function replay(ops: Iterable<JournalOp>): JobState {
  const state = emptyState();
  for (const op of ops) applyOp(state, op);
  return state;
}

export const runningTrials = (s: JobState): TrialEntry[] => s.order.filter((t) => t.state === 'running');

/**
 * When the time budget ends the search: `created_at + budget.seconds`, moved by the downtime of every
 * restart during the search (op "resumed"), so time the coordinator was down is not spent budget.
 */
export function searchDeadline(s: JobState): number {
  const c = s.config;
  if (!c) return Number.POSITIVE_INFINITY;
  return c.created_at + c.budget.seconds * 1000 + (s.interruptions ?? []).reduce((sum, i) => sum + i.extend_ms, 0);
}

/**
 * The milliseconds from `from` to `to` the coordinator was up: the span less its overlap with each
 * interruption (op "resumed": down from `at - down_ms` to `at`). A trial's time is measured so, since a
 * restart's downtime says nothing of how long the trial's work takes (durable/late-start).
 */
export function activeMs(s: JobState, from: number, to: number): number {
  let span = to - from;
  for (const i of s.interruptions ?? []) span -= Math.max(0, Math.min(to, i.at) - Math.max(from, i.at - i.down_ms));
  return span;
}

/**
 * The milliseconds of work a trial has taken by `to` (its report's time, or now): from its launch, or its
 * last rerun (TrialEntry.rerun_at), less any downtime (activeMs).
 */
export const trialMs = (s: JobState, t: TrialEntry, to: number): number => activeMs(s, t.rerun_at ?? t.started_at, to);

export const fidelityOf = (t: TrialEntry): number => t.fidelity ?? 1;
export const isFullFidelity = (t: TrialEntry): boolean => fidelityOf(t) === 1;

/**
 * The trial the job would publish now: the complete trial with the highest fidelity, then the lowest
 * loss (ties: the earlier trial). Normally a full-fidelity trial; a lower one only when the budget ended
 * before any full-fidelity trial completed, so the user still gets a model (trained on that fraction).
 * Under a serving cap (`max_serving_us`) only trials within it count; when none is, the fastest one is
 * the job's answer (never no model).
 */
export function publishableTrial(s: JobState): TrialEntry | undefined {
  const cap = s.config?.max_serving_us;
  let best: TrialEntry | undefined;
  let fastest: TrialEntry | undefined;
  for (const t of s.order) {
    if (t.state !== 'complete' || t.report?.status !== 'complete') continue;
    if (cap !== undefined && servingUs(t) > cap) {
      if (!fastest || servingUs(t) < servingUs(fastest)) fastest = t;
      continue;
    }
    const gain = best ? fidelityOf(t) - fidelityOf(best) : 1;
    if (gain > 0 || (gain === 0 && t.report.loss < (best!.report as { loss: number }).loss)) best = t;
  }
  return best ?? fastest;
}

/** A complete trial's estimated serving time; 0 for reports written before it was recorded. */
const servingUs = (t: TrialEntry): number => (t.report?.status === 'complete' ? (t.report.serving_us ?? 0) : 0);

/** The best full-fidelity trial (lowest loss, ties: the earlier), if any: only these count as "best". */
export function bestTrial(s: JobState): TrialEntry | undefined {
  const t = publishableTrial(s);
  return t && isFullFidelity(t) ? t : undefined;
}

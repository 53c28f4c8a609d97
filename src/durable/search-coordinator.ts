/**
 * @module durable/search-coordinator
 * One SearchCoordinator per job. Responsibilities:
 * - keep the job's state as a journal in SQLite (replayed on start, so an evicted object resumes exactly);
 * - ask: propose trial configurations (screened, so none exceeds a trial's memory limit) and send one queue
 *   message per trial (ids only);
 * - claim/tell: hand a trial's work to its consumer and record its result idempotently by trial id;
 * - leases + alarm: a trial whose message is never picked up, or whose consumer goes silent, is sent again;
 *   one that still never reports is marked failed when its lease runs out;
 * - restarts: an object constructed again while its job runs sends the steps it does not hear from within
 *   a few heartbeats again, and extends the time budget by the time it was down (restart-recovery);
 * - multi-fidelity jobs (ASHA, Hyperband): each freed slot goes to a promotion or a new configuration at
 *   the lowest fidelity, as fidelity-plan decides from the journal; only full-fidelity trials are "best";
 * - budget: trials and seconds, whichever ends first, every trial counting whatever its fidelity; then
 *   publish the best model through the Registry (and queue the build of its drift reference);
 * - retraining jobs (config.challenge): trials start from the champion's configurations (warm start) and
 *   never see the held-out rows; before publishing, one consumer invocation scores the result and the
 *   champion on those rows, and the Registry makes the result champion only if it wins by the margin
 *   (a forecast champion that stays is advanced to the job's data by that invocation, and registered so).
 * No training happens here: every method answers in milliseconds.
 *
 * The class is the RPC facade over the journal; each step lives in its own module: what a claim hands out
 * (trial-work), starting trials (trial-launch), leases and the alarm (trial-leases), the early stop of a
 * search that cannot succeed (repeated-failure), the ensemble and comparison steps (final-steps), the
 * checks of the artifact to publish (published-artifact), the publication (job-publication), and what a
 * retraining job starts from (retrain-basis).
 */
import { DurableObject } from 'cloudflare:workers';
import type { Sampler, TrialConfig } from '../engine';
import { cancelOutcome, type CancelledJobView } from './cancel-outcome';
import type { CoordinatorHost } from './coordinator-host';
import { applyOp, bestTrial, isFullFidelity, type JobState, type JournalOp, publishableTrial, replay, runningTrials, searchDeadline, type TrialEntry } from './job-journal';
import { stepClaimed } from './final-steps';
import { finishJob } from './job-publication';
import type { ChallengeReport, ChallengeWork, EnsembleReport, EnsembleWork, JobConfig, JobView, TrialMessage, TrialRecord, TrialReport, TrialWork } from './protocol';
import { jobView, positiveClassView, trialRecord } from './job-view';
import { HOPELESS_AFTER, repeatedFailure } from './repeated-failure';
import { ActivityClock, InheritedSteps, interruptionOp, TICK_MS } from './restart-recovery';
import { retrainBasis } from './retrain-basis';
import { launchTrials, screenedSampler } from './trial-launch';
import { alarmTime, CLAIM_MS, expireLeases, GRACE_MS } from './trial-leases';
import { challengeWork, ensembleWork, trialWork } from './trial-work';
import { sendSteps } from './step-messages';

export class SearchCoordinator extends DurableObject<Env> {
  private readonly state: JobState;
  /** What the step modules work on: the state, append, the bindings and the storage (coordinator-host). */
  private readonly host: CoordinatorHost;
  private finalizing = false;
  /**
   * When each running trial last showed a live consumer (its claim or a heartbeat); in memory only. A
   * trial whose message was sent again may be delivered twice: a second claim while the first consumer
   * is alive gets nothing, so the trial runs once.
   */
  private readonly lastSeen = new Map<string, number>();
  /**
   * Which queue message's invocation holds each claimed trial (the message id, kept across the queue's
   * deliveries of that message); in memory only, as lastSeen. Only the holder may take a live trial over
   * when delivered again, give it up, or keep it by heartbeats: a duplicate message whose first delivery
   * failed before its claim, redelivered, would otherwise run the trial a second time.
   */
  private readonly holders = new Map<string, string>();
  /** The coordinator's last sign of life, kept to measure how long it was down when constructed again. */
  private readonly activity: ActivityClock;
  private cachedSampler?: Sampler;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL)');
    this.state = replay(this.readJournal());
    const now = Date.now();
    this.host = { state: this.state, env, storage: ctx.storage, append: (op) => this.append(op), inherited: new InheritedSteps(now, this.state) };
    this.activity = new ActivityClock(ctx.storage.sql);
    // Constructed while the job runs: a long gap since the last activity was downtime (journaled once, so
    // the deadline it extends replays the same). The construction itself is activity: a second one does
    // not count the same gap again.
    if (this.state.config && !this.state.finished) {
      const resumed = interruptionOp(this.state, this.activity.lastActive(), now);
      if (resumed) this.append(resumed);
      this.activity.touch(now);
      // A running job always has an alarm (pump), except when its start died between journaling its first
      // trials and arming it, their messages lost too: nothing would ever wake it, and a view only reads.
      // Due at once, the alarm resends what is due and arms the next.
      void ctx.blockConcurrencyWhile(async () => {
        if ((await ctx.storage.getAlarm()) === null) await ctx.storage.setAlarm(now);
      });
    }
  }

  private *readJournal(): Generator<JournalOp> {
    for (const row of this.ctx.storage.sql.exec<{ op: string }>('SELECT op FROM journal ORDER BY seq')) yield JSON.parse(row.op) as JournalOp;
  }

  /** Appends an op durably and applies it; synchronous, so ops written without an await commit together. */
  private append(op: JournalOp): void {
    this.ctx.storage.sql.exec('INSERT INTO journal (op) VALUES (?)', JSON.stringify(op));
    applyOp(this.state, op);
  }

  /** Creates the job (idempotent: a second call with the same id returns the existing job). */
  async start(config: JobConfig): Promise<JobView> {
    if (!this.state.config) this.append({ op: 'created', config });
    await this.pump();
    return this.view() as JobView;
  }

  /** The job as the API shows it, or null when this object holds no job. */
  view(): JobView | null {
    return this.state.config ? jobView(this.state, Date.now(), (t) => this.waiting(t)) : null;
  }

  /**
   * Whether no consumer is known to be computing a running trial: its message not yet picked up (or sent
   * again), or, after a restart of this object, not heard of since (restart-recovery).
   */
  private waiting(t: TrialEntry): boolean {
    return !t.claimed || this.host.inherited.has(t.trial_id);
  }

  trials(): TrialRecord[] | null {
    return this.state.config ? this.state.order.map(trialRecord) : null;
  }

  /** The trials with the metric their scores are in, its direction and a binary job's positive class (GET /v1/jobs/{id}/trials). */
  trialList(): { metric: string; greater_is_better: boolean; positive_class?: string; trials: TrialRecord[] } | null {
    const config = this.state.config;
    return config ? { metric: config.metric, greater_is_better: config.greater_is_better, ...positiveClassView(config), trials: this.state.order.map(trialRecord) } : null;
  }

  /**
   * Called by the consumer before training: the trial's work, or null when it no longer needs running.
   * `redelivered`: the queue delivers this message again (its attempts > 1), which it does only once the
   * invocation holding it ended: the consumer last seen is gone, and the trial is handed over at once
   * rather than after 90 s of silence and the resends.
   */
  async claim(trialId: string, redelivered = false, holder?: string): Promise<TrialWork | null> {
    const config = this.state.config;
    const trial = this.state.trials.get(trialId);
    if (!config || !trial || trial.state !== 'running' || this.state.finished) return null;
    this.activity.touch(Date.now());
    // A second message of a live trial (a resend, a duplicate delivery) gets nothing: the trial runs once.
    // A message delivered again takes it over only from its own first delivery, whose invocation ended.
    if (this.heldByAnother(trialId, holder, !redelivered)) return null;
    this.lastSeen.set(trialId, Date.now());
    this.holdBy(trialId, holder);
    this.host.inherited.settle(trialId);
    this.append({ op: 'lease_renewed', trial_id: trialId, lease_until: Date.now() + config.lease_ms });
    return trialWork(config, trialId, trial);
  }

  /** Called by the consumer of the ensemble message: the candidates to blend, or null when not needed any more. */
  async claimEnsemble(): Promise<EnsembleWork | null> {
    const config = this.state.config;
    if (!config || this.state.finished || this.state.ensemble?.state !== 'running') return null;
    this.activity.touch(Date.now());
    this.host.inherited.settle('ensemble');
    stepClaimed(this.host, 'ensemble');
    return ensembleWork(config, this.state);
  }

  /**
   * Records the ensemble's outcome once, then publishes the job's result. A late report (the job cancelled
   * or ended meanwhile, the build failed for its time) answers `discard` when no ensemble was accepted:
   * the file it wrote is read by nothing, and a model deleted since has had its job folders swept already.
   * Once one was, every build wrote that same file, which stays.
   */
  async reportEnsemble(report: EnsembleReport): Promise<{ accepted: boolean; discard?: boolean }> {
    if (this.state.ensemble?.state !== 'running' || this.state.finished) return { accepted: false, ...(this.state.ensemble?.state !== 'complete' ? { discard: true } : {}) };
    this.append({ op: 'ensemble_finished', report, at: Date.now() });
    await this.pump();
    return { accepted: true };
  }

  /** Called by the consumer of the challenge message: what to compare, or null when not needed any more. */
  async claimChallenge(): Promise<ChallengeWork | null> {
    const config = this.state.config;
    const challenge = this.state.challenge;
    if (!config || !(config.holdout || config.forecast?.holdout_points) || this.state.finished || challenge?.state !== 'running') return null;
    this.activity.touch(Date.now());
    this.host.inherited.settle('challenge');
    stepClaimed(this.host, 'challenge');
    return challengeWork(config, challenge.challenger);
  }

  /** Records the comparison's outcome once, then publishes the job's result (see finalize). */
  async reportChallenge(report: ChallengeReport): Promise<{ accepted: boolean }> {
    if (this.state.challenge?.state !== 'running' || this.state.finished) return { accepted: false };
    this.append({ op: 'challenge_finished', report, at: Date.now() });
    await this.pump();
    return { accepted: true };
  }

  /**
   * What a retraining job of this job's model reuses: this job's config, and the configurations behind
   * the published result `trialId` (that trial, or for "ensemble" its members, heaviest first).
   */
  retrainBasis(trialId: string): { config: JobConfig; configs: TrialConfig[] } | null {
    return retrainBasis(this.state, trialId);
  }

  /** Called by a consumer that gives a claimed trial up to a redelivery (storage down): the next claim may take it. */
  async release(trialId: string, holder?: string): Promise<void> {
    // Another message's invocation holding the trial keeps it.
    if (holder !== undefined && this.holders.has(trialId) && this.holders.get(trialId) !== holder) return;
    this.lastSeen.delete(trialId);
    this.holders.delete(trialId);
  }

  /**
   * Whether a live consumer other than `holder` holds the trial: heard from within the claim window, and
   * (unless `anyLive`, for a first delivery, which never takes a live trial) under another message's id.
   */
  private heldByAnother(trialId: string, holder: string | undefined, anyLive: boolean): boolean {
    const seen = this.lastSeen.get(trialId);
    if (seen === undefined || Date.now() - seen >= CLAIM_MS) return false;
    return anyLive || this.holders.get(trialId) !== holder;
  }

  /** Records `holder` as the trial's (a caller that names none, from before holders, holds it unnamed). */
  private holdBy(trialId: string, holder: string | undefined): void {
    if (holder === undefined) this.holders.delete(trialId);
    else this.holders.set(trialId, holder);
  }

  /**
   * Called by a running trial between folds and epochs: renews its lease and says whether it should go
   * on. False once the trial was cancelled, expired or the job ended, so abandoned work stops early.
   */
  async heartbeat(trialId: string, holder?: string): Promise<boolean> {
    const config = this.state.config;
    const trial = this.state.trials.get(trialId);
    if (!config || !trial || trial.state !== 'running' || this.state.finished) return false;
    this.activity.touch(Date.now());
    // Gone silent, sent again and claimed by another message's invocation, which now runs it: this one
    // stops, so the trial does not run twice. A holder silent for the claim window is taken over.
    if (holder !== undefined && this.holders.has(trialId) && this.heldByAnother(trialId, holder, false)) return false;
    this.lastSeen.set(trialId, Date.now());
    if (holder !== undefined) this.holders.set(trialId, holder);
    // A consumer alive across a restart of this object: the trial is not sent again (restart-recovery).
    this.host.inherited.settle(trialId);
    const leaseUntil = Date.now() + config.lease_ms;
    // Journal a renewal only when it moves the lease noticeably, so chatty trials do not bloat the journal.
    if (leaseUntil - trial.lease_until > config.lease_ms / 10) this.append({ op: 'lease_renewed', trial_id: trialId, lease_until: leaseUntil });
    return true;
  }

  /**
   * Records a trial's result. Duplicate or late reports change nothing and answer accepted: false, with
   * `discard` when the files the consumer wrote will never be read: the trial was cancelled (with its job)
   * while it ran, and a model deleted after the cancel has had its job folders swept already. A trial
   * another delivery finished is refused without it: that one's report named the same files.
   */
  async report(trialId: string, report: TrialReport): Promise<{ accepted: boolean; discard?: boolean }> {
    const trial = this.state.trials.get(trialId);
    if (!trial || trial.state !== 'running') return { accepted: false, ...(trial?.state === 'cancelled' ? { discard: true } : {}) };
    const safe: TrialReport = report.status === 'complete' && !Number.isFinite(report.loss) ? { status: 'failed', code: 'non_finite_score', reason: 'the trial reported a non-finite score' } : report;
    this.append({ op: 'trial_finished', trial_id: trialId, report: safe, at: Date.now() });
    // A finished trial is claimed by nobody again (claim checks its state), so its liveness is not kept.
    this.lastSeen.delete(trialId);
    this.holders.delete(trialId);
    await this.pump();
    return { accepted: true };
  }

  /**
   * A trial's message dead-lettered: its deliveries all failed. One claimed by a consumer (its work
   * handed out) is failed as an invocation that kept dying. One never claimed ran nowhere: its consumers
   * could not reach this object (a reset, an overload) within the queue's few seconds of retries, so it is
   * no crash of its configuration's (ten of those would stop the search: durable/repeated-failure); it is
   * kept running, and the alarm sends it again once its claim window ends, as any unclaimed message.
   */
  async reportDeadLetter(trialId: string): Promise<{ accepted: boolean; kept?: true }> {
    const trial = this.state.trials.get(trialId);
    if (trial?.state === 'running' && !trial.claimed && !this.state.finished) return { accepted: false, kept: true };
    return this.report(trialId, { status: 'failed', code: 'invocation_died', reason: 'the trial invocation failed repeatedly (CPU or memory limit, or a crash)' });
  }

  /** Cancels the job, keeping finished trials and publishing the best model so far; says what the cancel did (cancel-outcome). */
  async cancel(): Promise<CancelledJobView | null> {
    if (!this.state.config) return null;
    const before = { ended: this.state.finished !== undefined, ensemble_running: this.state.ensemble?.state === 'running' };
    if (!before.ended) {
      const now = Date.now();
      this.append({ op: 'cancel_requested', at: now });
      for (const t of runningTrials(this.state)) this.append({ op: 'trial_cancelled', trial_id: t.trial_id, reason: 'job cancelled', at: now });
      await this.finalize('cancelled');
    }
    const view = jobView(this.state, Date.now(), (t) => this.waiting(t));
    return { ...view, cancel: cancelOutcome(this.state, view, before) };
  }

  override async alarm(): Promise<void> {
    const config = this.state.config;
    if (!config || this.state.finished) return;
    const resend = expireLeases(this.host, config, this.lastSeen, Date.now());
    await sendSteps(this.env.TRIALS, resend);
    await this.pump();
  }

  /**
   * Moves the job forward (advance), then makes sure the alarm wakes the object again within TICK_MS
   * while the job runs: a live coordinator is never quiet longer, so a longer gap seen at construction is
   * downtime, and after a restart the alarm, already due, wakes it at once (restart-recovery).
   */
  private async pump(): Promise<void> {
    await this.advance();
    if (!this.state.config || this.state.finished) return;
    const now = Date.now();
    this.activity.touch(now);
    // The end of the restart grace too, for the ensemble and comparison steps (trials' is in alarmTime).
    const wake = Math.max(now, Math.min(now + TICK_MS, this.host.inherited.nextResendAt()));
    const armed = await this.ctx.storage.getAlarm();
    // Re-checked after the await: a publication that finished meanwhile deleted the alarm for good.
    if ((armed === null || armed > wake) && !this.state.finished) await this.ctx.storage.setAlarm(wake);
  }

  /**
   * Launches trials while the budget allows, ends the job when it is spent, and arms the alarm for the
   * next lease expiry or budget deadline.
   */
  private async advance(): Promise<void> {
    const config = this.state.config;
    if (!config || this.state.finished) return;
    if (this.state.publishing || this.state.ensemble || this.state.challenge || this.state.cancel_requested_at !== undefined) {
      await this.finalize(this.state.cancel_requested_at !== undefined ? 'cancelled' : 'succeeded');
      return;
    }
    const now = Date.now();
    // Moved by the time the coordinator was down (restart-recovery), so downtime is not spent budget.
    const deadline = searchDeadline(this.state);
    const maxTrials = config.budget.trials ?? Number.POSITIVE_INFINITY;
    const outOfTime = now >= deadline;
    const hopeless = repeatedFailure(this.state);
    if (hopeless !== null) {
      for (const t of runningTrials(this.state)) this.append({ op: 'trial_cancelled', trial_id: t.trial_id, reason: `the search stopped: its first ${HOPELESS_AFTER} trials all failed with "${hopeless}"`, at: now });
      await this.finalize('succeeded');
      return;
    }
    const { messages, late } = outOfTime ? { messages: [] as TrialMessage[], late: false } : launchTrials(this.host, config, this.sampler(config), maxTrials, now, deadline);

    const running = runningTrials(this.state);
    // Out of time (or too little left for the next trial: late-start), of trials, or of configurations not yet tried (trial-launch).
    const exhausted = outOfTime || late || this.state.order.length >= maxTrials || this.state.exhausted !== undefined;
    if (exhausted && running.length === 0) {
      await this.finalize('succeeded');
      return;
    }
    // Past the grace period, stragglers are cancelled, unless nothing has finished yet: then the running
    // trials are the job's only chance of a model, and they may go on until their leases run out. Likewise
    // a running full-fidelity trial may finish when only lower-fidelity results exist.
    const canStop = bestTrial(this.state) !== undefined || (publishableTrial(this.state) !== undefined && !running.some(isFullFidelity));
    if (outOfTime && now >= deadline + GRACE_MS && canStop) {
      for (const t of running) this.append({ op: 'trial_cancelled', trial_id: t.trial_id, reason: 'time budget ended before the trial reported', at: now });
      await this.finalize('succeeded');
      return;
    }
    await sendSteps(this.env.TRIALS, messages);
    await this.armAlarm(config, deadline);
  }

  private async armAlarm(config: JobConfig, deadline: number): Promise<void> {
    const at = alarmTime(this.state, config, this.lastSeen, this.host.inherited, deadline, Date.now());
    if (Number.isFinite(at)) await this.ctx.storage.setAlarm(at);
  }

  /**
   * Publishes the best trial (if any) and records the end of the job (job-publication). Safe to call
   * more than once.
   */
  private async finalize(status: 'succeeded' | 'cancelled'): Promise<void> {
    // One at a time: the steps below await storage, and a cancel (or an alarm) arriving meanwhile must not
    // run them beside this call, which could publish the job twice. A cancel requested during them is in
    // the journal, and the next pump finishes the job with it if this call did not.
    if (this.finalizing) return;
    this.finalizing = true;
    try {
      await finishJob(this.host, status);
    } finally {
      this.finalizing = false;
    }
  }

  /** The job's sampler, its proposals screened for memory (trial-launch); made once per object. */
  private sampler(config: JobConfig): Sampler {
    this.cachedSampler ??= screenedSampler(config);
    return this.cachedSampler;
  }
}

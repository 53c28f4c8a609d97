/**
 * @module durable/search-coordinator
 * One SearchCoordinator per job. Responsibilities:
 * - keep the job's state as a journal in SQLite (replayed on start, so an evicted object resumes exactly);
 * - ask: propose trial configurations (screened, so none exceeds a trial's memory limit) and send one queue
 *   message per trial (ids only);
 * - claim/tell: hand a trial's work to its consumer and record its result idempotently by trial id;
 * - leases + alarm: a trial whose message is never picked up, or whose consumer goes silent, is sent again;
 *   one that still never reports is marked failed when its lease runs out;
 * - multi-fidelity jobs (ASHA, Hyperband): each freed slot goes to a promotion or a new configuration at
 *   the lowest fidelity, as fidelity-plan decides from the journal; only full-fidelity trials are "best";
 * - budget: trials and seconds, whichever ends first, every trial counting whatever its fidelity; then
 *   publish the best model through the Registry (and queue the build of its drift reference);
 * - retraining jobs (config.challenge): trials start from the champion's configurations (warm start) and
 *   never see the held-out rows; before publishing, one consumer invocation scores the result and the
 *   champion on those rows, and the Registry makes the result champion only if it wins by the margin
 *   (a forecast champion that stays is advanced to the job's data by that invocation, and registered so).
 * No training happens here: every method answers in milliseconds.
 */
import { DurableObject } from 'cloudflare:workers';
import { fromLoss, parseAnyEnvelope, samplerFor, seedFrom, type FrozenTrial, type Sampler, type TrialConfig, withMemoryScreen } from '../engine';
import { outputWidth } from '../engine/core/task';
import { ensembleCandidatePool, poolSizeLimit } from '../engine/ensemble/candidate-pool';
import { parseForecastEnvelope, publicationWidening, withWidenedSpread } from '../engine/forecast';
import { cancelOutcome, type CancelledJobView } from './cancel-outcome';
import { planTrial, samplerStrategyOf, schedulerOf } from './fidelity-plan';
import { forecastEstimate } from './forecast-estimate';
import { applyOp, bestTrial, type ChallengerRef, fidelityOf, isFullFidelity, type JobState, type JournalOp, publishableTrial, replay, runningTrials, type TrialEntry } from './job-journal';
import type { ChallengeReport, ChallengeWork, EnsembleReport, EnsembleWork, JobConfig, JobView, TrialMessage, TrialRecord, TrialReport, TrialWork } from './protocol';
import { jobView, positiveClassView, trialRecord } from './job-view';

/** After the time budget ends, running trials get this long to report before they are cancelled. */
const GRACE_MS = 15_000;
/** Delay before retrying a failed publication. */
const RETRY_MS = 5_000;
/** The best this many trials, plus each family's best, are offered to the ensemble (bounds its reads and its time). */
const MAX_ENSEMBLE_CANDIDATES = 20;
/** How long the ensemble build may take before the job publishes the best single trial instead. */
const ENSEMBLE_LEASE_MS = 120_000;
/** How long the champion/challenger comparison may take before it counts as failed (the champion stays). */
const CHALLENGE_LEASE_MS = 120_000;
/**
 * How long a trial's message may wait to be picked up before it is sent again (at most MAX_TRIAL_RESENDS
 * times, then the trial fails). A message can be lost with the runtime: a crash between the journal and
 * the queue, or a local queue that keeps nothing across a restart. Before this, such a trial held its
 * slot for the whole lease (5 minutes), the search stood still, and a job killed in its first seconds
 * ended failed with no model.
 */
const CLAIM_MS = 30_000;
const MAX_TRIAL_RESENDS = 2;
/**
 * A claimed trial not heard from for this long is taken for dead and sent again (within MAX_TRIAL_RESENDS)
 * instead of holding its slot until its lease ends. Its consumer heartbeats every 2 s between folds,
 * epochs and every few trees or rounds, so a minute and a half of silence means its invocation is gone
 * (the runtime crashed or was restarted). Were it only slow, its next heartbeat claims the trial back and
 * the new delivery gets nothing to run; should both run, the first report counts (reports are idempotent).
 */
const SILENCE_MS = 90_000;
/** The ensemble and comparison steps are sent once more when they outlive their lease, then fail. */
const MAX_STEP_RESENDS = 1;
/**
 * A search whose first this-many trials all failed with the same reason, none succeeding, stops: the
 * reason is the data's or the job's, not a configuration's, and every further trial would fail the same way
 * for the whole budget (one such job failed 3,455 trials in 6 s).
 */
const HOPELESS_AFTER = 10;
/** At most this many of a champion's configurations start a retraining job (an ensemble's heaviest members). */
const MAX_WARM_START = 5;

export class SearchCoordinator extends DurableObject<Env> {
  private state: JobState;
  private finalizing = false;
  /**
   * When each running trial last showed a live consumer (its claim or a heartbeat); in memory only. A
   * trial whose message was sent again may be delivered twice: a second claim while the first consumer
   * is alive gets nothing, so the trial runs once.
   */
  private readonly lastSeen = new Map<string, number>();
  private cachedSampler?: Sampler;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL)');
    this.state = replay(this.readJournal());
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
    return this.state.config ? jobView(this.state, Date.now()) : null;
  }

  trials(): TrialRecord[] | null {
    return this.state.config ? this.state.order.map(trialRecord) : null;
  }

  /** The trials with the metric their scores are in, its direction and a binary job's positive class (GET /v1/jobs/{id}/trials). */
  trialList(): { metric: string; greater_is_better: boolean; positive_class?: string; trials: TrialRecord[] } | null {
    const config = this.state.config;
    return config ? { metric: config.metric, greater_is_better: config.greater_is_better, ...positiveClassView(config), trials: this.state.order.map(trialRecord) } : null;
  }

  /** Called by the consumer before training: the trial's work, or null when it no longer needs running. */
  async claim(trialId: string): Promise<TrialWork | null> {
    const config = this.state.config;
    const trial = this.state.trials.get(trialId);
    if (!config || !trial || trial.state !== 'running' || this.state.finished) return null;
    const seen = this.lastSeen.get(trialId);
    if (seen !== undefined && Date.now() - seen < CLAIM_MS) return null;
    this.lastSeen.set(trialId, Date.now());
    this.append({ op: 'lease_renewed', trial_id: trialId, lease_until: Date.now() + config.lease_ms });
    return {
      job_id: config.id,
      tenant: config.tenant,
      trial_id: trialId,
      family: trial.family,
      params: trial.params,
      seed: seedFrom(config.seed, trialId),
      dataset_key: config.dataset.key,
      target: config.target,
      task: config.task,
      metric: config.metric,
      ...(config.positive_class !== undefined ? { positive_class: config.positive_class } : {}),
      folds: config.folds,
      columns: config.columns,
      artifact_key: `models/${config.tenant}/${config.id}/${trialId}.json`,
      oof_key: `models/${config.tenant}/${config.id}/${trialId}.oof`,
      fidelity: fidelityOf(trial),
      ...(config.holdout ? { holdout: config.holdout } : {}),
      ...(config.image ? { image: config.image } : {}),
      ...(config.forecast ? { forecast: config.forecast } : {}),
      ...(config.max_serving_us !== undefined ? { max_serving_us: config.max_serving_us } : {}),
    };
  }

  /** Called by the consumer of the ensemble message: the candidates to blend, or null when not needed any more. */
  async claimEnsemble(): Promise<EnsembleWork | null> {
    const config = this.state.config;
    if (!config || this.state.finished || this.state.ensemble?.state !== 'running') return null;
    const finished = this.state.order
      .filter((t) => isFullFidelity(t) && t.report?.status === 'complete' && t.report.oof_key !== undefined)
      .map((t) => ({ id: t.trial_id, family: t.family, loss: (t.report as { loss: number }).loss, report: t.report as Extract<TrialReport, { status: 'complete' }> }));
    const limit = poolSizeLimit(config.dataset.rows, outputWidth(config.task, config.classes.length));
    const candidates = ensembleCandidatePool(finished, MAX_ENSEMBLE_CANDIDATES, limit).map(({ id, report }) => ({ trial_id: id, oof_key: report.oof_key as string, artifact_key: report.artifact_key }));
    return {
      job_id: config.id,
      dataset_key: config.dataset.key,
      target: config.target,
      task: config.task,
      metric: config.metric,
      ...(config.positive_class !== undefined ? { positive_class: config.positive_class } : {}),
      columns: config.columns,
      candidates,
      artifact_key: `models/${config.tenant}/${config.id}/ensemble.json`,
      ...(config.holdout ? { holdout: config.holdout } : {}),
      ...(config.max_serving_us !== undefined ? { max_serving_us: config.max_serving_us } : {}),
      ...(config.forecast ? { forecast: config.forecast, origins: config.folds } : {}),
    };
  }

  /** Records the ensemble's outcome once, then publishes the job's result. */
  async reportEnsemble(report: EnsembleReport): Promise<{ accepted: boolean }> {
    if (this.state.ensemble?.state !== 'running' || this.state.finished) return { accepted: false };
    this.append({ op: 'ensemble_finished', report, at: Date.now() });
    await this.pump();
    return { accepted: true };
  }

  /** Called by the consumer of the challenge message: what to compare, or null when not needed any more. */
  async claimChallenge(): Promise<ChallengeWork | null> {
    const config = this.state.config;
    const challenge = this.state.challenge;
    if (!config || !(config.holdout || config.forecast?.holdout_points) || this.state.finished || challenge?.state !== 'running') return null;
    return {
      job_id: config.id,
      tenant: config.tenant,
      model_name: config.model_name,
      dataset_key: config.dataset.key,
      target: config.target,
      task: config.task,
      metric: config.metric,
      ...(config.positive_class !== undefined ? { positive_class: config.positive_class } : {}),
      columns: config.columns,
      ...(config.holdout ? { holdout: config.holdout } : {}),
      ...(config.forecast ? { forecast: config.forecast } : {}),
      challenger: { trial_id: challenge.challenger.trial_id, artifact_key: challenge.challenger.artifact_key },
    };
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
    const config = this.state.config;
    if (!config) return null;
    const ens = this.state.ensemble?.report;
    const ids =
      trialId === 'ensemble' && ens?.status === 'complete' ? [...ens.members].sort((a, b) => b.weight - a.weight).map((m) => m.trial_id) : [trialId];
    const seen = new Set<string>();
    const configs: TrialConfig[] = [];
    for (const id of ids) {
      const t = this.state.trials.get(id);
      if (!t) continue;
      // Two members can share a configuration (a sampler may propose one twice): try it once.
      const key = JSON.stringify([t.family, t.params]);
      if (seen.has(key)) continue;
      seen.add(key);
      configs.push({ family: t.family, params: t.params });
    }
    return { config, configs: configs.slice(0, MAX_WARM_START) };
  }

  /** Called by a consumer that gives a claimed trial up to a redelivery (storage down): the next claim may take it. */
  async release(trialId: string): Promise<void> {
    this.lastSeen.delete(trialId);
  }

  /**
   * Called by a running trial between folds and epochs: renews its lease and says whether it should go
   * on. False once the trial was cancelled, expired or the job ended, so abandoned work stops early.
   */
  async heartbeat(trialId: string): Promise<boolean> {
    const config = this.state.config;
    const trial = this.state.trials.get(trialId);
    if (!config || !trial || trial.state !== 'running' || this.state.finished) return false;
    this.lastSeen.set(trialId, Date.now());
    const leaseUntil = Date.now() + config.lease_ms;
    // Journal a renewal only when it moves the lease noticeably, so chatty trials do not bloat the journal.
    if (leaseUntil - trial.lease_until > config.lease_ms / 10) this.append({ op: 'lease_renewed', trial_id: trialId, lease_until: leaseUntil });
    return true;
  }

  /** Records a trial's result. Duplicate or late reports change nothing and answer accepted: false. */
  async report(trialId: string, report: TrialReport): Promise<{ accepted: boolean }> {
    const trial = this.state.trials.get(trialId);
    if (!trial || trial.state !== 'running') return { accepted: false };
    const safe: TrialReport = report.status === 'complete' && !Number.isFinite(report.loss) ? { status: 'failed', code: 'non_finite_score', reason: 'the trial reported a non-finite score' } : report;
    this.append({ op: 'trial_finished', trial_id: trialId, report: safe, at: Date.now() });
    // A finished trial is claimed by nobody again (claim checks its state), so its liveness is not kept.
    this.lastSeen.delete(trialId);
    await this.pump();
    return { accepted: true };
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
    const view = jobView(this.state, Date.now());
    return { ...view, cancel: cancelOutcome(this.state, view, before) };
  }

  override async alarm(): Promise<void> {
    const config = this.state.config;
    if (!config || this.state.finished) return;
    const now = Date.now();
    const resend: TrialMessage[] = [];
    for (const t of runningTrials(this.state)) {
      const expired = t.lease_until <= now;
      const silent = !expired && now >= this.silentAt(t, config);
      if (!expired && !silent) continue;
      if ((silent || !t.claimed) && (t.resends ?? 0) < MAX_TRIAL_RESENDS) {
        // The last resend waits out the whole lease: a message may only be queued behind busy consumers,
        // and a trial is never failed as unclaimed sooner than before resends existed.
        const last = (t.resends ?? 0) === MAX_TRIAL_RESENDS - 1;
        const leaseUntil = last ? Math.max(now + claimWindow(config), t.started_at + config.lease_ms) : now + claimWindow(config);
        this.append({ op: 'resent', what: 'trial', trial_id: t.trial_id, at: now, lease_until: leaseUntil, ...(silent ? { silent: true as const } : {}) });
        resend.push({ tenant: config.tenant, job_id: config.id, trial_id: t.trial_id });
        continue;
      }
      // Silent with no resend left: its lease decides.
      if (!expired) continue;
      const sent = `sent ${1 + (t.resends ?? 0)} times in ${Math.round((now - t.started_at) / 1000)} s`;
      const reason = t.claimed
        ? `no result within ${Math.round(config.lease_ms / 1000)} s; the trial's invocation probably died`
        : t.went_silent
          ? `its invocation went silent and it was not picked up again (${sent})`
          : `its message was never picked up (${sent})`;
      this.append({ op: 'trial_finished', trial_id: t.trial_id, report: { status: 'failed', code: 'lease_expired', reason }, at: now });
    }
    if (resend.length > 0) await this.env.TRIALS.sendBatch(resend.map((body) => ({ body })));
    await this.pump();
  }

  /**
   * Moves the job forward: launch trials while the budget allows, end the job when it is spent, and
   * arm the alarm for the next lease expiry or budget deadline.
   */
  private async pump(): Promise<void> {
    const config = this.state.config;
    if (!config || this.state.finished) return;
    if (this.state.publishing || this.state.ensemble || this.state.challenge || this.state.cancel_requested_at !== undefined) {
      await this.finalize(this.state.cancel_requested_at !== undefined ? 'cancelled' : 'succeeded');
      return;
    }
    const now = Date.now();
    const deadline = config.created_at + config.budget.seconds * 1000;
    const maxTrials = config.budget.trials ?? Number.POSITIVE_INFINITY;
    const outOfTime = now >= deadline;
    const messages: TrialMessage[] = [];
    const hopeless = this.repeatedFailure();
    if (hopeless !== null) {
      for (const t of runningTrials(this.state)) this.append({ op: 'trial_cancelled', trial_id: t.trial_id, reason: `the search stopped: its first ${HOPELESS_AFTER} trials all failed with "${hopeless}"`, at: now });
      await this.finalize('succeeded');
      return;
    }

    if (!outOfTime) {
      const sampler = this.sampler(config);
      const scheduler = schedulerOf(config);
      const ctx = { families: config.families, shape: this.shape(config), seed: config.seed };
      while (runningTrials(this.state).length < config.parallelism && this.state.order.length < maxTrials) {
        const number = this.state.order.length;
        const planned = scheduler ? planTrial(this.state, scheduler, sampler, ctx, number === maxTrials - 1) : { config: sampler.suggest(this.history(), ctx), fidelity: {} };
        if (!planned) break;
        const next = planned.config;
        const trialId = `t${String(number).padStart(4, '0')}`;
        // Until a consumer claims it, its lease is the claim window (then heartbeats renew the full lease).
        this.append({ op: 'trial_started', trial_id: trialId, number, family: next.family, params: next.params, ...(next.note ? { note: next.note } : {}), ...planned.fidelity, at: now, lease_until: now + claimWindow(config) });
        messages.push({ tenant: config.tenant, job_id: config.id, trial_id: trialId });
      }
    }

    const running = runningTrials(this.state);
    const exhausted = outOfTime || this.state.order.length >= maxTrials;
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
    if (messages.length > 0) await this.env.TRIALS.sendBatch(messages.map((body) => ({ body })));
    await this.armAlarm(config, deadline);
  }

  /**
   * When a claimed trial counts as silent (see SILENCE_MS): from the last sign of its consumer, the one
   * seen in memory or, after a restart, the journal's last renewal (heartbeats are journaled when they move
   * the lease by a tenth of it). Never, for a trial not claimed or out of resends.
   */
  private silentAt(t: TrialEntry, config: JobConfig): number {
    if (!t.claimed || (t.resends ?? 0) >= MAX_TRIAL_RESENDS) return Number.POSITIVE_INFINITY;
    const heard = Math.max(this.lastSeen.get(t.trial_id) ?? Number.NEGATIVE_INFINITY, t.lease_until - config.lease_ms);
    return heard + SILENCE_MS;
  }

  /** The reason every finished trial failed with, once HOPELESS_AFTER have and none succeeded; else null. */
  private repeatedFailure(): string | null {
    let reason: string | null = null;
    let failed = 0;
    for (const t of this.state.order) {
      if (t.state === 'complete') return null;
      if (t.state !== 'failed' || t.report?.status !== 'failed') continue;
      if (reason !== null && t.report.reason !== reason) return null;
      reason = t.report.reason;
      failed++;
    }
    return failed >= HOPELESS_AFTER ? reason : null;
  }

  private async armAlarm(config: JobConfig, deadline: number): Promise<void> {
    const running = runningTrials(this.state);
    const leaseEnd = running.reduce((m, t) => Math.min(m, t.lease_until, this.silentAt(t, config)), Number.POSITIVE_INFINITY);
    const now = Date.now();
    // Before the deadline wake at it; during the grace period at its end; after it only leases matter.
    const budgetEnd = now < deadline ? deadline : now < deadline + GRACE_MS ? deadline + GRACE_MS : Number.POSITIVE_INFINITY;
    const at = Math.min(leaseEnd, budgetEnd);
    if (Number.isFinite(at)) await this.ctx.storage.setAlarm(at);
  }

  /**
   * Publishes the best trial (if any) and records the end of the job. Safe to call more than once. When
   * the budget ended before any full-fidelity trial completed, the best trial of the highest fidelity
   * reached is published (its model trained on that fraction of the rows): a weaker model, never none.
   */
  private async finalize(status: 'succeeded' | 'cancelled'): Promise<void> {
    // One at a time: the steps below await storage, and a cancel (or an alarm) arriving meanwhile must not
    // run them beside this call, which could publish the job twice. A cancel requested during them is in
    // the journal, and the next pump finishes the job with it if this call did not.
    if (this.finalizing) return;
    this.finalizing = true;
    try {
      await this.finalizeSteps(status);
    } finally {
      this.finalizing = false;
    }
  }

  private async finalizeSteps(status: 'succeeded' | 'cancelled'): Promise<void> {
    const config = this.state.config;
    if (!config || this.state.finished) return;
    const best = publishableTrial(this.state);
    if (!best) {
      const failures = this.state.order.filter((t) => t.state === 'failed');
      const reason = failures[0]?.report?.status === 'failed' ? failures[0].report.reason : undefined;
      this.append({
        op: 'finished',
        status: status === 'cancelled' ? 'cancelled' : 'failed',
        ...(status === 'cancelled' && failures.length === 0
          ? {}
          : { error: { code: 'no_successful_trial', message: `no trial finished successfully (${failures.length} failed${reason ? `; first failure: ${reason}` : ''})` } }),
        at: Date.now(),
      });
      await this.notifyRegistry(config);
      return;
    }
    if (status === 'succeeded' && !this.state.publishing && !(await this.ensembleSettled(config))) return;
    const result = this.resultOf(best, status);
    // Before anything can become a model version, its artifact must at least parse: a corrupt one is set
    // aside (its trial, or the ensemble, counts as failed) and the next best is published instead.
    if (!this.state.publishing && !this.state.challenge) {
      const problem = await this.artifactProblem(result.artifact_key);
      if (problem === 'storage_unavailable') {
        await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
        return;
      }
      if (problem) {
        this.append({ op: 'artifact_rejected', trial_id: result.trial_id, reason: problem, at: Date.now() });
        return this.finalizeSteps(status);
      }
    }
    if (config.challenge && status === 'succeeded' && !this.state.publishing && !(await this.challengeSettled(config, result))) return;
    try {
      if (!this.state.publishing) this.append({ op: 'publishing', trial_id: result.trial_id, at: Date.now() });
      const registry = this.env.REGISTRY.getByName(config.tenant);
      const artifactKey = config.forecast ? await this.widenedForecastArtifact(result.artifact_key, result.score) : result.artifact_key;
      const published = await registry.publish(
        config.model_name,
        {
          job_id: config.id,
          trial_id: result.trial_id,
          family: result.family,
          artifact_key: artifactKey,
          // The registry tells forecast models apart by their task: they answer the forecast route.
          task: config.forecast ? 'forecast' : config.task,
          target: config.target,
          classes: config.classes,
          metric: config.metric,
          greater_is_better: config.greater_is_better,
          score: result.score,
          dataset: { name: config.dataset.name, version: config.dataset.version },
          ...(config.replace_model !== undefined ? { replace_model: config.replace_model } : {}),
        },
        config.challenge ? { margin: config.challenge.margin, ...(config.challenge.promotion ? { promotion: config.challenge.promotion } : {}), report: this.challengeReport(status) } : undefined,
      );
      // A retraining job's comparison decided; another job's result is not the champion when it was kept
      // apart from a champion of another target or task (durable/publish-conflict): both are said in its view.
      const decision =
        config.challenge || !published.promoted
          ? { decision: { promoted: published.promoted, ...(published.reason ? { reason: published.reason } : {}), ...(published.advanced ? { advanced_version: published.advanced.version } : {}) } }
          : {};
      this.append({ op: 'finished', status, model: { name: config.model_name, version: published.version }, ...decision, at: Date.now() });
      await this.notifyRegistry(config);
      await this.requestDriftReference(config, published.version);
      await this.ctx.storage.deleteAlarm();
    } catch (err) {
      // The registry could not be reached: keep the job in "publishing" and let the alarm try again.
      console.error('publish failed, will retry', err);
      await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
    }
  }

  /**
   * The key of the forecaster to publish: the trial's (or blend's) artifact, or, when picking it among the
   * job's trials made its validation errors optimistic (durable/forecast-estimate), a copy beside it with
   * the intervals widened by that optimism: the estimated error of the pick over the published model's own
   * rolling-origin RMSE `score`. A blend is chosen on the same origins, so it is widened up to the same
   * estimate (its own errors are lower still, so the factor is larger). The copy depends only on the
   * journal, so a retried publication writes the same file again. Storage errors propagate: the
   * publication is retried.
   */
  private async widenedForecastArtifact(key: string, score: number): Promise<string> {
    const optimism = publicationWidening(forecastEstimate(this.state)?.score, score);
    if (optimism === 1) return key;
    const text = await (await this.env.STORE.get(key))?.text();
    if (text === undefined) throw new Error(`the artifact ${key} is missing from object storage`);
    const widenedKey = key.replace(/\.json$/, '') + '.published.json';
    await this.env.STORE.put(widenedKey, JSON.stringify(withWidenedSpread(parseForecastEnvelope(text), optimism)));
    return widenedKey;
  }

  /**
   * Asks a consumer to build the published version's drift reference now, so no predict request has to
   * (forecasters have none). Best effort: if the message cannot be sent, the first drift lookup builds it.
   */
  private async requestDriftReference(config: JobConfig, version: number): Promise<void> {
    if (config.forecast) return;
    try {
      await this.env.TRIALS.send({ tenant: config.tenant, job_id: config.id, trial_id: 'drift-reference', kind: 'drift-reference', model: { name: config.model_name, version } });
    } catch (err) {
      console.error('could not request the drift reference; it will be built on first use', err);
    }
  }

  /**
   * Why an artifact cannot be published (missing, not JSON, not an artifact), undefined when it parses,
   * or 'storage_unavailable' when R2 itself failed (then nothing is concluded and the alarm retries).
   */
  private async artifactProblem(key: string): Promise<string | undefined> {
    let text: string | undefined;
    try {
      text = await (await this.env.STORE.get(key))?.text();
    } catch (err) {
      console.error(`could not read ${key} before publishing`, err);
      return 'storage_unavailable';
    }
    if (text === undefined) return `the artifact ${key} is missing from object storage`;
    try {
      const json: unknown = JSON.parse(text);
      if (this.state.config?.forecast) parseForecastEnvelope(json);
      else parseAnyEnvelope(json);
      return undefined;
    } catch (err) {
      return `the artifact ${key} is corrupt: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /**
   * Whether the end-of-search ensemble is settled (built, skipped, failed, or not worth trying). Starts it
   * on first call by sending one queue message; a build that outlives its lease counts as failed, so the
   * best single trial is published instead.
   */
  private async ensembleSettled(config: JobConfig): Promise<boolean> {
    const now = Date.now();
    const withOof = this.state.order.filter((t) => isFullFidelity(t) && t.report?.status === 'complete' && t.report.oof_key !== undefined).length;
    if (!this.state.ensemble) {
      if (withOof < 2) return true;
      this.append({ op: 'ensemble_started', at: now, lease_until: now + ENSEMBLE_LEASE_MS });
      await this.env.TRIALS.send({ tenant: config.tenant, job_id: config.id, trial_id: 'ensemble', kind: 'ensemble' });
      await this.ctx.storage.setAlarm(now + ENSEMBLE_LEASE_MS);
      return false;
    }
    if (this.state.ensemble.state !== 'running') return true;
    if (this.state.ensemble.lease_until > now) return false;
    if ((this.state.ensemble.resends ?? 0) < MAX_STEP_RESENDS) {
      this.append({ op: 'resent', what: 'ensemble', at: now, lease_until: now + ENSEMBLE_LEASE_MS });
      await this.env.TRIALS.send({ tenant: config.tenant, job_id: config.id, trial_id: 'ensemble', kind: 'ensemble' });
      await this.ctx.storage.setAlarm(now + ENSEMBLE_LEASE_MS);
      return false;
    }
    this.append({ op: 'ensemble_finished', report: { status: 'failed', reason: 'the ensemble build did not report in time' }, at: now });
    return true;
  }

  /**
   * The result the job publishes: the ensemble when it was built and beats the best trial (never for a
   * cancelled job), else the best trial. A retraining job fixes it when its comparison starts, so the
   * version published is the one that was compared.
   */
  private resultOf(best: TrialEntry, status: 'succeeded' | 'cancelled'): ChallengerRef {
    if (this.state.challenge) return this.state.challenge.challenger;
    const config = this.state.config as JobConfig;
    const ens = this.state.ensemble?.report;
    const report = best.report as Extract<TrialReport, { status: 'complete' }>;
    if (status === 'succeeded' && ens?.status === 'complete' && ens.loss < report.loss) return { trial_id: 'ensemble', family: 'ensemble', artifact_key: ens.artifact_key, score: ens.score };
    return { trial_id: best.trial_id, family: best.family, artifact_key: report.artifact_key, score: fromLoss(config.metric, report.loss) };
  }

  /**
   * Whether a retraining job's comparison with the champion is settled. Starts it on first call (one
   * queue message); a comparison that outlives its lease counts as failed, which keeps the champion.
   */
  private async challengeSettled(config: JobConfig, challenger: ChallengerRef): Promise<boolean> {
    const now = Date.now();
    if (!this.state.challenge) {
      this.append({ op: 'challenge_started', challenger, at: now, lease_until: now + CHALLENGE_LEASE_MS });
      await this.env.TRIALS.send({ tenant: config.tenant, job_id: config.id, trial_id: 'challenge', kind: 'challenge' });
      await this.ctx.storage.setAlarm(now + CHALLENGE_LEASE_MS);
      return false;
    }
    if (this.state.challenge.state !== 'running') return true;
    if (this.state.challenge.lease_until > now) return false;
    if ((this.state.challenge.resends ?? 0) < MAX_STEP_RESENDS) {
      this.append({ op: 'resent', what: 'challenge', at: now, lease_until: now + CHALLENGE_LEASE_MS });
      await this.env.TRIALS.send({ tenant: config.tenant, job_id: config.id, trial_id: 'challenge', kind: 'challenge' });
      await this.ctx.storage.setAlarm(now + CHALLENGE_LEASE_MS);
      return false;
    }
    this.append({ op: 'challenge_finished', report: { status: 'failed', reason: 'the comparison did not report in time' }, at: now });
    return true;
  }

  /** The comparison handed to the Registry; a job cancelled before it finished never compared. */
  private challengeReport(status: 'succeeded' | 'cancelled'): ChallengeReport {
    const report = this.state.challenge?.report;
    if (report) return report;
    return { status: 'failed', reason: status === 'cancelled' ? 'the job was cancelled before the comparison' : 'no comparison was made' };
  }

  private async notifyRegistry(config: JobConfig): Promise<void> {
    const f = this.state.finished;
    if (!f) return;
    try {
      await this.env.REGISTRY.getByName(config.tenant).jobFinished(config.id, f.status, f.error?.message);
    } catch (err) {
      console.error('could not record the job end in the registry', err);
    }
  }

  /**
   * The job's sampler, its proposals screened for memory: one whose trial would be refused (a CNN too wide
   * for large images) is sent narrowed to fit, never as a trial that fails on arrival and spends an
   * invocation (see engine search/samplers/memory-screen). Pure, so a replayed journal proposes the same.
   */
  private sampler(config: JobConfig): Sampler {
    this.cachedSampler ??= withMemoryScreen(samplerFor(samplerStrategyOf(config.strategy), config.warm_start ? { warmStart: config.warm_start } : {}), { folds: config.folds });
    return this.cachedSampler;
  }

  private shape(config: JobConfig) {
    const { forecast, image } = config;
    return {
      rows: config.dataset.rows,
      cols: config.dataset.cols,
      task: config.task,
      nClasses: config.classes.length,
      ...(image ? { image } : {}),
      ...(forecast ? { forecast: { length: forecast.length, season: forecast.season, groups: forecast.groups, horizon: forecast.horizon, positive: forecast.positive, ...(forecast.week ? { week: forecast.week } : {}), ...(forecast.past_covariates?.length ? { pastCovariates: true } : {}) } } : {}),
    };
  }

  private history(): FrozenTrial[] {
    return this.state.order.map((t: TrialEntry) => ({
      number: t.number,
      family: t.family,
      params: t.params,
      state: t.state,
      ...(t.report?.status === 'complete' ? { loss: t.report.loss } : {}),
    }));
  }
}

/** A trial's lease until a consumer claims it: the claim window, or the whole lease when that is shorter. */
const claimWindow = (config: JobConfig) => Math.min(config.lease_ms, CLAIM_MS);

/**
 * The reason a job's ensemble was skipped names the trial the job publishes instead. The trials are a
 * job's journal entries, their candidates the ensemble's work as the coordinator builds it
 * (durable/trial-work ensembleWork: best first), and the published trial is what the coordinator publishes
 * after a skipped ensemble (durable/job-journal publishableTrial), so the message is checked against the
 * real rule, not restated. The case of audit s25 finding 4: the best trial over the ensemble's own cap,
 * published alone, while the blend could only beat a cheaper one.
 */
import { describe, expect, it } from 'vitest';
import { type JobState, publishableTrial, type TrialEntry } from '../../src/durable/job-journal';
import type { JobConfig, TrialReport } from '../../src/durable/protocol';
import { ensembleWork } from '../../src/durable/trial-work';
import { skipReason } from '../../src/worker/queue/ensemble-task';
import { detachedJobConfig } from '../fixtures/job-config';

/** A finished job's state: complete full-fidelity trials with their loss and estimated serving time. */
function jobOf(trials: readonly { family: string; loss: number; us: number }[], maxServingUs?: number): { config: JobConfig; state: JobState } {
  const config = detachedJobConfig('job', {
    dataset: { name: 'd', version: 1, key: 'datasets/d/1', rows: 300, cols: 5 },
    target: 'label',
    classes: ['no', 'yes'],
    ...(maxServingUs !== undefined ? { max_serving_us: maxServingUs } : {}),
  });
  const order = trials.map((t, i): TrialEntry => {
    const id = `t${String(i).padStart(4, '0')}`;
    const report = { status: 'complete', score: 1 - t.loss, loss: t.loss, serving_us: t.us, oof_key: `oof/${id}`, artifact_key: `models/${id}.json` } as unknown as TrialReport;
    return { trial_id: id, number: i, family: t.family as TrialEntry['family'], params: {}, state: 'complete', started_at: 0, lease_until: 0, report };
  });
  return { config, state: { config, trials: new Map(order.map((t) => [t.trial_id, t])), order } };
}

/** The reason for a skipped blend of this job, whose best single trial within the cap is `bestWithinCap`. */
function reasonOf(job: { config: JobConfig; state: JobState }, bestWithinCap: string): string {
  const work = ensembleWork(job.config, job.state);
  const cost = (id: string) => ((job.state.trials.get(id)!.report as { serving_us: number }).serving_us);
  return skipReason(work.candidates.map((c) => ({ id: c.trial_id, cost: cost(c.trial_id) })), work.max_serving_us, bestWithinCap);
}

describe('a skipped ensemble names the published trial', () => {
  it('the best trial over the ensemble cap (no job cap) is published alone, and the blend lost to the best within the cap', () => {
    const job = jobOf([
      { family: 'random_forest', loss: 0.151, us: 180 },
      { family: 'gbdt', loss: 0.043, us: 1272.4 },
      { family: 'linear', loss: 0.2, us: 2 },
    ]);
    const published = publishableTrial(job.state)!.trial_id;
    expect(published).toBe('t0001');
    const reason = reasonOf(job, 't0000');
    expect(reason).toBe(
      "no blend within the ensemble's serving cap of 400 µs per row beat the best trial within it (t0000) out of fold, so the job's best trial, t0001 (1272 µs per row, over the cap), is published alone",
    );
    expect(reason).toContain(`${published} (1272 µs per row, over the cap), is published alone`);
    // No parenthesis spliced onto another, as the audit found.
    expect(reason).not.toMatch(/\) \(/);
  });

  it('names the other trials over the cap apart from the published one', () => {
    const job = jobOf([
      { family: 'gbdt', loss: 0.04, us: 900 },
      { family: 'random_forest', loss: 0.05, us: 700 },
      { family: 'linear', loss: 0.2, us: 2 },
    ]);
    expect(publishableTrial(job.state)!.trial_id).toBe('t0000');
    expect(reasonOf(job, 't0002')).toBe(
      "no blend within the ensemble's serving cap of 400 µs per row beat the best trial within it (t0002) out of fold, so the job's best trial, t0000 (900 µs per row, over the cap), is published alone; one more trial over the cap left out of the blend: t0001 700 µs",
    );
  });

  it('the best trial within the ensemble cap is published when only worse trials are over it', () => {
    const job = jobOf([
      { family: 'linear', loss: 0.1, us: 2 },
      { family: 'random_forest', loss: 0.3, us: 581.4 },
    ]);
    expect(publishableTrial(job.state)!.trial_id).toBe('t0000');
    expect(reasonOf(job, 't0000')).toBe(
      "no blend within the ensemble's serving cap of 400 µs per row beat the best trial within it (t0000) out of fold, so t0000 is published alone; one trial over the cap left out of the blend: t0001 581 µs",
    );
  });

  it("under the job's cap, the best trial within it is published, never one over it", () => {
    const job = jobOf(
      [
        { family: 'gbdt', loss: 0.04, us: 12 },
        { family: 'random_forest', loss: 0.05, us: 30 },
        { family: 'linear', loss: 0.1, us: 4 },
      ],
      10,
    );
    const published = publishableTrial(job.state)!.trial_id;
    expect(published).toBe('t0002');
    expect(reasonOf(job, 't0002')).toBe(
      "no blend within the job's serving cap of 10 µs per row beat the best trial within it (t0002) out of fold, so t0002 is published alone; 2 trials over the cap left out of the blend: t0000 12 µs, t0001 30 µs",
    );
  });

  it('with every trial within the cap, names the best single trial as before', () => {
    const job = jobOf([
      { family: 'linear', loss: 0.2, us: 2 },
      { family: 'gbdt', loss: 0.1, us: 40 },
    ]);
    expect(publishableTrial(job.state)!.trial_id).toBe('t0001');
    expect(reasonOf(job, 't0001')).toBe('no blend beat the best single trial (t0001) out of fold');
  });
});

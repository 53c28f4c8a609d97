/**
 * When a search stops for failures alone (durable/repeated-failure): its first HOPELESS_AFTER trials all
 * failed with one reason and none succeeded. Trials that failed because object storage was down say
 * nothing of the search and are not counted: an outage at a job's start must not end it.
 */
import { describe, expect, it } from 'vitest';
import { applyOp, emptyState, type JournalOp } from '../../src/durable/job-journal';
import { HOPELESS_AFTER, repeatedFailure } from '../../src/durable/repeated-failure';

/** A journal of `failures` trials, each failed with its code and reason. */
function failedTrials(failures: readonly { code: string; reason: string }[]) {
  const s = emptyState();
  failures.forEach((f, i) => {
    const ops: JournalOp[] = [
      { op: 'trial_started', trial_id: `t${i}`, number: i, family: 'gbdt', params: { i }, at: i, lease_until: 1e9 },
      { op: 'trial_finished', trial_id: `t${i}`, report: { status: 'failed', code: f.code, reason: f.reason }, at: i + 0.5 },
    ];
    for (const op of ops) applyOp(s, op);
  });
  return s;
}

describe('a search whose trials all fail', () => {
  const boom = { code: 'trial_error', reason: 'out of memory at fold 1' };
  const storage = { code: 'storage_unavailable', reason: 'object storage could not be reached on 3 deliveries of the trial; its configuration was not at fault' };

  it('stops after its first trials all fail with one reason', () => {
    expect(repeatedFailure(failedTrials(new Array(HOPELESS_AFTER).fill(boom)))).toBe(boom.reason);
    expect(repeatedFailure(failedTrials(new Array(HOPELESS_AFTER - 1).fill(boom)))).toBeNull();
  });

  it('does not count trials failed for storage that was down, nor stop for them', () => {
    expect(repeatedFailure(failedTrials(new Array(HOPELESS_AFTER).fill(storage)))).toBeNull();
    // Storage failures among the same configuration failures neither count nor break the run of one reason.
    expect(repeatedFailure(failedTrials([...new Array(HOPELESS_AFTER - 1).fill(boom), storage]))).toBeNull();
    expect(repeatedFailure(failedTrials([storage, ...new Array(HOPELESS_AFTER).fill(boom)]))).toBe(boom.reason);
  });
});

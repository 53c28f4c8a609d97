/**
 * What `edge-automl status` says of a job that did not succeed, in plain Node with a recording fetch in
 * place of the server: a cancelled job (whose view carries no error of its own) is named cancelled once,
 * not "cancelled: cancelled: the job was cancelled"; a failed job keeps its error's code and message.
 * Both exit 1, after the report.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jobView, jsonAnswer, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

describe('status of a job that ended without succeeding', () => {
  it('names a cancelled job cancelled once, after its report, and exits 1', async () => {
    const ran = await run(['status', 'j-ended'], jsonAnswer(jobView('cancelled')));
    expect(ran.code).toBe(1);
    expect(ran.stdout).toContain('job j-ended: cancelled');
    expect(ran.stderr).toBe('error: job j-ended cancelled\n');
    expect(ran.stderr.match(/cancelled/g)).toHaveLength(1);
  });

  it("keeps a failed job's own error code and message", async () => {
    const error = { code: 'no_successful_trial', message: 'no trial finished successfully (2 failed)' };
    const ran = await run(['status', 'j-ended'], jsonAnswer(jobView('failed', { error })));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe('error: job j-ended failed: no_successful_trial: no trial finished successfully (2 failed)\n');
  });

  it('--json keeps the error body a script reads', async () => {
    const ran = await run(['status', 'j-ended', '--json'], jsonAnswer(jobView('cancelled')));
    expect(ran.code).toBe(1);
    expect(JSON.parse(ran.stderr).error).toEqual({ code: 'cancelled', message: 'the job was cancelled', details: { job: 'j-ended', status: 'cancelled' } });
  });
});

/**
 * Ctrl-C while `train` or `status --watch` follows a job, in plain Node with a recording fetch in place
 * of the server: the CLI stops following, not the job. It says the job runs on and how to follow or
 * cancel it (the job id too with --json, where nothing had named it), exits 130, and leaves no signal
 * handler behind. An audit saw Ctrl-C leave the cursor hidden and the job unmentioned.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HINT_CLI, jobView, jsonAnswer, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

const running = jobView('running', { id: 'j-run', progress: { trials_done: 1, trials_running: 1, trials_failed: 0, elapsed_ms: 2_000, budget: { seconds: 60 } }, finished_at: undefined });

/** Sends SIGINT to this process's listeners once the CLI is waiting between polls. */
const interruptSoon = () => setTimeout(() => process.emit('SIGINT'), 300);

describe('Ctrl-C while following a job', () => {
  it('says the job keeps running, with the commands to follow or cancel it, and exits 130', async () => {
    const before = process.listenerCount('SIGINT');
    interruptSoon();
    const ran = await run(['status', 'j-run', '--watch'], jsonAnswer(running), jsonAnswer(running), jsonAnswer(running));
    expect(ran.code, ran.stderr).toBe(130);
    expect(ran.stderr).toContain('stopped following job j-run (SIGINT); the job keeps running on the server');
    expect(ran.stderr).toContain(`hint: follow it with \`${HINT_CLI} status j-run --watch\`, or cancel it with \`${HINT_CLI} cancel j-run\``);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('names the job a --json train started, on stderr, as a script reads errors', async () => {
    interruptSoon();
    const ran = await run(['--json', 'train', '-d', 'credit', '-t', 'class'], jsonAnswer({ ...running, status: 'queued' }, 202), jsonAnswer(running), jsonAnswer(running), jsonAnswer(running));
    expect(ran.code).toBe(130);
    expect(ran.stdout).toBe('');
    expect(JSON.parse(ran.stderr)).toMatchObject({ error: { code: 'interrupted', details: { job: 'j-run', signal: 'SIGINT' } }, hint: expect.stringContaining('cancel j-run') });
  });
});

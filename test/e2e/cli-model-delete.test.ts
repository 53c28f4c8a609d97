/**
 * `edge-automl model NAME --delete` in plain Node, with a recording fetch in place of the server: the
 * request it sends, what it prints (human and --json), a refusal (409 model_in_use) as exit code 1 with
 * the server's code and jobs and a `hint:` naming `cancel JOB` for each, and the help text. The command
 * against a real server is in cli.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HINT_CLI, refusal, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

const noContent = () => new Response(null, { status: 204 });

describe('model NAME --delete', () => {
  it('sends DELETE /v1/models/NAME and says so', async () => {
    const ran = await run(['model', 'credit-risk', '--delete'], noContent());
    expect(ran).toMatchObject({ code: 0, stdout: 'model credit-risk deleted\n', stderr: '' });
    expect(ran.requests).toEqual([{ method: 'DELETE', url: 'http://127.0.0.1:8787/v1/models/credit-risk' }]);
  });

  it('prints JSON with --json', async () => {
    const ran = await run(['--json', 'model', 'credit-risk', '--delete'], noContent());
    expect(JSON.parse(ran.stdout)).toEqual({ deleted: true, model: 'credit-risk' });
  });

  it('a model in use exits 1 with the server code, and a hint to cancel each job', async () => {
    const message = 'model "m" is still being trained by job j1, which would publish to it; cancel it (DELETE /v1/jobs/j1) or wait for it to end, then delete the model';
    const ran = await run(['model', 'm', '--delete'], refusal(409, 'model_in_use', message, { model: 'm', jobs: ['j1'] }));
    expect(ran.code).toBe(1);
    // The HTTP route of the server's advice gives way to the command.
    expect(ran.stderr).toBe(
      'error: model_in_use (HTTP 409): model "m" is still being trained by job j1, which would publish to it [model: m, jobs: j1]\n' +
        `hint: cancel it with \`${HINT_CLI} cancel j1\` (or wait for it to end), then \`${HINT_CLI} model m --delete\` again\n`,
    );
  });

  it('names every job to cancel, and keeps the hint with --json', async () => {
    const message = 'model "m" is still being trained by jobs j1, j2, which would publish to it; cancel them (DELETE /v1/jobs/{id} for each) or wait for them to end, then delete the model';
    const ran = await run(['--json', 'model', 'm', '--delete'], refusal(409, 'model_in_use', message, { model: 'm', jobs: ['j1', 'j2'] }));
    expect(ran.code).toBe(1);
    expect(JSON.parse(ran.stderr)).toMatchObject({
      status: 409,
      error: { code: 'model_in_use', details: { jobs: ['j1', 'j2'] } },
      hint: `cancel them with \`${HINT_CLI} --json cancel j1\`, \`${HINT_CLI} --json cancel j2\` (or wait for them to end), then \`${HINT_CLI} --json model m --delete\` again`,
    });
  });

  it('a scheduled run starting its job (no jobs yet): try again after the wait the server gives', async () => {
    const message = 'a scheduled retraining run of model "m" is starting its job right now; retry in a few seconds (then cancel the job it started, if any)';
    const ran = await run(['model', 'm', '--delete'], refusal(409, 'model_in_use', message, { model: 'm', jobs: [], scheduled_run: 3, retry_after_seconds: 5 }));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`error: model_in_use (HTTP 409): ${message}`);
    expect(ran.stderr).toContain(`hint: run \`${HINT_CLI} model m --delete\` again in 5 s; if it then names the job the run started, \`${HINT_CLI} cancel JOB\` it first\n`);
  });

  it('documents --delete in the help', async () => {
    const ran = await run(['model', '--help']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/--delete\s+delete the model/);
  });
});

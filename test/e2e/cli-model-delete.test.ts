/**
 * `edge-automl model NAME --delete` in plain Node, with a recording fetch in place of the server: the
 * request it sends, what it prints (human and --json), a refusal (409 model_in_use) as exit code 1 with
 * the server's code and jobs, and the help text. The command against a real server is in cli.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  requests: { method: string; url: string }[];
}

/** Runs the CLI against answers given in order, capturing what it writes. */
async function run(args: string[], ...answers: Response[]): Promise<Ran> {
  const requests: Ran['requests'] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    requests.push({ method: init.method ?? 'GET', url: String(url) });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${init.method} ${url}`);
    return next;
  });
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const code = await main(['--url', 'http://127.0.0.1:8787', '--key', 'k', ...args]);
  vi.restoreAllMocks();
  return { code, stdout, stderr, requests };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

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

  it('a model in use exits 1 with the server code, naming the job to cancel', async () => {
    const body = { error: { code: 'model_in_use', message: 'model "m" is still being trained by job j1, which would publish to it; cancel it (DELETE /v1/jobs/j1) or wait for it to end, then delete the model', details: { model: 'm', jobs: ['j1'] } } };
    const ran = await run(['model', 'm', '--delete'], new Response(JSON.stringify(body), { status: 409, headers: { 'content-type': 'application/json' } }));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('error: model_in_use (HTTP 409)');
    expect(ran.stderr).toContain('DELETE /v1/jobs/j1');
    expect(ran.stderr).toContain('jobs: j1');
  });

  it('documents --delete in the help', async () => {
    const ran = await run(['model', '--help']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/--delete\s+delete the model/);
  });
});

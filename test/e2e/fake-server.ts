/**
 * Running the CLI in plain Node with a recording fetch in place of the server (no wrangler dev): the
 * answers are given in order, every request is recorded (method, URL and the body as sent), and what the
 * CLI writes to stdout and stderr is captured with its exit code. Call `restoreFakes` after each test.
 */
import { vi } from 'vitest';
import { main } from '../../src/cli/main';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  requests: { method: string; url: string; body?: string }[];
}

/**
 * How the CLI's hints start in these runs: its command (not run from the npm script or bin/edge-automl.mjs)
 * with the run's global options, the inline key named by its variable.
 */
export const HINT_CLI = 'edge-automl --url http://127.0.0.1:8787 --key "$EDGE_AUTOML_KEY"';

/** Runs the CLI (against http://127.0.0.1:8787 with key "k") with `answers` as the server's, in order. */
export async function runCli(args: string[], ...answers: Response[]): Promise<Ran> {
  const requests: Ran['requests'] = [];
  // The caller's shell decides nothing: a hint names a key by EDGE_AUTOML_KEY only when that holds no other key.
  vi.stubEnv('EDGE_AUTOML_KEY', undefined);
  vi.stubEnv('EDGE_AUTOML_URL', undefined);
  vi.stubEnv('npm_lifecycle_event', undefined);
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    requests.push({ method: init.method ?? 'GET', url: String(url), ...(typeof init.body === 'string' ? { body: init.body } : {}) });
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

export function restoreFakes(): void {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
}

/** A JSON answer, as the API sends it. */
export const jsonAnswer = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** An API refusal: `{"error": {code, message, details}}`. */
export const refusal = (status: number, code: string, message: string, details: Record<string, unknown> = {}) => jsonAnswer({ error: { code, message, details } }, status);

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
  requests: { method: string; url: string; body?: string; contentType?: string }[];
}

/**
 * How the CLI's hints start in these runs: its command (not run from the npm script or bin/edge-automl.mjs)
 * with the run's global options, the inline key named by its variable.
 */
export const HINT_CLI = 'edge-automl --url http://127.0.0.1:8787 --key "$EDGE_AUTOML_KEY"';

/** A job view as the server answers it (a gbdt job on credit, two trials done), with `status` and `over` in place. */
export const jobView = (status: string, over: Record<string, unknown> = {}) => ({
  id: 'j-ended',
  status,
  dataset: { name: 'credit', version: 1 },
  target: 'class',
  task: 'binary',
  metric: 'roc_auc',
  greater_is_better: true,
  strategy: 'auto',
  models: ['gbdt'],
  seed: 42,
  progress: { trials_done: 2, trials_running: 0, trials_failed: 0, elapsed_ms: 4_000, budget: { seconds: 60 } },
  best: null,
  leaderboard: [],
  best_over_time: [],
  created_at: '2026-11-30T16:00:00.000Z',
  finished_at: '2026-11-30T16:00:04.000Z',
  ...over,
});

/** Runs the CLI (against http://127.0.0.1:8787 with key "k") with `answers` as the server's, in order. */
export async function runCli(args: string[], ...answers: Response[]): Promise<Ran> {
  const requests: Ran['requests'] = [];
  // The caller's shell decides nothing: a hint names a key by EDGE_AUTOML_KEY only when that holds no other key.
  vi.stubEnv('EDGE_AUTOML_KEY', undefined);
  vi.stubEnv('EDGE_AUTOML_URL', undefined);
  vi.stubEnv('npm_lifecycle_event', undefined);
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const contentType = new Headers(init.headers).get('content-type') ?? undefined;
    requests.push({ method: init.method ?? 'GET', url: String(url), ...(typeof init.body === 'string' ? { body: init.body } : {}), ...(contentType ? { contentType } : {}) });
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

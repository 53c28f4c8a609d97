/**
 * Starts `wrangler dev` (workerd with local R2, SQLite Durable Objects, Queues and cron) for scripts:
 * wrangler's own files stay inside the checkout, metrics are off, and the server is stopped with the script.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { warnIfQueueUnpatched } from './queue-patch';

export interface DevServer {
  readonly url: string;
  readonly adminKey: string;
  stop(): Promise<void>;
}

export interface DevOptions {
  port?: number;
  inspectorPort?: number;
  /** Folder for local state (R2 objects, Durable Object SQLite); a fresh one keeps runs independent. */
  persistTo?: string;
  adminKey?: string;
  /** Print wrangler's own output (otherwise only shown when start-up fails). */
  verbose?: boolean;
  vars?: Record<string, string>;
}

const ROOT = resolve(import.meta.dirname, '../..');

/** Environment that keeps wrangler's config, logs and telemetry choices inside the project. */
export function wranglerEnv(): NodeJS.ProcessEnv {
  const home = resolve(ROOT, '.wrangler-home');
  mkdirSync(home, { recursive: true });
  return { ...process.env, XDG_CONFIG_HOME: home, WRANGLER_LOG_PATH: resolve(home, 'logs'), WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
}

export async function startDevServer(options: DevOptions = {}): Promise<DevServer> {
  warnIfQueueUnpatched();
  const port = options.port ?? 8787;
  // A server already on the port would answer the health check before ours binds, and the script would
  // then upload and train on it (an audit's demo wrote into a running `npm run dev`'s default tenant).
  await requireFreePort(port);
  const adminKey = options.adminKey ?? 'local-dev-key';
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(options.inspectorPort ?? port + 1442), '--test-scheduled', '--show-interactive-dev-session=false'];
  if (options.persistTo) args.push('--persist-to', options.persistTo);
  for (const [k, v] of Object.entries({ ADMIN_API_KEY: adminKey, ...(options.vars ?? {}) })) args.push('--var', `${k}:${v}`);
  const child = spawn(resolve(ROOT, 'node_modules/.bin/wrangler'), args, { cwd: ROOT, env: wranglerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (options.verbose) process.stderr.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, 60_000);
  } catch (err) {
    child.kill('SIGTERM');
    throw new Error(`wrangler dev did not start: ${(err as Error).message}\n--- wrangler output ---\n${output.slice(-4000)}`);
  }
  return { url, adminKey, stop: () => stop(child) };
}

/** Refuses, naming the port, when something already listens on it. */
function requireFreePort(port: number): Promise<void> {
  return new Promise((resolveFree, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use (another server, perhaps an \`npm run dev\`, listens there): stop it, or pick another port (the demo takes DEMO_PORT)`)
          : err,
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolveFree()));
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`wrangler exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer from ${url}/health within ${timeoutMs / 1000} s`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

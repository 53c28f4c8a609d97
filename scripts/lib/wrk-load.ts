/**
 * The same closed-loop load as load-generator.ts, driven by `wrk` (the C load generator from Debian,
 * /usr/bin/wrk) so the client takes a small share of a small machine's CPU: a Lua script cycles through
 * prebuilt POST requests (one per API key, so the per-key rate limit stays on and is spread), counts
 * answers by status and prints a JSON summary wrk's own way (its `done` hook). Loopback only, bounded by
 * duration and timeout; the result has the same shape as runLoad's, so tables do not care which ran.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadRequest } from './load-generator';

export const WRK = '/usr/bin/wrk';

export interface WrkOptions {
  readonly baseUrl: string;
  readonly concurrency: number;
  readonly durationMs: number;
  readonly timeoutMs: number;
  /** The requests to cycle through (POST), e.g. one per key. */
  readonly requests: readonly LoadRequest[];
  /** wrk threads; 1 keeps the client to one core. */
  readonly threads?: number;
}

export interface WrkResult {
  readonly requests: number;
  readonly elapsedMs: number;
  /** Answers by HTTP status; socket errors under "error", timeouts under "timeout". */
  readonly byStatus: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export function wrkAvailable(): boolean {
  return spawnSync(WRK, ['--version']).error === undefined;
}

const luaString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`;

/** The Lua script: prebuilt requests, per-thread status counts, a JSON line at the end. */
function script(requests: readonly LoadRequest[]): string {
  const items = requests.map((r) => `wrk.format("POST", ${luaString(r.path)}, {${Object.entries({ 'content-type': 'application/json', ...r.headers })
    .map(([k, v]) => `[${luaString(k)}] = ${luaString(v)}`)
    .join(', ')}}, ${luaString(r.body)})`);
  return `
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  reqs = { ${items.join(',\n  ')} }
  cursor = id * 7919
  counts = {}
end
function request()
  cursor = cursor + 1
  return reqs[(cursor % #reqs) + 1]
end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
function done(summary, latency, requests)
  local statuses = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("counts")) do statuses[#statuses + 1] = string.format('"%d": %d', status, n) end
  end
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, "statuses": [{%s}]}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.timeout, table.concat(statuses, "}, {")))
end
`;
}

export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const target = new URL(options.baseUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new Error(`wrk only targets loopback, not ${target.hostname}`);
  const dir = mkdtempSync(join(tmpdir(), 'edge-automl-wrk-'));
  const lua = join(dir, 'load.lua');
  writeFileSync(lua, script(options.requests));
  const threads = Math.min(options.threads ?? 1, options.concurrency);
  const args = ['-t', String(threads), '-c', String(options.concurrency), '-d', `${Math.max(1, Math.round(options.durationMs / 1000))}s`, '--timeout', `${Math.ceil(options.timeoutMs / 1000)}s`, '-s', lua, options.baseUrl];
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.stderr.on('data', (c: Buffer) => (text += c.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text.slice(-2000)}`))));
    });
    const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
    if (!line) throw new Error(`wrk printed no summary:\n${out.slice(-2000)}`);
    const raw = JSON.parse(line.slice('WRK_JSON '.length)) as {
      requests: number;
      duration_us: number;
      p50_us: number;
      p99_us: number;
      connect: number;
      read: number;
      write: number;
      timeout: number;
      statuses: Record<string, number>[];
    };
    const byStatus: Record<string, number> = {};
    for (const part of raw.statuses) for (const [s, n] of Object.entries(part)) byStatus[s] = (byStatus[s] ?? 0) + n;
    const socketErrors = raw.connect + raw.read + raw.write;
    if (socketErrors) byStatus.error = socketErrors;
    if (raw.timeout) byStatus.timeout = raw.timeout;
    return { requests: raw.requests, elapsedMs: raw.duration_us / 1000, byStatus, p50Ms: raw.p50_us / 1000, p99Ms: raw.p99_us / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

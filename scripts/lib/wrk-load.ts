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
  /** Pins wrk to these CPUs (a taskset list such as "0"), e.g. to keep it off the server's core. */
  readonly cpus?: string;
}

export interface WrkResult {
  readonly requests: number;
  readonly elapsedMs: number;
  /** Answers by HTTP status; socket errors under "error", timeouts under "timeout". */
  readonly byStatus: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p90Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  /**
   * Percentiles of what each request actually took (timed in the script, 10 µs buckets up to 10 ms, then
   * 1 ms), NaN unless every wrk thread drives exactly one connection. The p50Ms..p999Ms above are wrk's
   * own, which wrk corrects for coordinated omission (stats_correct: a request slower than the mean
   * interval adds phantom samples for the requests that "should" have been sent meanwhile), so at low
   * concurrency a single 30 ms stall turns into dozens of samples up to 30 ms and dominates their p99.
   */
  readonly rawP50Ms: number;
  readonly rawP99Ms: number;
  readonly rawP999Ms: number;
}

export function wrkAvailable(): boolean {
  return spawnSync(WRK, ['--version']).error === undefined;
}

const luaString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`;

/**
 * The Lua script: prebuilt requests, per-thread status counts, a JSON line at the end. With `timed` (one
 * connection per thread, so a response always answers the thread's last request), each request is also
 * timed with the monotonic clock through LuaJIT's FFI into a per-thread histogram (bucket b < 1000:
 * b * 10 µs; b >= 1000: (b - 1000) ms), merged in done().
 */
function script(requests: readonly LoadRequest[], timed: boolean): string {
  const items = requests.map((r) => `wrk.format("POST", ${luaString(r.path)}, {${Object.entries({ 'content-type': 'application/json', ...r.headers })
    .map(([k, v]) => `[${luaString(k)}] = ${luaString(v)}`)
    .join(', ')}}, ${luaString(r.body)})`);
  return `
local timed = ${timed}
local clock = nil
if timed then
  local ok, ffi = pcall(require, "ffi")
  if ok then
    ffi.cdef[[
      typedef struct { long tv_sec; long tv_nsec; } wrk_timespec;
      int clock_gettime(int clk, wrk_timespec *tp);
    ]]
    local ts = ffi.new("wrk_timespec")
    clock = function() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000 end
  end
end
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  reqs = { ${items.join(',\n  ')} }
  cursor = id * 7919
  counts = {}
  hist = {}
end
function request()
  cursor = cursor + 1
  if clock then started = clock() end
  return reqs[(cursor % #reqs) + 1]
end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if clock and started then
    local us = clock() - started
    local b = us < 10000 and math.floor(us / 10) or 1000 + math.floor(us / 1000)
    hist[b] = (hist[b] or 0) + 1
    started = nil
  end
end
local function rawPercentiles(ps)
  local merged, n, keys = {}, 0, {}
  for _, t in ipairs(threads) do
    for b, c in pairs(t:get("hist") or {}) do merged[b] = (merged[b] or 0) + c; n = n + c end
  end
  for b in pairs(merged) do keys[#keys + 1] = b end
  table.sort(keys)
  local out = {}
  for i, p in ipairs(ps) do
    out[i] = -1
    local acc = 0
    for _, b in ipairs(keys) do
      acc = acc + merged[b]
      if acc >= n * p / 100 then out[i] = b < 1000 and (b + 0.5) * 10 or (b - 1000 + 0.5) * 1000; break end
    end
  end
  if n == 0 then return -1, -1, -1 end
  return out[1], out[2], out[3]
end
function done(summary, latency, requests)
  local statuses = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("counts")) do statuses[#statuses + 1] = string.format('"%d": %d', status, n) end
  end
  local e = summary.errors
  local r50, r99, r999 = rawPercentiles({50, 99, 99.9})
  io.write(string.format('WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "p999_us": %d, "max_us": %d, "raw_p50_us": %d, "raw_p99_us": %d, "raw_p999_us": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, "statuses": [{%s}]}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, r50, r99, r999, e.connect, e.read, e.write, e.timeout, table.concat(statuses, "}, {")))
end
`;
}

/** The script prints -1 where it could not time requests. */
const rawMs = (us: number) => (us < 0 ? Number.NaN : us / 1000);

export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const target = new URL(options.baseUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new Error(`wrk only targets loopback, not ${target.hostname}`);
  const dir = mkdtempSync(join(tmpdir(), 'edge-automl-wrk-'));
  const lua = join(dir, 'load.lua');
  const threads = Math.min(options.threads ?? 1, options.concurrency);
  writeFileSync(lua, script(options.requests, threads === options.concurrency));
  const args = ['-t', String(threads), '-c', String(options.concurrency), '-d', `${Math.max(1, Math.round(options.durationMs / 1000))}s`, '--timeout', `${Math.ceil(options.timeoutMs / 1000)}s`, '-s', lua, options.baseUrl];
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = options.cpus ? spawn('taskset', ['-c', options.cpus, WRK, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
      p90_us: number;
      p99_us: number;
      p999_us: number;
      max_us: number;
      raw_p50_us: number;
      raw_p99_us: number;
      raw_p999_us: number;
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
    return { requests: raw.requests, elapsedMs: raw.duration_us / 1000, byStatus, p50Ms: raw.p50_us / 1000, p99Ms: raw.p99_us / 1000, p90Ms: raw.p90_us / 1000, p999Ms: raw.p999_us / 1000, maxMs: raw.max_us / 1000, rawP50Ms: rawMs(raw.raw_p50_us), rawP99Ms: rawMs(raw.raw_p99_us), rawP999Ms: rawMs(raw.raw_p999_us) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

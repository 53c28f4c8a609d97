/**
 * bench:serve --floor: where does the single-row latency tail come from? One Miniflare process runs our
 * Worker (the probe bundle, whose non-probe paths are the real Worker's fetch) and, in its own isolate, a
 * trivial Worker (hello-worker.ts). At concurrency 1, routes take turns in interleaved rounds:
 *   trivial Worker      its own small isolate: the runtime's floor on this machine
 *   our isolate, raw    /probe/raw: our isolate (our heap), no router, no work
 *   our empty route     Hono's JSON 404
 *   predict 1 row       the full route
 * all driven by wrk, which reports two p99s: its own, corrected for coordinated omission (wrk's
 * stats_correct: each request slower than the mean interval adds phantom samples, as if requests had kept
 * arriving on time, so at concurrency 1 one 30 ms stall adds ~50 samples between 0 and 30 ms), and the raw
 * one (what each request took, timed in wrk's script); and in two placements: free (the OS places wrk and
 * workerd) and pinned (wrk on CPU 0, workerd, every thread, on CPU 1).
 * Then each isolate's heap and, under its own route's load, its garbage-collection stretches (inspector).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { FLOOR_PATH, FLOOR_WORKER_NAME, WORKER_NAME } from './miniflare-server';
import { type GcStretches, gcStretches, type IsolateHeap, isolateHeaps } from './isolate-inspector';
import type { LoadRequest } from './load-generator';
import type { DevServer } from './wrangler-dev';
import { runWrk } from './wrk-load';

export interface FloorRow {
  readonly placement: 'free' | 'pinned';
  readonly route: string;
  readonly requests: number;
  readonly requests_per_s: number;
  /** What requests took (raw). */
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly p999_ms: number;
  /** wrk's p99, corrected for coordinated omission. */
  readonly p99_corrected_ms: number;
  /** Worst raw p99 over the rounds, beside the median: a tail that comes and goes shows here. */
  readonly p99_max_ms: number;
  /** The slowest single request of all rounds (never corrected). */
  readonly max_ms: number;
  readonly errors: number;
}

export interface FloorResult {
  readonly rows: FloorRow[];
  readonly heaps: IsolateHeap[];
  readonly gc: (GcStretches & { readonly route: string })[];
}

/** The trivial Worker as an ES module (TypeScript stripped; it imports nothing, so no bundling). */
export function floorScript(): string {
  const source = readFileSync(new URL('./hello-worker.ts', import.meta.url), 'utf8');
  return ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
}

/** The workerd process under this Node process (Miniflare spawns it), for taskset. */
function workerdPid(): number {
  const children = (pid: number): number[] => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const queue = children(process.pid);
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'workerd') return pid;
    queue.push(...children(pid));
  }
  throw new Error('no workerd process under this one');
}

/** Sets the CPUs of every thread of a process. */
const pinProcess = (pid: number, cpus: string) => execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });

export interface FloorOptions {
  readonly server: DevServer;
  readonly inspectorPort: number;
  /** Predict requests, one per key (the model is trained already). */
  readonly predict: readonly LoadRequest[];
  readonly seconds: number;
  readonly rounds: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One round of one route: the row's figures before they are summarised over rounds, and its status counts. */
type Sample = Pick<FloorRow, 'requests' | 'requests_per_s' | 'p50_ms' | 'p99_ms' | 'p999_ms' | 'p99_corrected_ms' | 'max_ms'> & { readonly statuses: Record<string, number> };

export async function floorPhase(options: FloorOptions): Promise<FloorResult> {
  const empty = (path: string): LoadRequest[] => [{ path, headers: {}, body: '' }];
  const routes = [
    { label: 'trivial Worker (own isolate)', requests: empty(`${FLOOR_PATH}hello`), expected: '2', isolate: FLOOR_WORKER_NAME },
    { label: 'our isolate, raw (/probe/raw)', requests: empty('/probe/raw'), expected: '2', isolate: WORKER_NAME },
    { label: 'our empty route (Hono 404)', requests: empty('/no-such-route'), expected: '404', isolate: WORKER_NAME },
    { label: 'predict 1 row', requests: [...options.predict], expected: '2', isolate: WORKER_NAME },
  ];
  const all = `0-${readdirSync('/sys/devices/system/cpu').filter((d) => /^cpu\d+$/.test(d)).length - 1}`;
  const placements = [
    { name: 'free' as const, clientCpus: undefined, workerdCpus: all },
    { name: 'pinned' as const, clientCpus: '0', workerdCpus: '1' },
  ];
  const pid = workerdPid();
  const sliceMs = Math.max(1_000, Math.round((options.seconds * 1000) / options.rounds));
  const run = async (requests: LoadRequest[], cpus: string | undefined, ms: number): Promise<Sample> => {
    const r = await runWrk({ baseUrl: options.server.url, concurrency: 1, durationMs: ms, timeoutMs: 10_000, requests, ...(cpus ? { cpus } : {}) });
    return { requests: r.requests, requests_per_s: r.requests / (r.elapsedMs / 1000), p50_ms: r.rawP50Ms, p99_ms: r.rawP99Ms, p999_ms: r.rawP999Ms, p99_corrected_ms: r.p99Ms, max_ms: r.maxMs, statuses: { ...r.byStatus } };
  };
  await run(routes[3].requests, undefined, 2_000); // warm-up: model loaded, keys cached
  const samples = new Map<string, Sample[]>();
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const placement of placements) {
        pinProcess(pid, placement.workerdCpus);
        for (const route of routes) {
          const key = `${placement.name}|${route.label}`;
          samples.set(key, [...(samples.get(key) ?? []), await run(route.requests, placement.clientCpus, sliceMs)]);
        }
      }
    }
  } finally {
    pinProcess(pid, all);
  }
  const rows: FloorRow[] = [];
  for (const placement of placements) {
    for (const route of routes) {
      const got = samples.get(`${placement.name}|${route.label}`) ?? [];
      const errors = got.reduce((n, r) => n + Object.entries(r.statuses).reduce((m, [s, c]) => (s.startsWith(route.expected) ? m : m + c), 0), 0);
      const mid = (pick: (r: Sample) => number) => median(got.map(pick));
      rows.push({
        placement: placement.name,
        route: route.label,
        requests: got.reduce((n, r) => n + r.requests, 0),
        requests_per_s: mid((r) => r.requests_per_s),
        p50_ms: mid((r) => r.p50_ms),
        p99_ms: mid((r) => r.p99_ms),
        p999_ms: mid((r) => r.p999_ms),
        p99_corrected_ms: mid((r) => r.p99_corrected_ms),
        p99_max_ms: Math.max(...got.map((r) => r.p99_ms)),
        max_ms: Math.max(...got.map((r) => r.max_ms)),
        errors,
      });
    }
  }
  const heaps = await isolateHeaps(options.inspectorPort, [WORKER_NAME, FLOOR_WORKER_NAME]);
  // Profiling slows the isolate a little; it only counts pauses here, the latencies above ran without it.
  const gc: FloorResult['gc'] = [];
  for (const route of routes) {
    const stretches = await gcStretches(options.inspectorPort, route.isolate, () => run(route.requests, undefined, Math.max(3_000, sliceMs)));
    gc.push({ ...stretches, route: route.label });
  }
  return { rows, heaps, gc };
}

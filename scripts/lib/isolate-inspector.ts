/**
 * Looks inside workerd isolates through workerd's inspector (the Chrome DevTools protocol that Miniflare
 * opens with `inspectorPort`; Miniflare names user isolates core:user:<name>): their V8 heap size, and
 * how long they spend collecting garbage while some load runs (a sampling CPU profile, whose
 * "(garbage collector)" samples are grouped into consecutive stretches: one stretch is about one pause).
 * workerd answers only once the session has sent `Runtime.enable`, and never answers
 * `HeapProfiler.collectGarbage`, so "used" includes garbage not yet collected.
 */
import { WebSocket } from 'undici';

export interface IsolateHeap {
  readonly worker: string;
  readonly used_mib: number;
  readonly total_mib: number;
}

export interface GcStretches {
  readonly worker: string;
  readonly profiled_ms: number;
  readonly gc_ms: number;
  readonly stretches: number;
  /** The longest stretches, ms, longest first. */
  readonly longest_ms: readonly number[];
}

const MIB = 1024 * 1024;

/** One DevTools session on one isolate: call(method, params) resolves with the result. */
async function session(inspectorPort: number, worker: string) {
  const url = `ws://127.0.0.1:${inspectorPort}/core:user:${worker}`;
  const socket = new WebSocket(url);
  const waiting = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = message.id === undefined ? undefined : waiting.get(message.id);
    if (!waiter || message.id === undefined) return; // an event, not an answer
    waiting.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error(`inspector connection to ${url} failed`)));
  });
  const call = <T>(method: string, params: object = {}, timeoutMs = 30_000) =>
    new Promise<T>((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => reject(new Error(`${method}: no answer from ${url}`)), timeoutMs);
      waiting.set(id, { resolve: (r) => (clearTimeout(timer), resolve(r as T)), reject: (e) => (clearTimeout(timer), reject(e)) });
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call('Runtime.enable');
  return { call, close: () => socket.close() };
}

/** Heap of each named Worker. */
export async function isolateHeaps(inspectorPort: number, workers: readonly string[]): Promise<IsolateHeap[]> {
  const out: IsolateHeap[] = [];
  for (const worker of workers) {
    const s = await session(inspectorPort, worker);
    try {
      const usage = await s.call<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage');
      out.push({ worker, used_mib: usage.usedSize / MIB, total_mib: usage.totalSize / MIB });
    } finally {
      s.close();
    }
  }
  return out;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Garbage-collection stretches of one isolate while `load` runs (sampling every `intervalUs`). */
export async function gcStretches(inspectorPort: number, worker: string, load: () => Promise<unknown>, intervalUs = 500): Promise<GcStretches> {
  const s = await session(inspectorPort, worker);
  try {
    await s.call('Profiler.enable');
    await s.call('Profiler.setSamplingInterval', { interval: intervalUs });
    await s.call('Profiler.start');
    await load();
    const { profile } = await s.call<{ profile: CpuProfile }>('Profiler.stop');
    const gcNodes = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(garbage collector)').map((n) => n.id));
    const stretches: number[] = [];
    let run = 0;
    // timeDeltas[i] is the time since the previous sample, so sample i lasted until sample i + 1.
    for (let i = 0; i < profile.samples.length; i++) {
      const lasted = profile.timeDeltas[i + 1] ?? 0;
      if (gcNodes.has(profile.samples[i])) run += lasted;
      else if (run > 0) {
        stretches.push(run / 1000);
        run = 0;
      }
    }
    if (run > 0) stretches.push(run / 1000);
    stretches.sort((a, b) => b - a);
    return {
      worker,
      profiled_ms: profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000,
      gc_ms: stretches.reduce((a, b) => a + b, 0),
      stretches: stretches.length,
      longest_ms: stretches.slice(0, 5),
    };
  } finally {
    s.close();
  }
}

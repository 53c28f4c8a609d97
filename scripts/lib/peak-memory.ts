/**
 * Peak-memory sampling for scripts/bench-memory.ts. Three figures, each a high-water mark above a post-GC
 * baseline:
 *  - held: what the trial holds outside V8's young generation, the figure run-trial's estimate and the
 *    64 MiB trial limit are about: old and large-object spaces (heapUsed minus the new space) plus
 *    typed-array backing stores (arrayBuffers, which V8 keeps outside heapUsed) plus the tfjs wasm heap
 *    (one WebAssembly.Memory that only grows, counted in neither). The young generation is left out as the
 *    limit leaves it out (trial-memory: the other half of the isolate is for the runtime, the wasm heap's
 *    fixed part and the young generation): it holds up to a semi-space of short-lived garbage whatever
 *    runs, 16 MiB in Node, which is the heap's business rather than the trial's;
 *  - all: the same with the young generation (heapUsed + arrayBuffers + wasm), for reference;
 *  - rss: process RSS, sampled every millisecond by a worker thread; it also counts pages V8 and malloc
 *    keep after frees, so it runs higher.
 * Where the in-isolate figures are sampled: on a 1 ms timer and wherever the caller calls sample() (every
 * yieldControl: between folds and epochs), and, because tree fits are synchronous and never let the timer
 * fire, right after every typed array or ArrayBuffer of 64 KiB or more is constructed (hookAllocations: the
 * global constructors are wrapped in proxies for the measurement). Memory only rises at allocations, and
 * large arrays are what a trial's memory is made of, so sampling there finds the peak inside a fit too.
 * Garbage not yet collected counts, as it would against a 128 MB isolate until V8 collects it; a forced GC
 * before the baseline makes the starting point comparable between runs. Run one measurement per process
 * so an earlier fit's pages do not hide in the baseline.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { collectGarbage } from './model-bench-measure';

/** Bytes of the tfjs wasm heap, or 0 before the backend exists. */
export type WasmHeapBytes = () => number;

export function jsBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Bytes in V8's new space (the young generation's live and not-yet-scavenged objects). */
function youngBytes(): number {
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'new_space') return s.space_used_size;
  return 0;
}

// Plain JavaScript run by the sampling thread: it keeps the highest RSS and reports it when asked.
const RSS_THREAD = `
const { parentPort } = require('node:worker_threads');
let peak = process.memoryUsage.rss();
const timer = setInterval(() => { const v = process.memoryUsage.rss(); if (v > peak) peak = v; }, 1);
parentPort.on('message', () => { clearInterval(timer); parentPort.postMessage(Math.max(peak, process.memoryUsage.rss())); });
`;

/** Allocations at least this large trigger a sample. */
const HOOK_MIN_BYTES = 64 * 1024;
const HOOKED = ['ArrayBuffer', 'Float64Array', 'Float32Array', 'Int32Array', 'Uint32Array', 'Int16Array', 'Uint16Array', 'Int8Array', 'Uint8Array'] as const;

/** The in-isolate figures at one moment: held (young generation left out) and all. */
interface Reading {
  held: number;
  all: number;
}

export interface PeakReport {
  /** Old + large-object spaces + array buffers + wasm heap (the figure the trial limit is about). */
  readonly held: number;
  /** heapUsed + array buffers + wasm heap (young generation included). */
  readonly all: number;
  readonly rss: number;
  /** The phase (see PeakMemory.mark) in which the held peak was reached. */
  readonly heldPhase: string;
}

export class PeakMemory {
  private baseline: Reading = { held: 0, all: 0 };
  private rssBaseline = 0;
  private peak: Reading = { held: 0, all: 0 };
  private timer: ReturnType<typeof setInterval> | null = null;
  private rssThread: Worker | null = null;
  private readonly originals = new Map<string, unknown>();

  constructor(private readonly wasmBytes: WasmHeapBytes = () => 0) {}

  private now(): Reading {
    const m = process.memoryUsage();
    const wasm = this.wasmBytes();
    const all = m.heapUsed + m.arrayBuffers + wasm;
    return { held: all - youngBytes(), all };
  }

  /** The phase the caller last named (see mark), and the phase the held peak was reached in. */
  private phase = 'start';
  private peakPhase = 'start';

  /** Names the phase that follows (e.g. 'fold 1', 'refit'), so the report says where the held peak was. */
  mark(phase: string): void {
    this.sample();
    this.phase = phase;
  }

  /** Records the current in-isolate usage if it is a new high. */
  sample(): void {
    const v = this.now();
    if (v.held > this.peak.held) {
      this.peak.held = v.held;
      this.peakPhase = this.phase;
    }
    if (v.all > this.peak.all) this.peak.all = v.all;
  }

  /** Starts the 1 ms timer (it fires only when the fit lets the event loop turn), the allocation hooks and the RSS thread. */
  async start(): Promise<this> {
    // Collect, let V8 sweep the freed array buffers (it may release their stores a moment later), collect
    // again: a baseline still holding dead buffers would hide that much of the trial's peak.
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 50));
    collectGarbage();
    this.baseline = this.now();
    this.peak = { ...this.baseline };
    this.timer = setInterval(() => this.sample(), 1);
    this.hookAllocations();
    this.rssThread = new Worker(RSS_THREAD, { eval: true });
    await new Promise<void>((resolve) => this.rssThread!.once('online', () => resolve()));
    // The thread's own isolate is not the trial's: the RSS baseline starts once it runs.
    this.rssBaseline = process.memoryUsage.rss();
    return this;
  }

  /**
   * Wraps the global typed-array and ArrayBuffer constructors so that constructing a large one samples
   * right after it exists (code reads these globals at each `new`, so the engine's allocations go through
   * the proxies). `instanceof` and the static methods still work: the proxy forwards everything else.
   */
  private hookAllocations(): void {
    const globals = globalThis as unknown as Record<string, unknown>;
    for (const name of HOOKED) {
      const original = globals[name] as new (...args: unknown[]) => { byteLength: number };
      this.originals.set(name, original);
      globals[name] = new Proxy(original, {
        construct: (target, args, newTarget) => {
          const made = Reflect.construct(target, args, newTarget === globals[name] ? target : newTarget) as { byteLength: number };
          if (made.byteLength >= HOOK_MIN_BYTES) this.sample();
          return made;
        },
      });
    }
  }

  private unhookAllocations(): void {
    const globals = globalThis as unknown as Record<string, unknown>;
    for (const [name, original] of this.originals) globals[name] = original;
    this.originals.clear();
  }

  /** Stops sampling; returns the peaks in bytes above their baselines. */
  async stop(): Promise<PeakReport> {
    this.sample();
    this.unhookAllocations();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    let rssPeak = this.rssBaseline;
    const thread = this.rssThread;
    if (thread) {
      rssPeak = await new Promise<number>((resolve) => {
        thread.once('message', (v: number) => resolve(v));
        thread.postMessage('stop');
      });
      await thread.terminate();
    }
    return { held: this.peak.held - this.baseline.held, all: this.peak.all - this.baseline.all, rss: rssPeak - this.rssBaseline, heldPhase: this.peakPhase };
  }
}

/**
 * Peak-memory sampling for scripts/bench-memory.ts, two ways:
 *  - in-isolate: heapUsed + arrayBuffers (V8 counts typed-array backing stores outside heapUsed) + the
 *    tfjs wasm heap (one WebAssembly.Memory that only grows, counted in neither), sampled on a 1 ms timer
 *    and wherever the caller calls sample() (at every yieldControl: between folds and epochs);
 *  - process RSS, sampled every millisecond by a worker thread. Tree fits are synchronous and never
 *    yield, so neither the timer nor the yields see inside them; a second thread does. Large typed arrays
 *    are separate mappings released on free, so RSS follows them; run one measurement per process so an
 *    earlier fit's pages do not hide in the baseline.
 * Garbage not yet collected counts, as it would against a 128 MB isolate until V8 collects it; a forced GC
 * before the baseline makes the starting point comparable between runs.
 */
import { Worker } from 'node:worker_threads';
import { collectGarbage } from './model-bench-measure';

/** Bytes of the tfjs wasm heap, or 0 before the backend exists. */
export type WasmHeapBytes = () => number;

export function jsBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

// Plain JavaScript run by the sampling thread: it keeps the highest RSS and reports it when asked.
const RSS_THREAD = `
const { parentPort } = require('node:worker_threads');
let peak = process.memoryUsage.rss();
const timer = setInterval(() => { const v = process.memoryUsage.rss(); if (v > peak) peak = v; }, 1);
parentPort.on('message', () => { clearInterval(timer); parentPort.postMessage(Math.max(peak, process.memoryUsage.rss())); });
`;

export class PeakMemory {
  private readonly baseline: number;
  private rssBaseline: number;
  private peak: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private rssThread: Worker | null = null;

  constructor(private readonly wasmBytes: WasmHeapBytes = () => 0) {
    collectGarbage();
    this.baseline = this.now();
    this.rssBaseline = process.memoryUsage.rss();
    this.peak = this.baseline;
  }

  private now(): number {
    return jsBytes() + this.wasmBytes();
  }

  /** Records the current in-isolate usage if it is a new high. */
  sample(): void {
    const v = this.now();
    if (v > this.peak) this.peak = v;
  }

  /** Starts the 1 ms timer (it fires only when the fit lets the event loop turn) and the RSS thread. */
  async start(): Promise<this> {
    this.timer = setInterval(() => this.sample(), 1);
    this.rssThread = new Worker(RSS_THREAD, { eval: true });
    await new Promise<void>((resolve) => this.rssThread!.once('online', () => resolve()));
    // The thread's own isolate is not the trial's: the RSS baseline starts once it runs.
    this.rssBaseline = process.memoryUsage.rss();
    return this;
  }

  /** Stops sampling; returns both peaks in bytes above their baselines. */
  async stop(): Promise<{ isolate: number; rss: number }> {
    this.sample();
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
    return { isolate: this.peak - this.baseline, rss: rssPeak - this.rssBaseline };
  }
}

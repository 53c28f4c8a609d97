/**
 * Measurement helpers for scripts/bench-models.ts: a forced GC (so memory baselines are comparable), a
 * memory high-water sampler, wall timers and medians.
 *
 * Memory is heapUsed + arrayBuffers: the engine keeps its data in typed arrays, whose backing stores V8
 * counts outside heapUsed, so heapUsed alone would miss most of a tree model. tfjs wasm memory is one
 * ArrayBuffer that only grows, so an MLP fit shows its growth, not its working set.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

// Exposing gc at run time keeps `tsx scripts/bench-models.ts` a plain command (no node flags to forward).
setFlagsFromString('--expose-gc');
const gcFn = runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gcFn();
  gcFn();
}

export function memoryBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * High-water of memoryBytes() over the points where sample() is called, relative to a post-GC baseline.
 * Fits that never yield are sampled only after they return (before any forced GC), so the figure lies
 * between the memory the fit retains and its true peak (V8 may collect mid-fit garbage unseen).
 */
export class MemorySampler {
  private readonly baseline: number;
  private peak: number;

  constructor() {
    collectGarbage();
    this.baseline = memoryBytes();
    this.peak = this.baseline;
  }

  sample(): void {
    const now = memoryBytes();
    if (now > this.peak) this.peak = now;
  }

  peakMb(): number {
    return (this.peak - this.baseline) / 2 ** 20;
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nanosecond wall clock as microseconds: performance.now() is too coarse for one-row predicts. */
export function nowUs(): number {
  return Number(process.hrtime.bigint()) / 1000;
}

/** Short human formats for the printed tables (the JSON keeps full precision). */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
  return v.toFixed(a >= 100 ? 1 : digits);
}

/**
 * @module worker/drift-sampler
 * Drift sampling from the predict route, off its hot path. recordForDrift is the one call predict makes,
 * after its answer is computed; it never throws and never makes the answer wait:
 * - sampling: at most `maxRowsPerRequest` rows of a request, spread evenly over it, and a per-isolate
 *   token bucket per model version (`rowsPerSecond`, bursts of `burstRows`), so heavy traffic costs a
 *   bounded, small amount of work;
 * - queueing: the request itself only appends those row references to a short per-version queue, so
 *   the answer pays for a handful of pointer copies, nothing more;
 * - counting and flushing: the first request after `flushIntervalMs` since the last flush starts a short
 *   `waitUntil` task (one per model version at a time) that loads the version's drift reference when
 *   needed, bins the queued rows into a fixed-size sketch and adds it to the model's DriftMonitor
 *   Durable Object. No task sleeps or outlives its I/O. A failed flush keeps its counts for the next one.
 *   Rows queued after the last flush wait for the next request; if the isolate is evicted first they
 *   are lost: drift is a statistical view, and a few seconds of samples do not change it.
 * Any failure is logged and dropped: drift monitoring must never affect a prediction.
 */
import { DriftSketch } from '../engine';
import { driftMonitorName } from '../durable/drift-monitor';
import type { ModelVersionInfo } from '../durable/registry';
import { loadDriftReference, UNAVAILABLE_RECHECK_MS } from './drift-reference';

export interface DriftSamplingOptions {
  /** Most rows sampled from one predict request. */
  readonly maxRowsPerRequest: number;
  /** Sustained rows sampled per second, per model version and isolate. */
  readonly rowsPerSecond: number;
  /** Largest burst of sampled rows (the token bucket's size). */
  readonly burstRows: number;
  /** Most sampled rows queued between two flushes (the default covers a burst plus an interval at full rate). */
  readonly maxPendingRows: number;
  /**
   * Most cells (rows times their width) queued for one model version, and for all of this isolate's
   * versions together. A row of a wide model is an object of one property per column, which V8 keeps
   * in dictionary form: a 64x64 RGB image's 12,288 pixel columns take about 0.8 MB, so 512 queued image
   * rows would be 400 MB in a 128-MB isolate. A table of a few dozen columns still queues maxPendingRows.
   */
  readonly maxPendingCells: number;
  readonly maxPendingCellsTotal: number;
  /** Least time between two flushes of one model version from one isolate. */
  readonly flushIntervalMs: number;
  /** Wait after a failed reference load before this isolate tries again. */
  readonly retryAfterMs: number;
}

export const DRIFT_SAMPLING_DEFAULTS: Readonly<DriftSamplingOptions> = Object.freeze({
  maxRowsPerRequest: 16,
  rowsPerSecond: 20,
  burstRows: 200,
  maxPendingRows: 512,
  maxPendingCells: 131_072,
  maxPendingCellsTotal: 262_144,
  flushIntervalMs: 10_000,
  retryAfterMs: 30_000,
});

let options: DriftSamplingOptions = DRIFT_SAMPLING_DEFAULTS;

/** Changes this isolate's sampling options (tests: sample every row, flush at once); returns the previous ones. */
export function configureDriftSampling(changes: Partial<DriftSamplingOptions>): DriftSamplingOptions {
  const previous = options;
  options = Object.freeze({ ...options, ...changes });
  return previous;
}

/** What recordForDrift needs of a request's Hono context. */
export interface DriftContext {
  readonly env: Env;
  readonly executionCtx: { waitUntil(promise: Promise<unknown>): void };
}

/** One model version's sampling state in this isolate. */
interface Monitor {
  readonly tenant: string;
  readonly model: string;
  readonly version: ModelVersionInfo;
  /**
   * Set once the reference is loaded; null while the version has none and no data to build one (its
   * dataset is gone): asked again from `retryAt` on, as the queue consumer may yet store it.
   */
  sketch: DriftSketch | null | undefined;
  /** Sampled rows not binned yet (references to the request's parsed rows). */
  pending: unknown[];
  /** The cells of `pending`: its rows times the width each was sampled with. */
  pendingCells: number;
  tokens: number;
  refilledAt: number;
  /**
   * Until when a load or flush task is considered under way (one waitUntil task per version at a time).
   * A deadline rather than a flag: a task the runtime cancels (waitUntil is cut off after 30 s) never
   * reaches its `finally`, and must not stop this version's sampling for good.
   */
  busyUntil: number;
  lastFlushAt: number;
  retryAt: number;
}

const MAX_MONITORS = 64;
/** Longer than any waitUntil task may live (30 s after the response). */
const BUSY_DEADLINE_MS = 60_000;
const monitors = new Map<string, Monitor>();
/** The cells queued by all monitors of this isolate (Monitor.pendingCells summed). */
let pendingCellsTotal = 0;

/**
 * A request's rows as drift sampling reads them: how many, and row i (built on demand, so a CSV batch
 * kept as columns only turns the few sampled rows into row objects).
 */
export interface SampledRows {
  readonly length: number;
  /** The columns of a row (the model's inputs): what queueing one costs, in cells. */
  readonly width: number;
  at(i: number): unknown;
}

/** An array of row objects of `width` columns as SampledRows. */
export const rowArray = (rows: readonly unknown[], width: number): SampledRows => ({ length: rows.length, width, at: (i) => rows[i] });

/**
 * Samples predict rows of one model version for drift monitoring. Synchronous and cheap (it queues at
 * most maxRowsPerRequest row references); binning and I/O run in `waitUntil`. Never throws.
 */
export function recordForDrift(c: DriftContext, tenant: string, model: string, version: ModelVersionInfo, rows: SampledRows): void {
  try {
    const now = Date.now();
    const m = monitorFor(tenant, model, version, now);
    if (m.sketch === null) {
      if (now < m.retryAt) return;
      m.sketch = undefined;
    }
    const width = Math.max(1, rows.width);
    for (const row of pickRows(m, rows, now)) {
      if (m.pending.length >= options.maxPendingRows || m.pendingCells + width > options.maxPendingCells || pendingCellsTotal + width > options.maxPendingCellsTotal) break;
      m.pending.push(row);
      m.pendingCells += width;
      pendingCellsTotal += width;
    }
    if (now < m.busyUntil || now < m.retryAt || (m.pending.length === 0 && !m.sketch?.rows)) return;
    // Until the reference is loaded there is nothing to wait for; after that, one flush per interval.
    if (m.sketch && now < m.lastFlushAt + options.flushIntervalMs) return;
    // The task starts only once waitUntil has accepted it: never left running outside a request's life.
    let start!: () => void;
    const accepted = new Promise<void>((resolve) => (start = resolve));
    c.executionCtx.waitUntil(accepted.then(() => pump(c.env, m)));
    m.busyUntil = now + BUSY_DEADLINE_MS;
    start();
  } catch (err) {
    console.error('drift sampling failed (the prediction is unaffected)', err);
  }
}

function monitorFor(tenant: string, model: string, version: ModelVersionInfo, now: number): Monitor {
  const key = `${tenant}\u0000${model}\u0000${version.artifact_key}`;
  let m = monitors.get(key);
  if (m) monitors.delete(key);
  else m = { tenant, model, version, sketch: undefined, pending: [], pendingCells: 0, tokens: options.burstRows, refilledAt: now, busyUntil: 0, lastFlushAt: 0, retryAt: 0 };
  // Re-inserted last: Map order is recency, and the least recent monitor is dropped past the bound.
  monitors.set(key, m);
  while (monitors.size > MAX_MONITORS) dropMonitor(monitors.keys().next().value as string);
  return m;
}

/** Forgets a monitor, and the rows it queued. */
function dropMonitor(key: string): void {
  const m = monitors.get(key);
  if (m) takePending(m);
  monitors.delete(key);
}

/** Empties a monitor's queue, returning the rows it held. */
function takePending(m: Monitor): unknown[] {
  const queued = m.pending;
  pendingCellsTotal -= m.pendingCells;
  m.pending = [];
  m.pendingCells = 0;
  return queued;
}

/**
 * Drops this isolate's sampling state of a model (it was deleted): rows queued for it are never flushed,
 * so its DriftMonitor, just emptied, is not written again from here. A flush already under way may still
 * land; its counts are of version numbers the name never uses again (see durable/model-deletion).
 */
export function forgetDriftSampling(tenant: string, model: string): void {
  const prefix = `${tenant}\u0000${model}\u0000`;
  for (const key of [...monitors.keys()]) if (key.startsWith(prefix)) dropMonitor(key);
}

/** The rows to sample: as many as the request cap and the token bucket allow, evenly spread. */
function pickRows(m: Monitor, rows: SampledRows, now: number): unknown[] {
  m.tokens = Math.min(options.burstRows, m.tokens + ((now - m.refilledAt) / 1000) * options.rowsPerSecond);
  m.refilledAt = now;
  const take = Math.min(rows.length, options.maxRowsPerRequest, Math.floor(m.tokens));
  if (take <= 0) return [];
  m.tokens -= take;
  // A random start within the first stride, so no position in a batch is favoured across requests
  // (when every row is taken the stride is 1 and the start rounds down to 0: each row once).
  const stride = rows.length / take;
  const start = take === rows.length ? 0 : Math.random() * stride;
  const out = new Array<unknown>(take);
  for (let k = 0; k < take; k++) out[k] = rows.at(Math.floor(start + k * stride));
  return out;
}

/** Loads the reference if needed, bins the queued rows and flushes them. Runs inside waitUntil. */
async function pump(env: Env, m: Monitor): Promise<void> {
  try {
    if (m.sketch === undefined) {
      const lookup = await loadDriftReference(env, m.tenant, m.version);
      m.sketch = lookup.ok ? new DriftSketch(lookup.reference) : null;
    }
    const sketch = m.sketch;
    if (!sketch) {
      takePending(m);
      m.retryAt = Date.now() + UNAVAILABLE_RECHECK_MS;
      return;
    }
    // Rows queued while the reference loaded are binned too; later ones wait for the next task.
    sketch.addRows(takePending(m));
    const counts = sketch.take();
    m.lastFlushAt = Date.now();
    if (counts.rows === 0) return;
    try {
      await env.DRIFT.getByName(driftMonitorName(m.tenant, m.model)).record(m.version.version, counts);
    } catch (err) {
      sketch.absorb(counts);
      throw err;
    }
  } catch (err) {
    m.retryAt = Date.now() + options.retryAfterMs;
    console.error(`drift monitoring of model ${m.model} v${m.version.version} failed (predictions are unaffected)`, err);
  } finally {
    m.busyUntil = 0;
  }
}

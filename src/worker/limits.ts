/**
 * @module worker/limits
 * The Worker's resource limits in one place: reading them from [vars] (with defaults, so a missing or
 * garbled var never disables a limit), the per-key rate limits on predict and job creation (Workers
 * `ratelimits` bindings), the per-tenant cap on unfinished jobs, and the per-cell size cap on uploads.
 * Every refusal is an ApiError in the contract's shape, naming the limit so a client can adapt.
 */
import type { Context } from 'hono';
import type { JobSummary } from '../durable/registry';
import type { CsvTable } from '../engine';
import { runSteps, runStepsYielding, type Steps } from '../engine/core/steps';
import type { AuthVars } from './auth';
import { ApiError } from './errors';

/** Limits read from [vars]; see wrangler.toml for what each one protects. */
export interface Limits {
  readonly maxUploadBytes: number;
  readonly maxRows: number;
  readonly maxColumns: number;
  readonly maxFieldBytes: number;
  readonly maxConcurrentJobs: number;
  /** Trials a job runs at once when it does not say (at most MAX_TRIAL_PARALLELISM, as a request may ask). */
  readonly trialParallelism: number;
  /** A trial's lease: silent this long, it is taken for dead (at least MIN_TRIAL_LEASE_SECONDS). */
  readonly trialLeaseSeconds: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxUploadBytes: 52_428_800,
  maxRows: 1_000_000,
  maxColumns: 1_000,
  maxFieldBytes: 65_536,
  maxConcurrentJobs: 4,
  trialParallelism: 2,
  trialLeaseSeconds: 300,
});

/** The most trials a job may run at once, by the request's `parallelism` or the var. */
const MAX_TRIAL_PARALLELISM = 32;
/** The shortest trial lease the var may set. */
const MIN_TRIAL_LEASE_SECONDS = 5;

/** A positive integer var, or the default when absent or not a positive integer (never "no limit"). */
function positiveInt(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isInteger(n) && n > 0 ? n : fallback;
}

export function readLimits(env: Env): Limits {
  return {
    maxUploadBytes: positiveInt(env.MAX_UPLOAD_BYTES, DEFAULT_LIMITS.maxUploadBytes),
    maxRows: positiveInt(env.MAX_ROWS, DEFAULT_LIMITS.maxRows),
    maxColumns: positiveInt(env.MAX_COLUMNS, DEFAULT_LIMITS.maxColumns),
    maxFieldBytes: positiveInt(env.MAX_FIELD_BYTES, DEFAULT_LIMITS.maxFieldBytes),
    maxConcurrentJobs: positiveInt(env.MAX_CONCURRENT_JOBS, DEFAULT_LIMITS.maxConcurrentJobs),
    // A garbled var would otherwise make NaN of them: no trial would ever start, or every lease would end at once.
    trialParallelism: Math.min(MAX_TRIAL_PARALLELISM, positiveInt(env.TRIAL_PARALLELISM, DEFAULT_LIMITS.trialParallelism)),
    trialLeaseSeconds: Math.max(MIN_TRIAL_LEASE_SECONDS, positiveInt(env.TRIAL_LEASE_SECONDS, DEFAULT_LIMITS.trialLeaseSeconds)),
  };
}

/** The window of both `ratelimits` bindings in wrangler.toml. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * Seconds until the limiter's current window ends, at `now` (ms), at least 1. The binding answers only
 * "over or not", so the window is the one it counts in: fixed windows of `period` seconds from the start of
 * each period of the clock, as the local runtime (miniflare) counts them. Cloudflare does not document
 * where its windows start; a client that waits this long and is refused again is told the next wait.
 * Advertising the whole period every time (as before) told a client refused at second 55 to wait 60 s
 * rather than 5.
 */
export function rateLimitRetryAfter(now: number, period = RATE_LIMIT_PERIOD_SECONDS): number {
  const periodMs = period * 1000;
  return Math.max(1, Math.ceil((periodMs - (now % periodMs)) / 1000));
}

type Ctx = Context<{ Bindings: Env; Variables: AuthVars }>;

/**
 * Counts one request against `limiter` for the calling key; 429 `rate_limited` with Retry-After when
 * over. Keyed by key id (or "admin"), so one noisy key never starves another. Without the binding
 * (plain workerd self-hosting) there is no rate limit: the other limits still hold.
 */
export async function enforceRateLimit(c: Ctx, limiter: RateLimit | undefined, what: 'predict' | 'job creation'): Promise<void> {
  if (!limiter) return;
  const { success } = await limiter.limit({ key: c.get('keyId') });
  if (success) return;
  // The error mapper sets Retry-After from details.retry_after_seconds.
  const wait = rateLimitRetryAfter(Date.now());
  throw new ApiError(429, 'rate_limited', `too many ${what} requests for this API key; retry after ${wait} second${wait === 1 ? '' : 's'}, when this minute's window ends`, {
    retry_after_seconds: wait,
  });
}

/**
 * The refusal of a new job while the tenant already has `active` unfinished ones, `max` being the most.
 * The Registry counts and records in one step (Registry.recordJobWithin), so simultaneous creations cannot
 * all pass the count before any is recorded.
 */
export function tooManyJobs(active: number, max: number): ApiError {
  return new ApiError(429, 'too_many_jobs', `this tenant already has ${active} unfinished jobs (at most ${max}); wait for one to end or cancel one with DELETE /v1/jobs/{id}`, {
    active,
    limit: max,
  });
}

/**
 * Refuses a table with a cell longer than `maxBytes` UTF-8 bytes, naming its line (CSV) or row (Parquet)
 * and column. One huge cell carries no signal a model can use, and its text would be copied into the
 * dataset profile (the most frequent levels), whose row in the registry's SQLite is limited to 2 MB.
 */
export function enforceFieldSize(table: CsvTable, maxBytes: number, format: 'csv' | 'parquet' = 'csv'): void {
  runSteps(fieldSizeSteps(table, maxBytes, format));
}

/** enforceFieldSize handing the thread back (`yieldControl`) every few hundred thousand cells: the same refusal. */
export function enforceFieldSizeYielding(table: CsvTable, maxBytes: number, format: 'csv' | 'parquet', yieldControl: () => Promise<void>): Promise<void> {
  return runStepsYielding(fieldSizeSteps(table, maxBytes, format), yieldControl);
}

/**
 * UTF-8 bytes the column names may take together. The dataset's profile names every column and is stored
 * whole in one Registry row (2 MB a value), beside its listed values (engine/data/profile-size): thirty
 * names of 65,000 characters passed the field limit one by one, and the upload failed with a 500 after
 * reading the whole file. 256 KiB leaves 1,000 columns 262 bytes each, a long survey question apiece.
 */
export const MAX_HEADER_BYTES = 256 * 1024;

function checkHeaderSize(header: readonly string[], format: 'csv' | 'parquet'): void {
  const encoder = new TextEncoder();
  let total = 0;
  let longest = { name: '', bytes: 0 };
  for (const name of header) {
    const bytes = encoder.encode(name).byteLength;
    total += bytes;
    if (bytes > longest.bytes) longest = { name, bytes };
  }
  if (total <= MAX_HEADER_BYTES) return;
  throw new ApiError(
    400,
    'field_too_long',
    `the column names take ${total} bytes together, more than the ${MAX_HEADER_BYTES} a header may hold; shorten them (the longest, "${longest.name.slice(0, 64)}…", takes ${longest.bytes})`,
    { ...(format === 'csv' ? { line: 1 } : {}), field: 'header', column: longest.name.slice(0, 128), limit: MAX_HEADER_BYTES },
  );
}

/** Cells checked between two turns of the host (most need a length comparison only: a few milliseconds). */
const FIELD_CELLS_PER_STEP = 500_000;

function* fieldSizeSteps(table: CsvTable, maxBytes: number, format: 'csv' | 'parquet'): Steps<void> {
  // A UTF-8 character takes at most 3 bytes per UTF-16 unit, so shorter strings need no encoding.
  const quick = Math.floor(maxBytes / 3);
  const encoder = new TextEncoder();
  // A CSV's rows are named by the line they start on, a Parquet file's by row number (1-based; 0: the names).
  const lineOf = (row: number) => (row === 0 ? 1 : (table.lines?.[row - 1] ?? row + 1));
  const check = (cell: string, row: number, column: string) => {
    if (cell.length <= quick) return;
    // Past maxBytes UTF-16 units it is over for sure: skip encoding a huge string just to measure it.
    if (cell.length > maxBytes || encoder.encode(cell).byteLength > maxBytes) {
      const where = format === 'csv' ? { line: lineOf(row) } : row === 0 ? {} : { row };
      const label = format === 'csv' ? `line ${lineOf(row)}` : row === 0 ? 'the column names' : `row ${row}`;
      throw new ApiError(400, 'field_too_long', `${label}, column "${column.slice(0, 128)}": a field is longer than ${maxBytes} bytes, the most one field may hold`, {
        ...where,
        column: column.slice(0, 128),
        limit: maxBytes,
      });
    }
  };
  table.header.forEach((name) => check(name, 0, name));
  checkHeaderSize(table.header, format);
  let cells = 0;
  for (let i = 0; i < table.rows.length; i++) {
    const row = table.rows[i];
    for (let j = 0; j < row.length; j++) check(row[j], i + 1, table.header[j]);
    cells += row.length;
    if (cells >= FIELD_CELLS_PER_STEP) {
      cells = 0;
      yield;
    }
  }
}

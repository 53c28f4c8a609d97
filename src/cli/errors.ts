/**
 * @module cli/errors
 * What can go wrong in a CLI run and the exit code each gets: 0 ok; 1 the API refused (its code and
 * message are shown) or the command line/input file is wrong; 2 the server could not be reached at all.
 * Expected failures are printed as one readable line (or JSON with --json), never a stack trace.
 */
import { ApiClientError, JobWaitTimeoutError } from '../client';

export const EXIT = Object.freeze({ ok: 0, failed: 1, unreachable: 2, unanswered: 3, interrupted: 130 });

/** Ctrl-C (or SIGTERM) while following a job: the CLI stopped following; the job runs on, on the server. */
export class FollowInterruptedError extends Error {
  constructor(readonly jobId: string, readonly signal: string) {
    super(`stopped following job ${jobId} (${signal}); the job keeps running on the server`);
    this.name = 'FollowInterruptedError';
  }
}

/** A mistake in the command line or in an input file; `where` names the option, file or line. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly where?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Nothing answered at the URL: refused, unknown host, or no answer within the timeout. */
export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${url}: ${reason}`);
    this.name = 'ConnectionError';
  }
}

/**
 * A write (POST, PUT, PATCH, DELETE) was sent and no answer came: the wait ran out or the connection
 * broke. Unlike a refused connection the server may have carried it out (a job created, a dataset
 * stored), so the advice is to look before repeating it, never to start the server.
 */
export class UnansweredWriteError extends Error {
  constructor(
    readonly url: string,
    readonly method: string,
    readonly reason: string,
  ) {
    super(`${method} ${url} got no answer (${reason}): the server may have carried it out`);
    this.name = 'UnansweredWriteError';
  }
}

/** A job that ended without succeeding: the command's answer, but a failure for scripts. */
export class JobEndedError extends Error {
  constructor(
    readonly jobId: string,
    readonly status: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'JobEndedError';
  }
}

/**
 * An API refusal with the CLI's own next step, where the server's advice names a route or an HTTP field
 * a person at the command line does not use: printed as a `hint:` line (and as `hint` with --json).
 */
export class HintedApiError extends ApiClientError {
  constructor(
    err: ApiClientError,
    readonly hint: string,
    message = err.message,
  ) {
    super(err.status, err.code, message, err.details, err.request);
  }
}

/** The error body printed for --json (stderr), shaped like the API's own. */
export function errorJson(err: unknown, cli = DEFAULT_CLI): { error: { code: string; message: string; details: Record<string, unknown> }; status?: number; hint?: string } {
  if (err instanceof HintedApiError) return { error: { code: err.code, message: err.message, details: err.details }, status: err.status, hint: err.hint };
  if (err instanceof ApiClientError) return { error: { code: err.code, message: err.message, details: err.details }, status: err.status };
  if (err instanceof ConnectionError) return { error: { code: 'connection_failed', message: err.message, details: { url: err.url } } };
  if (err instanceof UnansweredWriteError) return { error: { code: 'no_answer', message: err.message, details: { url: err.url, method: err.method } }, hint: unansweredHint(cli) };
  if (err instanceof UsageError) return { error: { code: 'usage', message: err.message, details: err.where ? { where: err.where } : {} } };
  if (err instanceof JobEndedError) return { error: { code: err.code, message: err.message, details: { job: err.jobId, status: err.status } } };
  // A wait that ran out is no CLI failure: the job runs on, and a script needs its id and status, not "internal".
  if (err instanceof FollowInterruptedError) return { error: { code: 'interrupted', message: err.message, details: { job: err.jobId, signal: err.signal } }, hint: followHint(err.jobId, cli) };
  if (err instanceof JobWaitTimeoutError) return { error: { code: 'wait_timeout', message: err.message, details: { job: err.job.id, status: err.job.status } }, hint: waitHint(err, cli) };
  return { error: { code: 'internal', message: err instanceof Error ? err.message : String(err), details: {} } };
}

/** The one-line text for a person, with a hint where there is an obvious next step. */
export function errorText(err: unknown, cli = DEFAULT_CLI): string {
  if (err instanceof ApiClientError) {
    const where = describeDetails(err.details);
    const hint = err instanceof HintedApiError ? `\nhint: ${err.hint}` : '';
    return `error: ${err.code} (HTTP ${err.status}): ${err.message}${where ? ` [${where}]` : ''}${hint}`;
  }
  if (err instanceof ConnectionError) {
    const local = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(?::(\d+))?(\/|$)/.exec(err.url);
    // `npm run dev` listens on 8787 unless told otherwise: name the port the URL asks for.
    const port = local?.[2] ?? (err.url.startsWith('https:') ? '443' : '80');
    const start = port === '8787' ? '`npm run dev`' : `\`npm run dev -- --port ${port}\``;
    const hint = local ? `start the local server with ${start}, or point --url at a deployed Worker` : 'check --url (or EDGE_AUTOML_URL) and your network';
    return `error: ${err.message}\nhint: ${hint}`;
  }
  if (err instanceof UnansweredWriteError) return `error: ${err.message}\nhint: ${unansweredHint(cli)}`;
  if (err instanceof UsageError) return `error: ${err.where ? `${err.where}: ` : ''}${err.message}`;
  if (err instanceof JobEndedError) {
    // A job that ended without an error of its own (cancelled) has only its status to say: said once.
    if (err.code === err.status && err.message === `the job was ${err.status}`) return `error: job ${err.jobId} ${err.status}`;
    return `error: job ${err.jobId} ${err.status}: ${err.code}: ${err.message}`;
  }
  if (err instanceof JobWaitTimeoutError) return `error: ${err.message}\nhint: ${waitHint(err, cli)}`;
  if (err instanceof FollowInterruptedError) return `error: ${err.message}\nhint: ${followHint(err.jobId, cli)}`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * The command a hint names when the caller does not say how this run was started (main passes
 * invocation's rerunCommand: the script and the --url, --key and --tenant given, which the next command needs).
 */
const DEFAULT_CLI = 'edge-automl';

const unansweredHint = (cli: string) => `look whether it took effect (\`${cli} jobs\`, \`datasets\`, \`models\`) before running it again: a job created twice is two jobs`;

const followHint = (id: string, cli: string) => `follow it with \`${cli} status ${id} --watch\`, or cancel it with \`${cli} cancel ${id}\``;

const waitHint = (err: JobWaitTimeoutError, cli: string) => followHint(err.job.id, cli);

export function exitCodeOf(err: unknown): number {
  if (err instanceof UnansweredWriteError) return EXIT.unanswered;
  if (err instanceof FollowInterruptedError) return EXIT.interrupted;
  return err instanceof ConnectionError ? EXIT.unreachable : EXIT.failed;
}

function describeDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    // A refused row's `index` (its position from 0, for programs) beside the row the message names would read as a second row.
    // The near names (`did_you_mean`) are in the message already: "(did you mean "class"?)".
    .filter(([k, v]) => k !== 'index' && k !== 'did_you_mean' && v !== null && (typeof v !== 'object' || Array.isArray(v)))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? listExcerpt(v) : String(v)}`)
    .join(', ');
}

/** Long lists (every column of a table) are cut: the message should stay one readable line. */
const listExcerpt = (items: unknown[], shown = 8) => items.slice(0, shown).join(', ') + (items.length > shown ? `, … (${items.length} in all)` : '');

/**
 * @module worker/job-events
 * The server-sent event stream of one job (`GET /v1/jobs/{id}/events`): an `event: job` with the whole
 * view first and whenever it changes, a `: heartbeat` comment while it does not, and one `event: end`
 * with `{reason}` (`finished`, `time_limit`, `unavailable`, `revoked`) before the stream closes.
 */
import type { JobView } from '../durable/protocol';

export interface JobEventsOptions {
  /** How often the stream reads the job view from its coordinator. */
  readonly pollMs?: number;
  /** A comment line this often keeps proxies from closing a quiet stream. */
  readonly heartbeatMs?: number;
  /** A stream ends after this long even for a running job; the client reconnects (bounds one request's life). */
  readonly maxMs?: number;
  /**
   * Whether the stream's key still works, asked before each read of the job: a key revoked while its
   * stream runs ends it (`revoked`) rather than following the job for up to maxMs.
   */
  readonly keyActive?: () => Promise<boolean>;
}

const DEFAULTS: Required<Omit<JobEventsOptions, 'keyActive'>> = { pollMs: 1_000, heartbeatMs: 15_000, maxMs: 10 * 60_000 };

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * The event stream of one job. Pull-based: the next read of the coordinator happens only once the client
 * has taken the previous chunk, so a slow client holds at most one pending event, never a backlog.
 *
 * One pull goes on polling until it has something to send (a change, the heartbeat or the end): a pull
 * that returns without enqueuing is not called again (Streams spec), which left the request with nothing
 * pending, and the runtime cancelled it as hung on the first quiet second. A client that goes away
 * cancels the stream, which stops the polling at once.
 */
export function jobEvents(first: JobView, readView: () => Promise<JobView | null>, options: JobEventsOptions = {}): ReadableStream<Uint8Array> {
  const { pollMs, heartbeatMs, maxMs } = { ...DEFAULTS, ...options };
  const encoder = new TextEncoder();
  const started = Date.now();
  let lastKey = changeKey(first);
  let lastSentAt = started;
  let seq = 0;
  let closed = false;
  /** Ends the pause between two polls early (on cancel), so nothing is left waiting. */
  let wake: (() => void) | undefined;
  const pause = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const frame = (event: string, data: unknown) => encoder.encode(`event: ${event}\nid: ${++seq}\ndata: ${JSON.stringify(data)}\n\n`);
  const end = (controller: ReadableStreamDefaultController<Uint8Array>, reason: string) => {
    controller.enqueue(frame('end', { reason }));
    controller.close();
    closed = true;
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // A client that lost the stream waits this long before reconnecting.
      controller.enqueue(encoder.encode('retry: 2000\n\n'));
      controller.enqueue(frame('job', first));
      if (TERMINAL.has(first.status)) end(controller, 'finished');
    },
    async pull(controller) {
      while (!closed) {
        await pause();
        if (closed) return;
        if (options.keyActive && !(await options.keyActive().catch(() => true))) return end(controller, 'revoked');
        if (closed) return;
        let view: JobView | null;
        try {
          view = await readView();
        } catch (err) {
          console.error('job events: could not read the job view', err);
          view = null;
        }
        if (closed) return;
        if (!view) return end(controller, 'unavailable');
        const now = Date.now();
        const key = changeKey(view);
        let sent = false;
        if (key !== lastKey) {
          lastKey = key;
          lastSentAt = now;
          controller.enqueue(frame('job', view));
          sent = true;
        } else if (now - lastSentAt >= heartbeatMs) {
          lastSentAt = now;
          controller.enqueue(encoder.encode(': heartbeat\n\n'));
          sent = true;
        }
        if (TERMINAL.has(view.status)) return end(controller, 'finished');
        if (now - started >= maxMs) return end(controller, 'time_limit');
        if (sent) return;
      }
    },
    cancel() {
      closed = true;
      wake?.();
    },
  });
}

/**
 * What counts as a change: everything but the clocks (elapsed and remaining time), which move on every
 * read of a running job.
 */
function changeKey(view: JobView): string {
  return JSON.stringify({ ...view, progress: { ...view.progress, elapsed_ms: 0, remaining_ms: null } });
}

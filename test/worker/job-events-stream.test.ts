/**
 * The job event stream itself (worker/job-events) inside workerd, over a view the test changes by hand
 * and with short intervals: heartbeats while the view stays the same (the stream stays open), a change
 * and the end after them, the ten-minute cap (`time_limit`), a coordinator that cannot be read
 * (`unavailable`), and a client that goes away stopping the polling.
 */
import { describe, expect, it } from 'vitest';
import type { JobView } from '../../src/durable/protocol';
import { jobEvents } from '../../src/worker/job-events';

/** The parts of a view the stream reads; the clocks move on every read, as a running job's do. */
const view = (status: string, done: number) =>
  ({ id: 'j', status, progress: { trials_done: done, elapsed_ms: Date.now(), remaining_ms: 60_000 - (Date.now() % 60_000), phase: 'searching' } }) as unknown as JobView;

/** Reads a stream chunk by chunk; `next` fails after `timeoutMs` rather than hang on a stalled stream. */
function chunks(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  return {
    reader,
    async next(timeoutMs = 5_000): Promise<string | null> {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stalled = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no chunk within ${timeoutMs} ms`)), timeoutMs)));
      try {
        const { done, value } = await Promise.race([reader.read(), stalled]);
        return done ? null : decoder.decode(value);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** A chunk's kind: `retry`, `heartbeat`, or the event's name with its data. */
function kindOf(chunk: string): string {
  if (chunk.startsWith('retry: ')) return 'retry';
  if (chunk === ': heartbeat\n\n') return 'heartbeat';
  const event = /^event: (\w+)\n/.exec(chunk)?.[1];
  const data = JSON.parse(/\ndata: (.*)\n/.exec(chunk)![1]);
  return event === 'job' ? `job ${data.status} ${data.progress.trials_done}` : `${event} ${data.reason}`;
}

describe('the job event stream', () => {
  it('sends heartbeats while the view stays the same, then the change and the end', async () => {
    let current = view('running', 0);
    const stream = chunks(jobEvents(current, async () => current, { pollMs: 10, heartbeatMs: 60 }));
    const seen: string[] = [];
    const read = async () => {
      const chunk = await stream.next();
      if (chunk !== null) seen.push(kindOf(chunk));
      return chunk;
    };
    await read();
    await read();
    // Many polls find nothing new: the stream stays open and says so with heartbeats only.
    await read();
    await read();
    await read();
    expect(seen).toEqual(['retry', 'job running 0', 'heartbeat', 'heartbeat', 'heartbeat']);
    current = view('running', 1);
    await read();
    current = view('succeeded', 2);
    while ((await read()) !== null);
    expect(seen.slice(5)).toEqual(['job running 1', 'job succeeded 2', 'end finished']);
  });

  it('stops polling the coordinator once the client goes away', async () => {
    let reads = 0;
    const quiet = view('running', 0);
    const stream = chunks(jobEvents(quiet, async () => (reads++, quiet), { pollMs: 10, heartbeatMs: 30 }));
    await stream.next();
    await stream.next();
    expect(await stream.next()).toBe(': heartbeat\n\n');
    await stream.reader.cancel();
    const atCancel = reads;
    await new Promise((r) => setTimeout(r, 200));
    expect(reads).toBe(atCancel);
  });

  it('ends with time_limit at its cap while the job still runs', async () => {
    const quiet = view('running', 0);
    const stream = chunks(jobEvents(quiet, async () => quiet, { pollMs: 10, heartbeatMs: 60_000, maxMs: 100 }));
    const seen: string[] = [];
    for (let chunk = await stream.next(); chunk !== null; chunk = await stream.next()) seen.push(kindOf(chunk));
    expect(seen).toEqual(['retry', 'job running 0', 'end time_limit']);
  });

  it('ends with unavailable when the job cannot be read or is gone', async () => {
    for (const readView of [async () => null, async (): Promise<JobView | null> => Promise.reject(new Error('coordinator down'))]) {
      const stream = chunks(jobEvents(view('running', 0), readView, { pollMs: 10 }));
      const seen: string[] = [];
      for (let chunk = await stream.next(); chunk !== null; chunk = await stream.next()) seen.push(kindOf(chunk));
      expect(seen).toEqual(['retry', 'job running 0', 'end unavailable']);
    }
  });

  it('sends a finished job once and closes', async () => {
    const stream = chunks(jobEvents(view('failed', 0), async () => view('failed', 0)));
    const seen: string[] = [];
    for (let chunk = await stream.next(); chunk !== null; chunk = await stream.next()) seen.push(kindOf(chunk));
    expect(seen).toEqual(['retry', 'job failed 0', 'end finished']);
  });
});

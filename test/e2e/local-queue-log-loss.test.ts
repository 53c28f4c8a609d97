/**
 * The local queue keeps delivering when one of its log lines is lost (patches/README.md).
 * Miniflare's queue broker posts "QUEUE name 1/1 (…ms)" to the Node loopback server after every batch
 * and awaits that post before it schedules the next batch. When the post failed (workerd reusing a
 * keep-alive connection Node had just closed), the broker never flushed again: every later trial,
 * ensemble and drift message of every job sat in the local queue until `wrangler dev` restarted.
 * Here the loopback server drops log posts on purpose (closes the connection without an answer), which
 * is what workerd saw, and the queue must still deliver the next message. Also: the warning the dev
 * scripts print when the patch is missing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Log, LogLevel, Miniflare } from 'miniflare';
import { afterEach, describe, expect, it } from 'vitest';
import { PATCHED_FILE, queuePatchWarning } from '../../scripts/lib/queue-patch';

/**
 * A consumer that records what it was given in KV. The test sends through the producer binding and reads
 * KV from Node, neither of which posts a log line, so the only posts are the broker's QUEUE lines.
 */
const WORKER = `
export default {
  async fetch() { return new Response('unused'); },
  async queue(batch, env) { for (const m of batch.messages) { await env.SEEN.put(String(m.body.n), ''); m.ack(); } },
};`;

/** Records the broker's lines so a test can tell a delivered log post from a dropped one. */
class Lines extends Log {
  readonly lines: string[] = [];
  constructor() {
    super(LogLevel.INFO);
  }
  override log(message: string): void {
    this.lines.push(message);
  }
}

/**
 * Starts Miniflare with its loopback server's log posts passed through `drop` first: when it says so,
 * the post's connection is destroyed without an answer. createServer is wrapped only while Miniflare
 * starts, so no other server in this process is touched.
 */
async function startWithLossyLog(drop: () => boolean): Promise<{ mf: Miniflare; log: Lines }> {
  const original = http.createServer;
  const wrapped = ((...args: Parameters<typeof http.createServer>) => {
    const server = original(...args);
    const listeners = server.listeners('request') as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req, res) => {
      if (req.url?.endsWith('/core/log') && drop()) {
        req.socket.destroy();
        return;
      }
      for (const listener of listeners) listener.call(server, req, res);
    });
    return server;
  }) as typeof http.createServer;
  http.createServer = wrapped;
  const log = new Lines();
  const mf = new Miniflare({
    modules: true,
    script: WORKER,
    compatibilityDate: '2026-04-20',
    log,
    kvNamespaces: ['SEEN'],
    queueProducers: { Q: 'log-loss-queue' },
    queueConsumers: { 'log-loss-queue': { maxBatchSize: 1, maxBatchTimeout: 0 } },
  });
  try {
    await mf.ready;
  } finally {
    http.createServer = original;
  }
  return { mf, log };
}

async function send(mf: Miniflare, n: number): Promise<void> {
  await (await mf.getQueueProducer<{ n: number }>('Q')).send({ n });
}

/** The message numbers the consumer has recorded, once there are `count` of them (or the time is up). */
async function delivered(mf: Miniflare, count: number, timeoutMs = 15_000): Promise<number[]> {
  const seen = await mf.getKVNamespace('SEEN');
  const until = Date.now() + timeoutMs;
  for (;;) {
    const numbers = (await seen.list()).keys.map((key) => Number(key.name)).sort((a, b) => a - b);
    if (numbers.length >= count || Date.now() > until) return numbers;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

describe('local queue broker when a log line is lost', () => {
  let mf: Miniflare | undefined;
  afterEach(async () => {
    await mf?.dispose();
    mf = undefined;
  });

  it('keeps delivering when every log post fails', async () => {
    let dropped = 0;
    const started = await startWithLossyLog(() => {
      dropped++;
      return true;
    });
    mf = started.mf;
    await send(mf, 1);
    expect(await delivered(mf, 1)).toEqual([1]);
    // The broker posts (and loses) batch 1's line after the consumer returns: wait for that, so messages 2
    // and 3 reach a broker that has already lost a line.
    await waitFor(() => dropped > 0);
    expect(dropped).toBeGreaterThan(0);
    await send(mf, 2);
    await send(mf, 3);
    expect(await delivered(mf, 3)).toEqual([1, 2, 3]);
  });

  it('tries a lost log line once more, so it still reaches the terminal', async () => {
    let posts = 0;
    const started = await startWithLossyLog(() => ++posts === 1);
    mf = started.mf;
    await send(mf, 7);
    expect(await delivered(mf, 1)).toEqual([7]);
    await waitFor(() => started.log.lines.some((line) => line.includes('QUEUE')));
    expect(posts).toBe(2);
    expect(started.log.lines.filter((line) => line.includes('QUEUE') && line.includes('log-loss-queue'))).toHaveLength(1);
  });
});

describe('queuePatchWarning (printed by npm run dev and the scripts that start wrangler dev)', () => {
  it('is silent for the installed Miniflare, which npm install patched', () => {
    expect(queuePatchWarning()).toBeNull();
  });

  it('names the patch and the fix when the file is unpatched, and is silent when there is no file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'queue-patch-'));
    try {
      const unpatched = join(dir, 'index.worker.js');
      writeFileSync(unpatched, readFileSync(PATCHED_FILE, 'utf8').replaceAll('Patched by edge-automl', 'Changed'));
      expect(queuePatchWarning(unpatched)).toMatch(/patches\/README\.md.*npx patch-package/);
      expect(queuePatchWarning(join(dir, 'absent.js'))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * A write the server received but never answered (the CLI's timeout ran out, or the connection broke)
 * may have been carried out: the CLI says so, with exit code 3 and a hint to look before repeating it,
 * instead of "cannot reach" with a hint to start the server. A refused connection stays exit code 2.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConnectionError, errorJson, errorText, exitCodeOf, UnansweredWriteError } from '../../src/cli/errors';
import { main } from '../../src/cli/main';
import { patientFetch } from '../../src/cli/patient-fetch';

let server: Server;
let url: string;
const received: string[] = [];

beforeAll(async () => {
  // Reads every request and never answers; /reset drops the connection once the body is in.
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(`${req.method} ${req.url}`);
      if (req.url?.startsWith('/reset')) res.socket?.destroy();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

describe('a write that gets no answer', () => {
  it('is reported as possibly done, exit code 3, not as an unreachable server', async () => {
    const fetch = patientFetch({ writeTimeoutMs: 300 });
    const err = await fetch(`${url}/v1/jobs?x=1`, { method: 'POST', body: '{"dataset":"d"}' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnansweredWriteError);
    expect(received).toContain('POST /v1/jobs?x=1');
    expect(exitCodeOf(err)).toBe(3);
    const text = errorText(err);
    expect(text).toContain(`POST ${url}/v1/jobs got no answer (no answer in time): the server may have carried it out`);
    expect(text).toContain('hint: look whether it took effect');
    expect(text).not.toContain('npm run dev');
    expect(errorJson(err)).toMatchObject({ error: { code: 'no_answer', details: { url: `${url}/v1/jobs`, method: 'POST' } } });
  });

  it('says the same when the connection breaks after the write was sent', async () => {
    const err = await patientFetch()(`${url}/reset/v1/datasets/d`, { method: 'PUT', body: 'a,b\n1,2\n' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnansweredWriteError);
    expect(exitCodeOf(err)).toBe(3);
  });

  it("names the command as this run was started in its hint, with the run's --url and --tenant", async () => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await main(['--url', `${url}/reset`, '--tenant', 'acme', 'train', '-d', 'd', '-t', 'y', '--no-wait']);
      expect(code).toBe(3);
    } finally {
      vi.restoreAllMocks();
    }
    expect(stderr).toContain(`--url ${url}/reset --tenant acme jobs\``);
  });

  it('gives an upload its wait once its body is sent, instead of waiting for ever', async () => {
    const chunks = ['a,b\n', '1,2\n'];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const init = { method: 'PUT', body, duplex: 'half' } as RequestInit;
    const err = await patientFetch({ writeTimeoutMs: 300 })(`${url}/v1/datasets/streamed`, init).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnansweredWriteError);
    expect(errorText(err)).toContain('PUT');
    expect(errorText(err)).toContain('no answer in time');
    expect(received).toContain('PUT /v1/datasets/streamed');
  }, 10_000);

  it('stays "cannot reach", exit code 2, when the connection is refused', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const err = await patientFetch()(`http://127.0.0.1:${port}/v1/jobs`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(exitCodeOf(err)).toBe(2);
  });

  it('leaves a read that gets no answer as "cannot reach" after its attempts', async () => {
    const err = await patientFetch({ readTimeoutMs: 100, readAttempts: 2 })(`${url}/v1/jobs`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(received.filter((r) => r === 'GET /v1/jobs')).toHaveLength(2);
  });
});

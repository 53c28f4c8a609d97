/**
 * The scripts' local server (scripts/lib/wrangler-dev) refuses a port something already listens on:
 * otherwise that server answers the health check, and the demo or a benchmark uploads and trains on it.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../../scripts/lib/wrangler-dev';

let busy: Server | undefined;

afterAll(() => new Promise<void>((done) => (busy ? busy.close(() => done()) : done())));

describe('startDevServer', () => {
  it('refuses a port already in use, naming it, before starting wrangler', async () => {
    busy = createServer();
    const port = await new Promise<number>((listening) => busy!.listen(0, '127.0.0.1', () => listening((busy!.address() as { port: number }).port)));
    await expect(startDevServer({ port })).rejects.toThrow(`port ${port} is already in use`);
  });
});

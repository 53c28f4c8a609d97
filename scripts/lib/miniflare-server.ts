/**
 * Runs the Worker on the local Cloudflare runtime with the fewest hops: Miniflare (the workerd wrapper that
 * `wrangler dev` itself uses) driven straight from Node, without wrangler dev's proxy worker in front.
 * Same runtime, same bindings read from wrangler.toml (SQLite Durable Objects, R2, Queues with their
 * consumers, rate limits), same bundle as `wrangler deploy` (built with --dry-run). A request goes
 * client -> workerd entry worker -> our Worker, instead of client -> proxy workerd -> entry -> Worker.
 * The static-assets router is left out: the benchmarks only call Worker-first routes (/v1, /health),
 * which the platform routes to the Worker before any asset lookup anyway.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Log, LogLevel, Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { type DevServer, wranglerEnv } from './wrangler-dev';

const ROOT = resolve(import.meta.dirname, '../..');

export interface MiniflareServerOptions {
  readonly port: number;
  /** Folder for local state (R2 objects, Durable Object SQLite). */
  readonly persistTo: string;
  /** Folder holding the bundle (index.js and its wasm), from bundleWorker. */
  readonly bundleDir: string;
  readonly adminKey?: string;
  readonly verbose?: boolean;
  /** Another entry module in bundleDir (a benchmark probe worker bundled the same way). */
  readonly entry?: string;
  /**
   * A second, bare Worker (ES module source, no bindings) in the same workerd process, in its own isolate,
   * answering every path under FLOOR_PATH: the runtime's floor beside ours (bench:serve --floor).
   */
  readonly floorScript?: string;
  /** Opens workerd's inspector (Chrome DevTools protocol) on this port, e.g. to read isolate heap sizes. */
  readonly inspectorPort?: number;
}

/** Where the floor Worker answers, when there is one. */
export const FLOOR_PATH = '/__floor/';
/** The Worker names Miniflare gives the isolates (the inspector lists them as core:user:<name>). */
export const WORKER_NAME = 'edge-automl';
export const FLOOR_WORKER_NAME = 'floor';

/**
 * Bundles `script` (default: wrangler.toml's main) exactly as `wrangler deploy` would, into `outDir`.
 * Throws with wrangler's output when the bundle fails.
 */
export function bundleWorker(outDir: string, script?: string): void {
  const args = ['deploy', '--dry-run', '--outdir', outDir, ...(script ? [script] : [])];
  const run = spawnSync(resolve(ROOT, 'node_modules/.bin/wrangler'), args, { cwd: ROOT, env: wranglerEnv(), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bundling failed:\n${run.stdout}\n${run.stderr}`);
}

export async function startMiniflareServer(options: MiniflareServerOptions): Promise<DevServer> {
  const adminKey = options.adminKey ?? 'local-dev-key';
  const { workerOptions } = unstable_getMiniflareWorkerOptions(resolve(ROOT, 'wrangler.toml'));
  const { assets: _assets, ...worker } = workerOptions as typeof workerOptions & { assets?: unknown };
  const entry = join(options.bundleDir, options.entry ?? 'index.js');
  if (!readdirSync(options.bundleDir).includes(options.entry ?? 'index.js')) throw new Error(`no bundle at ${entry}; run bundleWorker first`);
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: options.port,
    defaultPersistRoot: options.persistTo,
    // No request.cf lookup over the network (offline machines): the placeholder object is enough here.
    cf: false,
    log: new Log(options.verbose ? LogLevel.INFO : LogLevel.WARN),
    ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
    workers: [
      {
        ...(worker as object),
        name: WORKER_NAME,
        scriptPath: entry,
        modules: true,
        modulesRoot: options.bundleDir,
        bindings: { ...(worker.bindings ?? {}), ADMIN_API_KEY: adminKey },
      },
      ...(options.floorScript
        ? [{ name: FLOOR_WORKER_NAME, modules: true, script: options.floorScript, compatibilityDate: worker.compatibilityDate, routes: [`*${FLOOR_PATH}*`] }]
        : []),
    ],
  });
  const url = (await mf.ready).toString().replace(/\/$/, '');
  return { url, adminKey, stop: () => mf.dispose() };
}

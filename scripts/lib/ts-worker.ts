/**
 * Starts a worker thread on a TypeScript module. tsx registers its loader in the main thread only (on
 * Node 20 a worker given a .ts file fails with ERR_UNKNOWN_FILE_EXTENSION, execArgv or not), so the
 * thread starts from a one-line bootstrap that registers tsx's loader and then imports the module.
 */
import { Worker } from 'node:worker_threads';

export function startTsWorker(module: URL, workerData: unknown): Worker {
  const loader = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

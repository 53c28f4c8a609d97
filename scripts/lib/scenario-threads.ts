/**
 * Runs a benchmark's scenarios on worker threads (./ts-worker), each thread taking the next index when it
 * finishes one, so a long scenario does not hold the others back; given longest first, the threads end
 * together. The worker module answers each index it is sent with one message, its result.
 */
import { startTsWorker } from './ts-worker';

/** The results of `indices`, in the order given, whatever order they finished in. */
export async function runOnThreads<R>(worker: URL, workerData: unknown, indices: readonly number[], threads: number, onResult: (result: R, done: number) => void): Promise<R[]> {
  const results: R[] = new Array(indices.length);
  const workers = Array.from({ length: Math.max(1, Math.min(threads, indices.length)) }, () => startTsWorker(worker, workerData));
  let next = 0;
  let done = 0;
  try {
    await Promise.all(
      workers.map(
        (thread) =>
          new Promise<void>((resolve, reject) => {
            // A thread runs one index at a time, so its answer is for the index it was last given.
            let current = -1;
            const feed = () => {
              if (next >= indices.length) return resolve();
              current = next++;
              thread.postMessage(indices[current]);
            };
            thread.on('message', (result: R) => {
              results[current] = result;
              onResult(result, ++done);
              feed();
            });
            thread.on('error', reject);
            thread.on('exit', (code) => reject(new Error(`a scenario thread exited with code ${code}`)));
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

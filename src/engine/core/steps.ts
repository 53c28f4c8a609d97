/**
 * @module engine/core/steps
 * Long CPU-bound work (reading a 50 MB upload) written once as a generator that yields between slices,
 * then run either at once (runSteps) or handing the thread back to the host between slices
 * (runStepsYielding: under workerd a route, a Durable Object and a queue consumer share one thread, and a
 * prediction must not wait seconds behind an upload). One body for both ways, so both compute the same.
 */

/** Work that yields (nothing) between slices and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Runs the steps to the end without pausing. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Runs the steps, awaiting `yieldControl` (the host's turn, e.g. a macrotask) between slices. */
export async function runStepsYielding<T>(steps: Steps<T>, yieldControl: () => Promise<void>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await yieldControl();
  }
}

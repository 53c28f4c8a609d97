/**
 * @module worker/give-turn
 * The Worker's turn-giving for long CPU-bound engine work (reading a large upload): a macrotask, which
 * lets workerd run whatever else waits on this thread (another request to the isolate; under local
 * `wrangler dev` every route, Durable Object and queue consumer) before the work goes on. A resolved
 * promise would not do: microtasks run before any other event.
 */
export const giveTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A stand-in for the `cloudflare:workers` module so a Durable Object class can be constructed in plain
 * Node for CPU benchmarks: only the base class, holding ctx and env as the runtime's does.
 */
export class DurableObject<E = unknown> {
  constructor(
    protected readonly ctx: unknown,
    protected readonly env: E,
  ) {}
}

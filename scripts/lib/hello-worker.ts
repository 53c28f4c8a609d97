/**
 * A benchmark-only trivial Worker (never deployed): reads the body and answers a constant JSON, nothing
 * imported. bench:serve --floor runs it inside the same Miniflare process as the real Worker (its own
 * isolate, reached through a route), so its latency is the runtime's floor on this machine: whatever the
 * real Worker's empty route adds on top of it is ours (heap size, garbage collection, code on every request).
 */
export default {
  async fetch(request: Request): Promise<Response> {
    // Read the body, as every route does: an unread body makes workerd drop the keep-alive connection.
    const text = await request.text();
    return new Response(`{"bytes":${text.length}}`, { headers: { 'content-type': 'application/json' } });
  },
} satisfies ExportedHandler;

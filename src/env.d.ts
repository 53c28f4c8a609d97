/** The bindings of the Worker (see wrangler.toml), visible to the Worker and the Durable Objects. */
declare namespace Cloudflare {
  interface Env {
    STORE: R2Bucket;
    SEARCH: DurableObjectNamespace<import('./durable/search-coordinator').SearchCoordinator>;
    REGISTRY: DurableObjectNamespace<import('./durable/registry').Registry>;
    TRIALS: Queue<import('./durable/protocol').TrialMessage>;
    ADMIN_API_KEY: string;
    TRIAL_LEASE_SECONDS: string;
    TRIAL_PARALLELISM: string;
    MAX_UPLOAD_BYTES: string;
  }
  /** Types `exports` from cloudflare:workers (the loopback bindings tests call). */
  interface GlobalProps {
    mainModule: typeof import('./worker/index');
    durableNamespaces: 'SearchCoordinator' | 'Registry';
  }
}
interface Env extends Cloudflare.Env {}

/** The bindings of the Worker (see wrangler.toml), visible to the Worker and the Durable Objects. */
declare namespace Cloudflare {
  interface Env {
    STORE: R2Bucket;
    SEARCH: DurableObjectNamespace<import('./durable/search-coordinator').SearchCoordinator>;
    REGISTRY: DurableObjectNamespace<import('./durable/registry').Registry>;
    /** One global instance ("global"): tenant API keys (hashes only). */
    KEYS: DurableObjectNamespace<import('./durable/key-store').KeyStore>;
    /** One per tenant and model (driftMonitorName): live drift counts per version and hour. */
    DRIFT: DurableObjectNamespace<import('./durable/drift-monitor').DriftMonitor>;
    /** One global instance ("global"): the due times of every tenant's retraining schedules. */
    SCHEDULES: DurableObjectNamespace<import('./durable/schedule-board').ScheduleBoard>;
    TRIALS: Queue<import('./durable/protocol').TrialMessage>;
    ADMIN_API_KEY: string;
    TRIAL_LEASE_SECONDS: string;
    TRIAL_PARALLELISM: string;
    MAX_UPLOAD_BYTES: string;
    MAX_ROWS: string;
    MAX_COLUMNS: string;
    MAX_FIELD_BYTES: string;
    MAX_CONCURRENT_JOBS: string;
    /** Per-key rate limits ([[ratelimits]]); absent on plain workerd, where there is no rate limit. */
    PREDICT_LIMITER?: RateLimit;
    JOB_LIMITER?: RateLimit;
    AUTH_FAIL_LIMITER?: RateLimit;
    /** Static assets (public/: the dashboard and the API docs page); absent where none are deployed. */
    ASSETS?: Fetcher;
  }
  /** Types `exports` from cloudflare:workers (the loopback bindings tests call). */
  interface GlobalProps {
    mainModule: typeof import('./worker/index');
    durableNamespaces: 'SearchCoordinator' | 'Registry' | 'KeyStore' | 'DriftMonitor' | 'ScheduleBoard';
  }
}
interface Env extends Cloudflare.Env {}

/**
 * @module worker/model-cache
 * Loaded models, kept warm per isolate: predictors (table and image models, ensembles) and forecasters.
 * Keyed by artifact key (immutable: a new version is a new key), so a cached entry can never go stale. An
 * LRU bound on both the number of models and the bytes of their artifacts keeps memory inside the
 * isolate's 128 MB (a few large forests would otherwise fill it, next to the trials a consumer isolate
 * runs). Loading is shared: concurrent first requests for one model wait on the same load. A failed load
 * (storage down, corrupt artifact) is never cached: the next request tries again. A caller that keeps a
 * model across its own awaits (the challenge step loads two, then predicts with both) holds it through
 * withPredictors/withForecasters, and a serving route from before its load settles until it has
 * answered (holdPredictor/holdForecaster): a held model is never evicted, so never disposed under it.
 */
import { EngineError, Predictor } from '../engine';
import { type Forecaster, loadForecaster as buildForecaster } from '../engine/forecast';
import { readObjectBytes } from './storage';

const MAX_MODELS = 16;
/** Artifact bytes kept warm; decoded typed arrays take less than their base64 JSON, so this bounds them. */
const MAX_ARTIFACT_BYTES = 32 * 1024 * 1024;

interface Disposable {
  dispose(): void;
}

interface Entry {
  readonly loading: Promise<Disposable>;
  /** Size of the stored artifact, filled in once it is read (0 until then). */
  readonly size: { bytes: number };
  /** Callers holding the model (holdLoaded): eviction passes it by, and disposal waits for the last. */
  holders: number;
  /** Dropped from the cache (its model was deleted) while held: the last holder disposes it. */
  forgotten: boolean;
}

const cache = new Map<string, Entry>();

/**
 * The warm predictor of a table/image model or ensemble artifact. An MLP or CNN member boots the tfjs
 * backend as it loads (the engine awaits the provider ./tfjs-wasm registers).
 */
export function loadPredictor(env: Env, artifactKey: string): Promise<Predictor> {
  return loadCached(env, artifactKey, (json) => Predictor.load(json));
}

/** The warm forecaster of a forecast model artifact (an rnn, alone or in a blend, boots tfjs as above). */
export function loadForecaster(env: Env, artifactKey: string): Promise<Forecaster> {
  return loadCached(env, artifactKey, (json) => buildForecaster(json));
}

/**
 * Runs `use` with the warm predictors of these artifacts, held until it settles. Models loaded with
 * loadPredictor are safe only until the caller's next await: another request's load may evict one then
 * (past the bounds), and eviction disposes an MLP's or CNN's tensors.
 */
export function withPredictors<R>(env: Env, artifactKeys: readonly string[], use: (predictors: Predictor[]) => Promise<R> | R): Promise<R> {
  return withLoaded(env, artifactKeys, (json) => Predictor.load(json), use);
}

/** Runs `use` with the warm forecasters of these artifacts, held until it settles (as withPredictors). */
export function withForecasters<R>(env: Env, artifactKeys: readonly string[], use: (forecasters: Forecaster[]) => Promise<R> | R): Promise<R> {
  return withLoaded(env, artifactKeys, (json) => buildForecaster(json), use);
}

async function withLoaded<T extends Disposable, R>(env: Env, artifactKeys: readonly string[], build: (json: unknown) => Promise<T>, use: (models: T[]) => Promise<R> | R): Promise<R> {
  // Every one held before any load settles (holdLoaded holds at once), so no eviction in between can pass one over.
  const holds = await Promise.allSettled(artifactKeys.map((key) => holdLoaded(env, key, build)));
  try {
    const failed = holds.find((h): h is PromiseRejectedResult => h.status === 'rejected');
    if (failed) throw failed.reason;
    return await use(holds.map((h) => (h as PromiseFulfilledResult<Held<T>>).value.model));
  } finally {
    for (const h of holds) if (h.status === 'fulfilled') h.value.release();
  }
}

/** A warm model held until `release` (once; later calls do nothing). */
export interface Held<T> {
  readonly model: T;
  readonly release: () => void;
}

/**
 * The warm predictor of an artifact, held from before its load settles until `release`: for a request
 * that predicts right after loading (the predict route). Unheld, a model evicted or deleted while it
 * loaded was disposed before the request's few promise steps were through, and it answered 500 with a
 * model that was fine.
 */
export function holdPredictor(env: Env, artifactKey: string): Promise<Held<Predictor>> {
  return holdLoaded(env, artifactKey, (json) => Predictor.load(json));
}

/** The warm forecaster of an artifact, held until `release` (as holdPredictor; the forecast route). */
export function holdForecaster(env: Env, artifactKey: string): Promise<Held<Forecaster>> {
  return holdLoaded(env, artifactKey, (json) => buildForecaster(json));
}

async function holdLoaded<T extends Disposable>(env: Env, artifactKey: string, build: (json: unknown) => Promise<T>): Promise<Held<T>> {
  const entry = entryOf(env, artifactKey, build);
  entry.holders++;
  let released = false;
  const releaseOnce = () => {
    if (released) return;
    released = true;
    release(entry);
  };
  try {
    return { model: (await entry.loading) as T, release: releaseOnce };
  } catch (err) {
    releaseOnce();
    throw err;
  }
}

/** One holder fewer: the last one disposes a forgotten model, or lets the bounds apply again. */
function release(entry: Entry): void {
  entry.holders--;
  if (entry.holders > 0) return;
  if (entry.forgotten) dispose(entry);
  else evictBeyondBounds(undefined);
}

function loadCached<T extends Disposable>(env: Env, artifactKey: string, build: (json: unknown) => Promise<T>): Promise<T> {
  return entryOf(env, artifactKey, build).loading as Promise<T>;
}

/** The cache entry of an artifact: refreshed in recency when present, its load started when not. */
function entryOf<T extends Disposable>(env: Env, artifactKey: string, build: (json: unknown) => Promise<T>): Entry {
  const hit = cache.get(artifactKey);
  if (hit) {
    // Refresh recency: Map iteration order is insertion order.
    cache.delete(artifactKey);
    cache.set(artifactKey, hit);
    return hit;
  }
  const size = { bytes: 0 };
  const loading = (async () => {
    const bytes = await readObjectBytes(env.STORE, artifactKey, 'model artifact');
    size.bytes = bytes.byteLength;
    try {
      return await build(JSON.parse(new TextDecoder().decode(bytes)));
    } catch (err) {
      // Whatever broke inside the bytes (truncated JSON, a bad tag, arrays of the wrong length), the
      // caller needs one answer: this artifact is unusable.
      if (err instanceof EngineError && err.code === 'bad_artifact') throw err;
      throw new EngineError('bad_artifact', `the artifact at ${artifactKey} could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
    }
  })();
  const entry: Entry = { loading, size, holders: 0, forgotten: false };
  cache.set(artifactKey, entry);
  loading.then(
    () => evictBeyondBounds(artifactKey),
    () => {
      if (cache.get(artifactKey) === entry) cache.delete(artifactKey);
    },
  );
  evictBeyondBounds(artifactKey);
  return entry;
}

/**
 * Drops the warm models of these artifacts (their model was deleted): nothing can ask for them again,
 * and their memory is better given to models that still serve. A load in flight is dropped too.
 */
export function forgetArtifacts(artifactKeys: readonly string[]): void {
  for (const key of artifactKeys) {
    const entry = cache.get(key);
    if (!entry) continue;
    cache.delete(key);
    if (entry.holders > 0) entry.forgotten = true;
    else dispose(entry);
  }
}

/**
 * Drops least recently used models until both bounds hold; the model just asked for, and held ones, always
 * stay (held models may keep the cache over its bounds until they are released).
 */
function evictBeyondBounds(keep: string | undefined): void {
  let total = 0;
  for (const e of cache.values()) total += e.size.bytes;
  for (const [key, e] of cache) {
    if (cache.size <= MAX_MODELS && total <= MAX_ARTIFACT_BYTES) break;
    if (key === keep || e.holders > 0) continue;
    cache.delete(key);
    total -= e.size.bytes;
    dispose(e);
  }
}

function dispose(entry: Entry): void {
  entry.loading.then((p) => p.dispose()).catch(() => undefined);
}

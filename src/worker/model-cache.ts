/**
 * @module worker/model-cache
 * Loaded models, kept warm per isolate: predictors (table and image models, ensembles) and forecasters.
 * Keyed by artifact key (immutable: a new version is a new key), so a cached entry can never go stale. An
 * LRU bound on both the number of models and the bytes of their artifacts keeps memory inside the
 * isolate's 128 MB (a few large forests would otherwise fill it, next to the trials a consumer isolate
 * runs). Loading is shared: concurrent first requests for one model wait on the same load. A failed load
 * (storage down, corrupt artifact) is never cached: the next request tries again.
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

function loadCached<T extends Disposable>(env: Env, artifactKey: string, build: (json: unknown) => Promise<T>): Promise<T> {
  const hit = cache.get(artifactKey);
  if (hit) {
    // Refresh recency: Map iteration order is insertion order.
    cache.delete(artifactKey);
    cache.set(artifactKey, hit);
    return hit.loading as Promise<T>;
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
  const entry: Entry = { loading, size };
  cache.set(artifactKey, entry);
  loading.then(
    () => evictBeyondBounds(artifactKey),
    () => {
      if (cache.get(artifactKey) === entry) cache.delete(artifactKey);
    },
  );
  evictBeyondBounds(artifactKey);
  return loading;
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
    entry.loading.then((p) => p.dispose()).catch(() => undefined);
  }
}

/** Drops least recently used models until both bounds hold; the model just asked for always stays. */
function evictBeyondBounds(keep: string): void {
  let total = 0;
  for (const e of cache.values()) total += e.size.bytes;
  for (const [key, e] of cache) {
    if (cache.size <= MAX_MODELS && total <= MAX_ARTIFACT_BYTES) break;
    if (key === keep) continue;
    cache.delete(key);
    total -= e.size.bytes;
    e.loading.then((p) => p.dispose()).catch(() => undefined);
  }
}

/**
 * @module worker/model-cache
 * Loaded models, kept warm per isolate. Keyed by artifact key (immutable: a new version is a new key), so
 * a cached entry can never go stale; a small LRU bound keeps memory inside the isolate's 128 MB. Loading
 * is shared: concurrent first requests for one model wait on the same load. A failed load (storage down,
 * corrupt artifact) is never cached: the next request tries again.
 */
import { EngineError, envelopeFamilies, parseAnyEnvelope, Predictor } from '../engine';
import { readObjectBytes } from './storage';
import { ensureTfjsWasm } from './tfjs-wasm';

const MAX_MODELS = 16;
const cache = new Map<string, Promise<Predictor>>();

export function loadPredictor(env: Env, artifactKey: string): Promise<Predictor> {
  const hit = cache.get(artifactKey);
  if (hit) {
    // Refresh recency: Map iteration order is insertion order.
    cache.delete(artifactKey);
    cache.set(artifactKey, hit);
    return hit;
  }
  const loading = (async () => {
    const bytes = await readObjectBytes(env.STORE, artifactKey, 'model artifact');
    try {
      const artifact = parseAnyEnvelope(JSON.parse(new TextDecoder().decode(bytes)));
      // Neural members need the tfjs wasm backend booted before their weights are loaded.
      if (envelopeFamilies(artifact).includes('mlp')) await ensureTfjsWasm();
      return await Predictor.load(artifact);
    } catch (err) {
      // Whatever broke inside the bytes (truncated JSON, a bad tag, arrays of the wrong length), the
      // caller needs one answer: this artifact is unusable.
      if (err instanceof EngineError && err.code === 'bad_artifact') throw err;
      throw new EngineError('bad_artifact', `the artifact at ${artifactKey} could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
    }
  })();
  cache.set(artifactKey, loading);
  loading.catch(() => {
    if (cache.get(artifactKey) === loading) cache.delete(artifactKey);
  });
  while (cache.size > MAX_MODELS) {
    const oldest = cache.keys().next().value as string;
    const evicted = cache.get(oldest);
    cache.delete(oldest);
    evicted?.then((p) => p.dispose()).catch(() => undefined);
  }
  return loading;
}

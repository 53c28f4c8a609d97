/**
 * Models held through withPredictors stay usable while other loads push the cache past its bounds: the
 * challenge step loads the challenger, then the champion, then predicts with both, and an eviction in
 * between used to dispose the first one's tfjs tensors under it. Released, the bounds apply again, and a
 * model forgotten (deleted) while held is disposed by its last holder.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { ModelVersionInfo } from '../../src/durable/registry';
import { forgetArtifacts, holdPredictor, loadPredictor, withPredictors } from '../../src/worker/model-cache';
import { loadOrCorrupt } from '../../src/worker/model-versions';
import { publishMlpEnsemble } from './mlp-member-fixture';

const ROWS = [
  { x1: 0.8, x2: -0.6, x3: 0.1, colour: 'red' },
  { x1: -1.2, x2: 0.9, x3: -0.3, colour: 'blue' },
];

/** More models than the cache keeps (16), each a copy of the artifact under its own key. */
async function copies(artifactKey: string, prefix: string, count = 17): Promise<string[]> {
  const json = await (await env.STORE.get(artifactKey))!.text();
  const keys = Array.from({ length: count }, (_, i) => `${prefix}/copy-${i}.json`);
  for (const key of keys) await env.STORE.put(key, json);
  return keys;
}

async function loadAll(keys: readonly string[]): Promise<void> {
  for (const key of keys) await loadPredictor(env, key);
}

/** Lets the cache's disposal of a dropped model (a callback on its load) run before the test looks. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 10));

const probabilities = (p: { predictRows(rows: readonly unknown[]): unknown }) => JSON.stringify(p.predictRows(ROWS));

/** What the predict route does: hold the version's model through loadOrCorrupt, predict, release. */
async function routeLike(key: string, seen?: (p: { predictRows(rows: readonly unknown[]): unknown }) => void): Promise<string> {
  const version = { version: 1, artifact_key: key } as ModelVersionInfo;
  const held = await loadOrCorrupt(env, 'cache-test', 'm', version, 'predict', () => holdPredictor(env, key));
  try {
    seen?.(held.model);
    return probabilities(held.model);
  } finally {
    held.release();
  }
}

describe('holding warm models', () => {
  it('an unheld model is disposed once 16 later loads evict it (the hazard the hold removes)', async () => {
    const { artifactKey } = await publishMlpEnsemble('unheld');
    const [mine, ...others] = await copies(artifactKey, 'cache-test/unheld');
    const predictor = await loadPredictor(env, mine!);
    expect(probabilities(predictor)).toContain('probabilities');
    await loadAll(others);
    await nextTask();
    expect(() => predictor.predictRows(ROWS)).toThrow(/dispos/i);
  });

  it('held models keep predicting while later loads evict others', async () => {
    const { artifactKey } = await publishMlpEnsemble('held');
    const [first, second, ...others] = await copies(artifactKey, 'cache-test/held');
    const answer = await withPredictors(env, [first!, second!], async ([a, b]) => {
      const before = probabilities(a!);
      // The two held ones are now the least recently used: unheld, they would go first.
      await loadAll(others);
      expect(probabilities(a!)).toBe(before);
      expect(probabilities(b!)).toBe(before);
      return before;
    });
    expect(answer).toContain('probabilities');
  });

  it('more held models than the cache keeps stay until released, then the bound applies again', async () => {
    const { artifactKey } = await publishMlpEnsemble('over-bound');
    const keys = await copies(artifactKey, 'cache-test/over-bound');
    let oldest: { predictRows(rows: readonly unknown[]): unknown } | undefined;
    await withPredictors(env, keys, (predictors) => {
      expect(predictors).toHaveLength(17);
      for (const p of predictors) expect(probabilities(p)).toContain('probabilities');
      oldest = predictors[0];
    });
    await nextTask();
    // 17 warm models are one too many: the least recently used, the first held, is disposed.
    expect(() => oldest!.predictRows(ROWS)).toThrow(/dispos/i);
  });

  it('a model deleted while held is disposed by its holder, not under it', async () => {
    const { artifactKey } = await publishMlpEnsemble('forgotten');
    const [key] = await copies(artifactKey, 'cache-test/forgotten', 1);
    let kept: { predictRows(rows: readonly unknown[]): unknown } | undefined;
    await withPredictors(env, [key!], async ([p]) => {
      forgetArtifacts([key!]);
      await new Promise((resolve) => setTimeout(resolve, 10));
      kept = p;
      expect(probabilities(p!)).toContain('probabilities');
    });
    await nextTask();
    expect(() => kept!.predictRows(ROWS)).toThrow(/dispos/i);
    // Asked again, it loads afresh.
    expect(probabilities(await loadPredictor(env, key!))).toContain('probabilities');
  });

  // From a read-only audit of serving: the predict and forecast routes loaded through loadOrCorrupt and
  // predicted right after, unheld; a model evicted (or its model deleted) while it loaded was disposed
  // before those few promise steps were through, and the request answered 500 for a model that was fine.
  // They now hold it (holdPredictor, holdForecaster) from before the load settles until they answer.
  it('a model evicted while it loads still answers the requests waiting for it', async () => {
    const { artifactKey } = await publishMlpEnsemble('evicted-loading');
    const [mine, ...others] = await copies(artifactKey, 'cache-test/evicted-loading');
    const answer = routeLike(mine!);
    // 16 later models are asked for before it has loaded: the oldest, still loading, is evicted.
    await Promise.all(others.map((key) => loadPredictor(env, key)));
    expect(await answer).toContain('probabilities');
  });

  it('a model deleted while it loads still answers the requests waiting for it, then is freed', async () => {
    const { artifactKey } = await publishMlpEnsemble('forgotten-loading');
    const [key] = await copies(artifactKey, 'cache-test/forgotten-loading', 1);
    let used: { predictRows(rows: readonly unknown[]): unknown } | undefined;
    const answer = routeLike(key!, (p) => (used = p));
    forgetArtifacts([key!]);
    expect(await answer).toContain('probabilities');
    await nextTask();
    expect(() => used!.predictRows(ROWS)).toThrow(/dispos/i);
  });

  it('a hold that fails on an artifact it cannot read releases the ones it could', async () => {
    const { artifactKey } = await publishMlpEnsemble('after-missing');
    const [good, ...others] = await copies(artifactKey, 'cache-test/after-missing');
    const predictor = await loadPredictor(env, good!);
    await expect(withPredictors(env, [good!, 'cache-test/missing.json'], () => 'used')).rejects.toThrow(/missing/);
    // Released with the failure: the later loads evict it as any unheld model.
    await loadAll(others);
    await nextTask();
    expect(() => predictor.predictRows(ROWS)).toThrow(/dispos/i);
  });
});

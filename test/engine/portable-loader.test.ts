/**
 * The portable loader (src/engine/portable.ts). Models trained by the engine are stored exactly as the
 * Worker stores them in R2 (the JSON text of the trial's envelope), loaded with loadModel, and must
 * predict and explain bit-identically to the serving Predictor built from the freshly trained envelope;
 * the same holds for the single-file bundle that scripts/build-loader.ts produces, imported as plain ESM.
 */
import { readFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleLoader } from '../../scripts/build-loader';
import { EngineError } from '../../src/engine/core/errors';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import type { MetricName } from '../../src/engine/eval/metrics';
import type { ModelFamily } from '../../src/engine/models/model';
import { getModelSpec } from '../../src/engine/models/registry';
import { loadModel } from '../../src/engine/portable';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';
import type { Params } from '../../src/engine/search/space';
import { SHARED_DATA_DIR } from './helpers/load-shared-csv';

const read = (file: string) => readFileSync(join(SHARED_DATA_DIR, file), 'utf8');

/** Test rows of a shared dataset as request rows (column -> cell text). */
function testRows(name: string): Record<string, string>[] {
  const t = parseCsv(read(`${name}.test.csv`));
  return t.rows.map((r) => Object.fromEntries(t.header.map((h, j) => [h, r[j]])));
}

interface Trained {
  /** The artifact text, as the trial consumer writes it to R2 (JSON.stringify of the envelope). */
  readonly stored: string;
  /** The serving predictor built from the envelope the trial returned (never serialised). */
  readonly predictor: Predictor;
  readonly rows: Record<string, string>[];
}

async function trainAndStore(name: string, family: ModelFamily, metric: MetricName, extra: Params = {}): Promise<Trained> {
  const meta = JSON.parse(read(`${name}.json`)) as { target: string; task: 'binary' | 'multiclass' | 'regression' };
  const ds = inferDataset(parseCsv(read(`${name}.train.csv`))).dataset;
  const shape = { rows: ds.rows, cols: ds.columns.length - 1, task: meta.task, nClasses: meta.task === 'regression' ? 0 : 3 };
  const params = { ...getModelSpec(family).defaults(shape), ...extra };
  const outcome = await runTrial(ds, { family, params, target: meta.target, task: meta.task, metric, seed: 3, folds: 1 });
  if (outcome.status !== 'complete') throw new Error(`${family} trial failed: ${outcome.reason}`);
  return { stored: JSON.stringify(outcome.envelope), predictor: await Predictor.load(outcome.envelope), rows: testRows(name) };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cases: { name: string; family: ModelFamily; metric: MetricName; extra: Params; explains: boolean }[] = [
  { name: 'credit_g', family: 'gbdt', metric: 'roc_auc', extra: { n_estimators: 80 }, explains: true },
  { name: 'auto_mpg', family: 'gbdt', metric: 'rmse', extra: { n_estimators: 80 }, explains: true },
  { name: 'penguins', family: 'linear', metric: 'log_loss', extra: {}, explains: true },
  { name: 'credit_g', family: 'linear', metric: 'roc_auc', extra: {}, explains: true },
  { name: 'penguins', family: 'mlp', metric: 'log_loss', extra: { epochs: 5, hidden_units: 16, hidden_layers: 1 }, explains: false },
];

describe('loadModel on the stored artifact text', () => {
  for (const c of cases) {
    it(`${c.family} on ${c.name}: predictions${c.explains ? ' and explanations' : ''} bit-identical to the Predictor`, async () => {
      const t = await trainAndStore(c.name, c.family, c.metric, c.extra);
      const model = await loadModel(t.stored);
      // toEqual compares numbers with Object.is: any differing bit (even 0 vs -0) fails.
      expect(model.predict(t.rows)).toEqual(t.predictor.predictRows(t.rows));
      if (c.explains) expect(model.explain(t.rows)).toEqual(t.predictor.explainRows(t.rows));
      expect(model.info).toMatchObject({ kind: 'model', families: [c.family], target: t.predictor.artifact.target, classes: t.predictor.artifact.classes });
      expect(model.info.inputs.map((i) => i.name)).toEqual(t.predictor.envelope.pipeline.inputs.map((i) => i.name));
      model.dispose();
    });
  }

  it('refuses text that is not an artifact, with a bad_artifact error', async () => {
    await expect(loadModel('{"format": "something-else"}')).rejects.toMatchObject({ code: 'bad_artifact' });
    await expect(loadModel('not json')).rejects.toBeInstanceOf(EngineError);
    await expect(loadModel({ format: 'edge-automl/model', version: 99 })).rejects.toThrow(/unsupported model artifact version 99/);
  });
});

describe('the single-file bundle (scripts/build-loader.ts)', () => {
  it('is platform-neutral ESM that imports only tfjs, and predicts bit-identically in plain Node', async () => {
    // Written under node_modules so the bundle's bare tfjs imports resolve from the project's install.
    const dir = resolve(import.meta.dirname, '../../node_modules/.cache/edge-automl-loader-test');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'edge-automl-loader.mjs');
    await bundleLoader(file);
    const source = readFileSync(file, 'utf8');
    const imports = [...source.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]);
    expect(imports.length).toBeGreaterThan(0);
    for (const specifier of imports) expect(specifier).toMatch(/^@tensorflow\//);
    expect(source).not.toMatch(/cloudflare:|node:/);

    const bundle = (await import(pathToFileURL(file).href)) as typeof import('../../src/engine/portable');
    for (const c of cases.slice(0, 3)) {
      const t = await trainAndStore(c.name, c.family, c.metric, c.extra);
      const model = await bundle.loadModel(t.stored);
      expect(model.predict(t.rows)).toEqual(t.predictor.predictRows(t.rows));
      expect(model.explain(t.rows)).toEqual(t.predictor.explainRows(t.rows));
    }
  });
});

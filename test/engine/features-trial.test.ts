/**
 * The data-preparation options end to end through runTrial on shared datasets: every option runs, gives
 * a finite cross-validated score, and its artifact serves rows through the Predictor. Also checks that
 * pipeline defaults leave a trial exactly as it was, and that model specs never see pipeline keys.
 * Scores are printed for the report; assertions stay loose (finite, sane) since these are single seeds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import type { MetricName } from '../../src/engine/eval/metrics';
import { pipelineDefaults } from '../../src/engine/features/pipeline-space';
import type { ModelFamily } from '../../src/engine/models/model';
import { getModelSpec } from '../../src/engine/models/registry';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';
import type { Params } from '../../src/engine/search/space';
import { SHARED_DATA_DIR } from './helpers/load-shared-csv';

function load(name: string): { ds: Dataset; target: string; text: string } {
  const meta = JSON.parse(readFileSync(join(SHARED_DATA_DIR, `${name}.json`), 'utf8')) as { target: string };
  const text = readFileSync(join(SHARED_DATA_DIR, `${name}.train.csv`), 'utf8');
  return { ds: inferDataset(parseCsv(text)).dataset, target: meta.target, text };
}

interface Case {
  readonly family: ModelFamily;
  readonly extra: Params;
}

async function score(ds: Dataset, target: string, metric: MetricName, c: Case, task: 'multiclass' | 'regression' = 'multiclass') {
  const shape = { rows: ds.rows, cols: ds.columns.length - 1, task, nClasses: task === 'regression' ? 0 : 19 };
  const params = { ...getModelSpec(c.family).defaults(shape), ...c.extra };
  return runTrial(ds, { family: c.family, params, target, metric, seed: 3, folds: 3 });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('pipeline options through runTrial (soybean, multiclass)', () => {
  const { ds, target } = load('soybean');
  const cases: Case[] = [
    { family: 'linear', extra: {} },
    { family: 'linear', extra: { fe_select: 'mutual_info', fe_select_keep: 0.5 } },
    { family: 'linear', extra: { fe_construct: 'pairs' } },
    { family: 'linear', extra: { augment: 'smote' } },
    { family: 'knn', extra: { augment: 'smote', class_weight: 'balanced' } },
    { family: 'knn', extra: { fe_select: 'importance', fe_select_keep: 0.4 } },
    { family: 'gbdt', extra: { class_weight: 'balanced', fe_select: 'mutual_info', fe_select_keep: 0.7, n_estimators: 60 } },
  ];
  const lines: string[] = [];

  for (const c of cases) {
    it(`${c.family} ${JSON.stringify(c.extra)} gives a finite score and a servable artifact`, async () => {
      const outcome = await score(ds, target, 'accuracy', c);
      if (outcome.status !== 'complete') throw new Error(`${outcome.code}: ${outcome.reason}`);
      expect(Number.isFinite(outcome.score)).toBe(true);
      expect(outcome.score).toBeGreaterThan(0.5);
      lines.push(`${c.family} ${JSON.stringify(c.extra)}: accuracy ${outcome.score.toFixed(4)}, ${outcome.fitInfo.features} features`);
      const predictor = await Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
      const row = Object.fromEntries(ds.columns.filter((col) => col.name !== target).map((col) => [col.name, null]));
      const result = predictor.predictRows([row]);
      expect(result.predictions).toHaveLength(1);
      predictor.dispose();
    });
  }

  it('pipeline defaults change nothing: the same trial with and without them is identical', async () => {
    const shape = { rows: ds.rows, cols: ds.columns.length - 1, task: 'multiclass' as const, nClasses: 19 };
    for (const [family, extra] of [['gbdt', { n_estimators: 40 }], ['knn', {}]] as const) {
      const plain = await score(ds, target, 'accuracy', { family, extra });
      const withDefaults = await score(ds, target, 'accuracy', { family, extra: { ...pipelineDefaults(family, shape), ...extra } });
      if (plain.status !== 'complete' || withDefaults.status !== 'complete') throw new Error('trial failed');
      expect(withDefaults.score).toBe(plain.score);
      expect(Array.from(withDefaults.oof)).toEqual(Array.from(plain.oof));
    }
  });

  it('prints the scores', () => {
    console.log(`soybean 3-fold OOF accuracy, seed 3\n${lines.join('\n')}`);
  });
});

describe('construction and noise through runTrial (ames_housing, regression)', () => {
  const { ds, target } = load('ames_housing');
  const cases: Case[] = [
    { family: 'linear', extra: {} },
    { family: 'linear', extra: { fe_construct: 'pairs' } },
    { family: 'linear', extra: { fe_construct: 'pairs', fe_select: 'mutual_info', fe_select_keep: 0.6 } },
    { family: 'knn', extra: {} },
    { family: 'knn', extra: { augment: 'noise', fe_select: 'importance', fe_select_keep: 0.3 } },
  ];
  const lines: string[] = [];
  for (const c of cases) {
    it(`${c.family} ${JSON.stringify(c.extra)} gives a finite RMSE`, async () => {
      const outcome = await score(ds, target, 'rmse', c, 'regression');
      if (outcome.status !== 'complete') throw new Error(`${outcome.code}: ${outcome.reason}`);
      expect(Number.isFinite(outcome.score)).toBe(true);
      lines.push(`${c.family} ${JSON.stringify(c.extra)}: rmse ${outcome.score.toFixed(0)}, ${outcome.fitInfo.features} features`);
      if (c.extra.fe_construct) expect(outcome.envelope.pipeline.steps?.some((s) => s.kind === 'construct')).toBe(true);
    });
  }
  it('prints the scores', () => {
    console.log(`ames_housing 3-fold OOF RMSE, seed 3\n${lines.join('\n')}`);
  });
});

describe('text columns and target encoding through runTrial', () => {
  // Synthetic reviews: the label lives in the words and in a 60-level merchant code, so both new encoders matter.
  const words = [['broke', 'refund', 'awful'], ['great', 'love', 'works']];
  const lines = ['review,merchant,price,label'];
  let state = 17;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 600; i++) {
    const label = next() < 0.5 ? 1 : 0;
    const merchant = Math.floor(next() * 60);
    const bag = Array.from({ length: 4 }, () => (next() < 0.7 ? words[label] : words[1 - label])[Math.floor(next() * 3)]);
    const text = next() < 0.05 ? '' : `"${bag.join(' ')} item number ${i}"`;
    const noisy = next() < (merchant % 3 === 0 ? 0.1 : 0.3) ? 1 - label : label;
    lines.push(`${text},m${merchant},${(next() * 100).toFixed(2)},${noisy === 1 ? 'good' : 'bad'}`);
  }
  const { dataset } = inferDataset(parseCsv(lines.join('\n')));

  it('infers the text column and learns from it with dense and tree models', async () => {
    expect(dataset.columns.find((c) => c.name === 'review')?.type).toBe('text');
    for (const family of ['linear', 'gbdt'] as const) {
      const shape = { rows: 600, cols: 3, task: 'binary' as const, nClasses: 2 };
      const trial = (ignore: string[]) =>
        runTrial(dataset, { family, params: getModelSpec(family).defaults(shape), target: 'label', metric: 'roc_auc', seed: 1, folds: 3, ignore });
      const outcome = await trial([]);
      const withoutText = await trial(['review']);
      if (outcome.status !== 'complete' || withoutText.status !== 'complete') throw new Error('trial failed');
      console.log(`synthetic reviews ${family}: OOF ROC AUC ${outcome.score.toFixed(4)} with text, ${withoutText.score.toFixed(4)} without, ${outcome.fitInfo.features} features`);
      expect(outcome.score).toBeGreaterThan(withoutText.score + 0.05);
      const predictor = await Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
      const out = predictor.predictRows([{ review: 'love it, works great', merchant: 'm999' }, { review: 'awful, broke, refund please' }, { review: '' }]);
      expect(out.probabilities?.[0].good).toBeGreaterThan(out.probabilities?.[1].good ?? 1);
      predictor.dispose();
    }
  });
});

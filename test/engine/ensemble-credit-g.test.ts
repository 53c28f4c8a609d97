/**
 * Ensembles end to end on credit_g: real trials of several families (runTrial, 5-fold OOF), greedy
 * selection on their out-of-fold predictions, the ensemble artifact served by Predictor on the held-out
 * test rows, the artifact's JSON round trip, and refusal of unknown or inconsistent artifacts. The MLP
 * trains on the tfjs cpu backend here (the wasm backend is exercised by mlp.test.ts).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { prepareTarget } from '../../src/engine/data/target';
import { buildEnsembleEnvelope } from '../../src/engine/ensemble/build-envelope';
import { type EnsembleSelection, greedyEnsembleSelection } from '../../src/engine/ensemble/greedy-selection';
import { METRICS } from '../../src/engine/eval/metrics';
import type { ModelFamily } from '../../src/engine/models/model';
import { getModelSpec } from '../../src/engine/models/registry';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';
import type { Params } from '../../src/engine/search/space';
import { type EnsembleEnvelope, type ModelEnvelope, parseAnyEnvelope } from '../../src/engine/serialize/envelope';

const DATA = '/work/shared/data';
const TARGET = 'class';

interface Member {
  id: string;
  family: ModelFamily;
  params: (shape: Parameters<ReturnType<typeof getModelSpec>['defaults']>[0]) => Params;
}

const MEMBERS: Member[] = [
  { id: 'gbdt-default', family: 'gbdt', params: (s) => getModelSpec('gbdt').defaults(s) },
  { id: 'gbdt-shallow', family: 'gbdt', params: (s) => ({ ...getModelSpec('gbdt').defaults(s), num_leaves: 4, learning_rate: 0.03, feature_fraction: 0.5 }) },
  { id: 'linear-default', family: 'linear', params: (s) => getModelSpec('linear').defaults(s) },
  { id: 'mlp-default', family: 'mlp', params: (s) => getModelSpec('mlp').defaults(s) },
];

/** Test rows as JSON objects without the target, plus the target's class index in `classes`. */
function testRows(classes: readonly string[]): { rows: Record<string, string>[]; y: Float32Array } {
  const table = parseCsv(readFileSync(`${DATA}/credit_g.test.csv`, 'utf8'));
  const t = table.header.indexOf(TARGET);
  const rows = table.rows.map((r) => Object.fromEntries(table.header.map((h, j) => [h, r[j]]).filter(([h]) => h !== TARGET)));
  const y = Float32Array.from(table.rows, (r) => {
    const k = classes.indexOf(r[t].trim());
    if (k < 0) throw new Error(`unknown class ${r[t]}`);
    return k;
  });
  return { rows, y };
}

describe('ensemble on credit_g', () => {
  let ds: Dataset;
  const envelopes = new Map<string, ModelEnvelope>();
  const oofAuc = new Map<string, number>();
  let selection: EnsembleSelection;
  let ensemble: EnsembleEnvelope;
  let test: { rows: Record<string, string>[]; y: Float32Array };

  beforeAll(async () => {
    await tf.setBackend('cpu');
    ds = inferDataset(parseCsv(readFileSync(`${DATA}/credit_g.train.csv`, 'utf8'))).dataset;
    const target = prepareTarget(ds, TARGET);
    const shape = { rows: target.rows.length, cols: ds.columns.length - 1, task: target.task, nClasses: target.classes.length };
    const candidates = [];
    for (const m of MEMBERS) {
      const outcome = await runTrial(ds, { family: m.family, params: m.params(shape), target: TARGET, metric: 'roc_auc', seed: 7, folds: 5 });
      if (outcome.status !== 'complete') throw new Error(`${m.id} failed: ${outcome.reason}`);
      envelopes.set(m.id, outcome.envelope);
      oofAuc.set(m.id, outcome.score);
      candidates.push({ id: m.id, oof: outcome.oof });
    }
    selection = greedyEnsembleSelection({ y: target.y, task: target.task, nClasses: target.classes.length }, 'roc_auc', candidates, { rounds: 25 });
    ensemble = buildEnsembleEnvelope(selection, (id) => envelopes.get(id), 'roc_auc');
    test = testRows(target.classes);
  }, 300_000);

  it('selects an ensemble at least as good as the best member out of fold', () => {
    const best = Math.max(...oofAuc.values());
    expect(selection.bestSingle.score).toBe(best);
    expect(selection.score).toBeGreaterThanOrEqual(best);
    console.log(
      `credit_g OOF AUC: ${[...oofAuc].map(([id, s]) => `${id}=${s.toFixed(4)}`).join(' ')} | ensemble=${selection.score.toFixed(4)} ` +
        `members ${selection.members.map((m) => `${m.id}×${m.count}`).join(' ')} (${selection.size} picks)`,
    );
  });

  it('serves the ensemble on the test split, at least as well as its weakest member', async () => {
    const served = await Predictor.load(JSON.parse(JSON.stringify(ensemble)));
    const aucOf = (p: Predictor) => METRICS.roc_auc.score(test.y, p.predictRaw(test.rows), 2);
    const ensembleAuc = aucOf(served);
    const memberAuc = new Map<string, number>();
    const raws = new Map<string, Float32Array>();
    for (const [id, env] of envelopes) {
      const p = await Predictor.load(env);
      memberAuc.set(id, aucOf(p));
      raws.set(id, p.predictRaw(test.rows));
      p.dispose();
    }
    const chosen = ensemble.members.map((m) => memberAuc.get(m.id ?? '') as number);
    const bestAll = Math.max(...memberAuc.values());
    console.log(
      `credit_g test AUC: ${[...memberAuc].map(([id, s]) => `${id}=${s.toFixed(4)}`).join(' ')} | ensemble=${ensembleAuc.toFixed(4)} ` +
        `(${ensembleAuc > bestAll ? 'beats' : 'does not beat'} the best member ${bestAll.toFixed(4)})`,
    );
    expect(ensembleAuc).toBeGreaterThanOrEqual(Math.min(...chosen));
    expect(ensembleAuc).toBeGreaterThanOrEqual(Math.min(...memberAuc.values()));

    // The served output is the weighted average of the members' outputs.
    const raw = served.predictRaw(test.rows);
    for (let i = 0; i < raw.length; i++) {
      const expected = ensemble.members.reduce((s, m) => s + m.weight * (raws.get(m.id as string) as Float32Array)[i], 0);
      expect(raw[i]).toBeCloseTo(expected, 5);
    }
    served.dispose();
  });

  it('exposes a describing envelope and labels like a single model', async () => {
    const served = await Predictor.load(ensemble);
    expect(served.task).toBe('binary');
    expect(served.artifact.format).toBe('edge-automl/ensemble');
    const view = served.envelope;
    expect(view.task).toBe('binary');
    expect(view.target).toBe(TARGET);
    expect(view.classes).toEqual(ensemble.classes);
    expect(view.metric).toBe('roc_auc');
    expect(view.columns).toEqual(ensemble.columns);
    expect(view.pipeline).toEqual(ensemble.members[0].envelope.pipeline);
    const out = served.predictRows(test.rows.slice(0, 5));
    expect(out.predictions).toHaveLength(5);
    for (const p of out.probabilities ?? []) expect(Object.values(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    served.dispose();
  });

  it('round-trips the artifact through JSON with identical predictions', async () => {
    const direct = await Predictor.load(ensemble);
    const text = JSON.stringify(ensemble);
    const reloaded = await Predictor.load(JSON.parse(text));
    expect(reloaded.predictRaw(test.rows)).toEqual(direct.predictRaw(test.rows));
    expect(reloaded.predictRows(test.rows)).toEqual(direct.predictRows(test.rows));
    expect(JSON.stringify(parseAnyEnvelope(JSON.parse(text)))).toBe(text);
    direct.dispose();
    reloaded.dispose();
  });

  it('still loads plain model artifacts unchanged', async () => {
    const env = envelopes.get('gbdt-default') as ModelEnvelope;
    const p = await Predictor.load(JSON.parse(JSON.stringify(env)));
    expect(p.artifact.format).toBe('edge-automl/model');
    expect(p.envelope).toEqual(JSON.parse(JSON.stringify(env)));
    expect(p.predictRows(test.rows.slice(0, 3)).predictions).toHaveLength(3);
    p.dispose();
  });

  it('refuses unknown formats, versions and inconsistent members', async () => {
    const code = async (json: unknown) => {
      try {
        await Predictor.load(json);
      } catch (e) {
        return e instanceof EngineError ? e.code : String(e);
      }
      return 'loaded';
    };
    const member = ensemble.members[0];
    expect(await code({ ...ensemble, format: 'edge-automl/stack' })).toBe('bad_artifact');
    expect(await code({ ...ensemble, version: 2 })).toBe('bad_artifact');
    expect(await code(null)).toBe('bad_artifact');
    expect(await code({ ...ensemble, members: [] })).toBe('bad_artifact');
    expect(await code({ ...ensemble, members: [{ ...member, weight: -1 }] })).toBe('bad_artifact');
    expect(await code({ ...ensemble, members: [{ weight: 1, envelope: ensemble }] })).toBe('bad_artifact');
    const flipped = { ...member.envelope, classes: [...member.envelope.classes].reverse() };
    expect(await code({ ...ensemble, members: [member, { weight: 1, envelope: flipped }] })).toBe('bad_artifact');
  });
});

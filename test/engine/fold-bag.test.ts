/**
 * A job's trial may serve its cross-validation's fold models averaged instead of a refit (run-trial's
 * `bag`, for the families and tasks in ModelSpec.bagTasks). The bag is built from the very folds that
 * scored the trial, predicts the mean of its members, survives the JSON round trip, and flattens into a
 * job ensemble without nesting. Where a family does not bag on the task, or a single holdout ran, the
 * trial refits exactly as without `bag`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { buildEnsembleEnvelope } from '../../src/engine/ensemble/build-envelope';
import { Predictor } from '../../src/engine/predictor';
import { runTrial, type TrialOutcome, type TrialSpec } from '../../src/engine/run-trial';
import { ENSEMBLE_FORMAT, type AnyEnvelope, type EnsembleEnvelope } from '../../src/engine/serialize/envelope';
import { SHARED_DATA_DIR } from './helpers/load-shared-csv';

function table(name: string): { ds: Dataset; rows: Record<string, string>[] } {
  const text = readFileSync(join(SHARED_DATA_DIR, `${name}.test.csv`), 'utf8');
  const test = parseCsv(text);
  const rows = test.rows.slice(0, 40).map((r) => Object.fromEntries(test.header.map((h, j) => [h, r[j]])));
  return { ds: inferDataset(parseCsv(readFileSync(join(SHARED_DATA_DIR, `${name}.train.csv`), 'utf8'))).dataset, rows };
}

function complete<E extends AnyEnvelope>(o: TrialOutcome<E>): Extract<TrialOutcome<E>, { status: 'complete' }> {
  if (o.status !== 'complete') throw new Error(`trial failed: ${o.reason}`);
  return o;
}

const isBag = (e: AnyEnvelope): e is EnsembleEnvelope => e.format === ENSEMBLE_FORMAT;

describe('fold bags', () => {
  let pima: { ds: Dataset; rows: Record<string, string>[] };
  const spec: TrialSpec = { family: 'gbdt', params: { n_estimators: 60 }, target: 'class', metric: 'roc_auc', seed: 3, folds: 5 };

  beforeAll(() => {
    pima = table('pima_diabetes');
  });

  it('serves the five fold models of a binary gbdt trial, scored by the same folds as the refit', async () => {
    const refit = complete(await runTrial(pima.ds, spec));
    const bag = complete(await runTrial(pima.ds, { ...spec, bag: true }));
    expect(isBag(refit.envelope)).toBe(false);
    if (!isBag(bag.envelope)) throw new Error('expected a bag');
    expect(bag.envelope.members.map((m) => m.id)).toEqual(['fold-0', 'fold-1', 'fold-2', 'fold-3', 'fold-4']);
    expect(bag.envelope.members.every((m) => m.weight === 0.2)).toBe(true);
    // Same folds, same fold models: the out-of-fold predictions and the score are those of the refit trial.
    expect(bag.score).toBe(refit.score);
    expect(Array.from(bag.oof)).toEqual(Array.from(refit.oof));
    expect(bag.fitInfo.bagged_folds).toBe(5);
    expect(bag.fitInfo.best_iteration).toBeGreaterThan(0);

    // The bag predicts the mean of its members, also after a JSON round trip.
    const served = await Predictor.load(JSON.parse(JSON.stringify(bag.envelope)));
    const members = await Promise.all(bag.envelope.members.map((m) => Predictor.load(JSON.parse(JSON.stringify(m.envelope)))));
    const out = served.predictRaw(pima.rows);
    const each = members.map((p) => p.predictRaw(pima.rows));
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(each.reduce((s, o) => s + o[i], 0) / each.length, 5);
    // The members differ (each learned from its own folds), so the bag is not one model five times.
    expect(Array.from(each[0])).not.toEqual(Array.from(each[1]));
  }, 60_000);

  it('refits where the family does not bag on the task, and after a single holdout', async () => {
    const penguins = table('penguins');
    const multiclass = complete(await runTrial(penguins.ds, { ...spec, target: 'species', metric: 'log_loss', bag: true }));
    expect(isBag(multiclass.envelope)).toBe(false);
    const forest = complete(await runTrial(pima.ds, { ...spec, family: 'random_forest', params: { n_estimators: 20 }, bag: true }));
    expect(isBag(forest.envelope)).toBe(false);
    // A bag over the serving cap gives way to the refit (same folds, same score).
    const capped = complete(await runTrial(pima.ds, { ...spec, bag: true, maxBagServingMicros: 1 }));
    expect(isBag(capped.envelope)).toBe(false);
    expect(capped.fitInfo.refit_iterations).toBeGreaterThan(0);
    const holdout = complete(await runTrial(pima.ds, { ...spec, folds: 1, bag: true }));
    expect(isBag(holdout.envelope)).toBe(false);
    expect(holdout.fitInfo.refit_iterations).toBeGreaterThan(0);
  }, 60_000);

  it('flattens a bag into a job ensemble: members carry the trial id and their share of its weight', async () => {
    const bag = complete(await runTrial(pima.ds, { ...spec, bag: true }));
    const single = complete(await runTrial(pima.ds, { ...spec, family: 'linear', params: {} }));
    const envelopes = new Map<string, AnyEnvelope>([
      ['t0001', bag.envelope],
      ['t0002', single.envelope],
    ]);
    const ensemble = buildEnsembleEnvelope({ members: [{ id: 't0002', index: 1, count: 3, weight: 0.6 }, { id: 't0001', index: 0, count: 2, weight: 0.4 }] }, (id) => envelopes.get(id));
    expect(ensemble.members.map((m) => m.id)).toEqual(['t0002', 't0001/fold-0', 't0001/fold-1', 't0001/fold-2', 't0001/fold-3', 't0001/fold-4']);
    expect(ensemble.members.every((m) => !isBag(m.envelope as AnyEnvelope))).toBe(true);
    expect(ensemble.members.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 10);
    expect(ensemble.members[1].weight).toBeCloseTo(0.08, 10);
    // Served, it is 0.6 × the linear model + 0.4 × the bag.
    const [e, b, l] = await Promise.all([ensemble, bag.envelope, single.envelope].map((x) => Predictor.load(JSON.parse(JSON.stringify(x)))));
    const [oe, ob, ol] = [e, b, l].map((p) => p.predictRaw(pima.rows));
    for (let i = 0; i < oe.length; i++) expect(oe[i]).toBeCloseTo(0.6 * ol[i] + 0.4 * ob[i], 5);
  }, 60_000);
});

/**
 * The serving-cost estimate that caps an ensemble's latency: it ranks artifacts the way their measured
 * prediction times do (more and deeper trees cost more, an ensemble pays for every member), and the job
 * ensemble never picks members whose summed cost is over the cap, even when an unconstrained blend would.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/engine/data/dataset';
import { encodeDataset, decodeDataset } from '../../src/engine/data/columnar-codec';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { selectJobEnsemble } from '../../src/engine/ensemble/select-for-job';
import { buildEnsembleEnvelope } from '../../src/engine/ensemble/build-envelope';
import { getModelSpec } from '../../src/engine/models/registry';
import type { ModelFamily } from '../../src/engine/models/model';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';
import type { Params } from '../../src/engine/search/space';
import type { ModelEnvelope } from '../../src/engine/serialize/envelope';
import { servingCostMicros } from '../../src/engine/serialize/serving-cost';
import { Rng } from '../../src/engine/core/rng';

/** A learnable binary table: y depends on x0, x1 and a category, with noise. */
function table(rows: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const lines = ['x0,x1,x2,c,y'];
  for (let i = 0; i < rows; i++) {
    const [x0, x1, x2] = [rng.next() * 4 - 2, rng.next() * 4 - 2, rng.next()];
    const c = ['a', 'b', 'c'][Math.floor(rng.next() * 3)];
    const z = x0 - 0.8 * x1 + (c === 'b' ? 1 : 0) + (rng.next() - 0.5);
    lines.push(`${x0.toFixed(4)},${x1.toFixed(4)},${x2.toFixed(4)},${c},${z > 0 ? 'yes' : 'no'}`);
  }
  const { dataset } = inferDataset({ header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) }, Object.create(null));
  return decodeDataset(encodeDataset(dataset));
}

const shape = { rows: 400, cols: 4, task: 'binary' as const, nClasses: 2 };

async function trial(ds: Dataset, family: ModelFamily, params: Params) {
  const outcome = await runTrial(ds, { family, params, target: 'y', metric: 'roc_auc', seed: 1, folds: 3 });
  if (outcome.status !== 'complete') throw new Error(outcome.reason);
  return outcome;
}

describe('servingCostMicros', () => {
  it('grows with the number of trees and sums over ensemble members', async () => {
    const ds = table(400, 1);
    const gbdt = getModelSpec('gbdt').defaults(shape);
    const small = (await trial(ds, 'gbdt', { ...gbdt, n_estimators: 10, early_stopping_rounds: 0 })).envelope;
    const big = (await trial(ds, 'gbdt', { ...gbdt, n_estimators: 200, early_stopping_rounds: 0 })).envelope;
    const forest = (await trial(ds, 'random_forest', getModelSpec('random_forest').defaults(shape))).envelope;
    // The per-row feature work is the same for both; the trees make the difference.
    expect(servingCostMicros(big)).toBeGreaterThan(servingCostMicros(small) * 2);
    // A bagged forest of deep trees costs more per row than a small boosted model.
    expect(servingCostMicros(forest)).toBeGreaterThan(servingCostMicros(small));
    const blend = buildEnsembleEnvelope(
      { members: [{ id: 'a', index: 0, count: 1, weight: 0.5 }, { id: 'b', index: 1, count: 1, weight: 0.5 }] } as never,
      (id) => (id === 'a' ? small : forest),
    );
    expect(servingCostMicros(blend)).toBeCloseTo(servingCostMicros(small) + servingCostMicros(forest), 6);
  });

  it('is in the measured order of magnitude for a 100-tree GBDT (tens of µs, not ms)', async () => {
    const ds = table(400, 2);
    const env = (await trial(ds, 'gbdt', { ...getModelSpec('gbdt').defaults(shape), n_estimators: 100, early_stopping_rounds: 0 })).envelope;
    const predictor = await Predictor.load(JSON.parse(JSON.stringify(env)));
    const rows = Array.from({ length: 500 }, (_, i) => ({ x0: (i % 7) - 3, x1: (i % 5) - 2, x2: 0.5, c: 'a' }));
    predictor.predictRows(rows.slice(0, 20));
    const t = performance.now();
    for (const r of rows) predictor.predictRows([r]);
    const measured = ((performance.now() - t) * 1000) / rows.length;
    const estimate = servingCostMicros(env);
    // Loose on purpose (test machines vary): the estimate must be within a factor of 20 of the measurement.
    expect(estimate).toBeGreaterThan(measured / 20);
    expect(estimate).toBeLessThan(measured * 20);
  });
});

describe('the job ensemble under a latency cap', () => {
  it('never picks members whose summed cost exceeds the cap', async () => {
    const ds = table(400, 3);
    const configs: [ModelFamily, Params][] = [
      ['gbdt', getModelSpec('gbdt').defaults(shape)],
      ['random_forest', getModelSpec('random_forest').defaults(shape)],
      ['extra_trees', getModelSpec('extra_trees').defaults(shape)],
      ['linear', getModelSpec('linear').defaults(shape)],
    ];
    const outcomes = await Promise.all(configs.map(([f, p]) => trial(ds, f, p)));
    const envelopes = outcomes.map((o) => o.envelope as ModelEnvelope);
    const candidates = outcomes.map((o, i) => ({ id: `t${i}`, oof: o.oof, cost: servingCostMicros(envelopes[i]) }));
    const spec = { target: 'y', task: 'binary' as const, metric: 'roc_auc' as const };
    const free = selectJobEnsemble(ds, { ...spec, maxCostMicros: Number.POSITIVE_INFINITY }, candidates);
    const freeCost = free.selection.members.reduce((n, m) => n + candidates[m.index].cost, 0);
    // A cap below what the free blend spends, but above the cheapest single model.
    const cheapest = Math.min(...candidates.map((c) => c.cost));
    const cap = Math.max(cheapest * 1.01, freeCost * 0.6);
    const capped = selectJobEnsemble(ds, { ...spec, maxCostMicros: cap }, candidates);
    const cappedCost = capped.selection.members.reduce((n, m) => n + candidates[m.index].cost, 0);
    expect(cappedCost).toBeLessThanOrEqual(cap);
    expect(capped.selection.cost).toBeCloseTo(cappedCost, 6);
  }, 60_000);
});

/**
 * The memory screen (search/samplers/memory-screen) and the CNN's narrowing (cnn-shrink): on large images
 * no screened proposal is one run-trial would refuse for memory, checked with run-trial's own check on a
 * real table of pixel columns, where the bare samplers propose many; on the 8x8 digits the space and every
 * proposal that fits are unchanged; a family that cannot fit at all is left out; the shape's estimate is a
 * lower bound of the trial's. Each sampler runs as a coordinator drives it (one trial running while the
 * next is asked for; wider nets score better, so model-based samplers lean towards the large ones).
 */
import { describe, expect, it } from 'vitest';
import type { ImageShape } from '../../src/engine/core/image-shape';
import { Rng } from '../../src/engine/core/rng';
import type { Column, Dataset } from '../../src/engine/data/dataset';
import { splitTrialParams } from '../../src/engine/features/pipeline-space';
import type { DataShape } from '../../src/engine/models/model';
import { cnnSpec } from '../../src/engine/models/nn/cnn/cnn';
import { shrinkCnnToFit } from '../../src/engine/models/nn/cnn/cnn-shrink';
import type { Sampler, SamplerContext } from '../../src/engine/search/sampler';
import { randomSampler, samplerFor, tpeSampler, withMemoryScreen, withPortfolio } from '../../src/engine/search/samplers';
import { trialSpace } from '../../src/engine/search/space-provider';
import { proposeUnseen } from '../../src/engine/search/samplers/unseen';
import type { Params } from '../../src/engine/search/space';
import type { FrozenTrial, TrialConfig } from '../../src/engine/search/trial';
import { fitParamsToMemory, shapeFitsMemory, shapeTrialMemoryBytes, TRIAL_MEMORY_LIMIT, trialMemoryBytes } from '../../src/engine/trial-memory';
import { describeSamplerContract, expectInSpace } from '../contracts/sampler.contract';

describeSamplerContract('memory-screen+portfolio+tpe', () => withMemoryScreen(withPortfolio(tpeSampler()), { folds: 5 }));

const DIGITS: ImageShape = { height: 8, width: 8, channels: 1 };
/** The largest RGB images an upload keeps (64x64x3) at the most rows its 2,097,152-value table holds. */
const LARGE = { image: { height: 64, width: 64, channels: 3 }, rows: 170 };
const MEDIUM = { image: { height: 32, width: 32, channels: 3 }, rows: 680 };

/** A table of pixel columns (Float32, as storage keeps them) and a 10-class label, as an image upload gives. */
function imageTable(image: ImageShape, rows: number): Dataset {
  const columns: Column[] = [];
  for (let r = 0; r < image.height; r++) {
    for (let c = 0; c < image.width; c++) {
      for (let k = 0; k < image.channels; k++) {
        const name = image.channels === 1 ? `px_r${r}_c${c}` : `px_r${r}_c${c}_${k}`;
        columns.push({ name, type: 'numeric', storage: 'f64', values: new Float32Array(rows).fill(r + c) });
      }
    }
  }
  const levels = Array.from({ length: 10 }, (_, i) => String(i));
  columns.push({ name: 'label', type: 'categorical', storage: 'codes', codes: Int32Array.from({ length: rows }, (_, i) => i % 10), levels });
  return { rows, columns };
}

const shapeOf = (image: ImageShape, rows: number): DataShape => ({ rows, cols: image.height * image.width * image.channels, task: 'multiclass', nClasses: 10, image });
const foldsFor = (rows: number) => (rows <= 1_000 ? 5 : 3);

/** Whether run-trial would run this configuration (its own check, on the dataset, batch capping allowed). */
function runTrialAccepts(ds: Dataset, shape: DataShape, config: TrialConfig): boolean {
  const model = splitTrialParams('cnn', config.params, shape).model;
  return fitParamsToMemory(ds, cnnSpec, model, shape, new Set(['label']), { folds: foldsFor(shape.rows), trainFraction: 1 }, TRIAL_MEMORY_LIMIT).fits;
}

/** Drives a sampler for `n` trials, two running at once; wider nets score better, so TPE and evolution chase them. */
function drive(sampler: Sampler, ctx: SamplerContext, n: number): FrozenTrial[] {
  const history: FrozenTrial[] = [];
  const rng = new Rng(ctx.seed);
  for (let i = 0; i < n; i++) {
    history.push({ ...sampler.suggest(history, ctx), number: i, state: 'running' });
    if (i >= 1) {
      const t = history[i - 1];
      const width = Number(t.params.filters ?? 0) * Number(t.params.dense_units ?? 0);
      history[i - 1] = { ...t, state: 'complete', loss: 1 / (1 + Math.log1p(width)) + 0.05 * rng.next() };
    }
  }
  return history;
}

const STRATEGIES = ['random', 'auto', 'evolution'] as const;

describe('memory screen', () => {
  for (const { image, rows } of [LARGE, MEDIUM]) {
    const label = `${image.height}x${image.width}x${image.channels}, ${rows} rows`;
    it(`proposes no CNN that run-trial would refuse for memory over 200 trials (${label})`, () => {
      const ds = imageTable(image, rows);
      const shape = shapeOf(image, rows);
      const ctx: SamplerContext = { families: ['cnn'], shape, seed: 5 };
      for (const strategy of STRATEGIES) {
        const bare = drive(samplerFor(strategy), ctx, 200).filter((t) => !runTrialAccepts(ds, shape, t)).length;
        const screened = drive(withMemoryScreen(samplerFor(strategy), { folds: foldsFor(rows) }), ctx, 200);
        const refused = screened.filter((t) => !runTrialAccepts(ds, shape, t));
        console.log(`${label}, ${strategy}: refused by run-trial ${bare}/200 bare, ${refused.length}/200 screened`);
        expect(bare, `${strategy} proposes nets too large for ${label} without the screen`).toBeGreaterThan(20);
        expect(refused.map((t) => t.params)).toEqual([]);
        for (const t of screened) expectInSpace(t, ctx);
        // Still a search: many distinct networks, not one fallback over and over.
        expect(new Set(screened.map((t) => `${t.params.conv_blocks}/${t.params.filters}/${t.params.dense_units}/${t.params.pooling}`)).size).toBeGreaterThan(20);
      }
      // 1,200 proposals each checked against run-trial's estimate: 51 s on a quiet 2-core machine, past the
      // 60-s default under load (CI failed it at 65 s), so it gets room of its own.
    }, 180_000);
  }

  it('lets a grid move on when a point it proposes narrows onto a configuration already run', () => {
    // The grid's points too wide for memory narrow to the same net (search audit: 48x48 RGB, 400 rows).
    // As the coordinator asks (proposeUnseen over the screened sampler).
    const { image, rows } = LARGE;
    const ctx: SamplerContext = { families: ['cnn'], shape: shapeOf(image, rows), seed: 42 };
    const screened = withMemoryScreen(samplerFor('grid'), { folds: foldsFor(rows) });
    const history: FrozenTrial[] = [];
    for (let i = 0; i < 40; i++) history.push({ ...proposeUnseen(screened, history, ctx)!, number: i, state: 'complete', loss: i });
    const keys = history.map((t) => JSON.stringify(Object.entries(t.params).sort()));
    expect(new Set(keys).size).toBe(40);
    expect(history.some((t) => t.note?.startsWith('narrowed to fit'))).toBe(true);
  });

  it('still explores large nets where they fit, and narrows to the widest that does, not to the floor', () => {
    const { image, rows } = MEDIUM;
    const shape = shapeOf(image, rows);
    const history = drive(withMemoryScreen(randomSampler, { folds: 5 }), { families: ['cnn'], shape, seed: 9 }, 200);
    const p = history.map((t) => t.params);
    // On 32x32 RGB, 680 rows: three blocks of 32 filters and more (32-64-128), dense layers of 128 units and more.
    expect(p.filter((x) => x.conv_blocks === 3 && Number(x.filters) >= 32).length).toBeGreaterThan(2);
    expect(p.filter((x) => Number(x.dense_units) >= 128).length).toBeGreaterThan(20);
    expect(p.filter((x) => x.filters === 8 && Number(x.dense_units) <= 33).length).toBeLessThan(5);
  });

  it('leaves the 8x8 digits space and every proposal that fits unchanged', () => {
    const rows = 1_797;
    const shape = shapeOf(DIGITS, rows);
    expect(trialSpace('cnn', shape)).toMatchObject({
      conv_blocks: { type: 'int', low: 1, high: 3 },
      filters: { type: 'int', low: 8, high: 64, log: true },
      dense_units: { type: 'int', low: 32, high: 256, log: true },
      pooling: { type: 'categorical', choices: ['max', 'avg', 'none'] },
      batch_size: { type: 'categorical', choices: [32, 64, 128, 256] },
    });
    const ds = imageTable(DIGITS, rows);
    const ctx: SamplerContext = { families: ['cnn', 'mlp', 'linear'], shape, seed: 3 };
    for (const strategy of STRATEGIES) {
      // Each history prefix is asked of both, the bare sampler and the screened one.
      const history = drive(samplerFor(strategy), ctx, 200);
      const bare = samplerFor(strategy);
      const screened = withMemoryScreen(samplerFor(strategy), { folds: 3 });
      let changed = 0;
      for (let n = 0; n < history.length; n++) {
        const asked = bare.suggest(history.slice(0, n), ctx);
        const proposal = screened.suggest(history.slice(0, n), ctx);
        if (asked.family !== 'cnn' || runTrialAccepts(ds, shape, asked)) expect(proposal, `${strategy} trial ${n}`).toEqual(asked);
        else {
          changed++;
          expect(runTrialAccepts(ds, shape, proposal)).toBe(true);
        }
      }
      // Only the few that run-trial would refuse (3 unpooled blocks of many filters) are narrowed.
      console.log(`8x8x1, ${rows} rows, ${strategy}: ${changed}/200 narrowed, the rest unchanged`);
    }
    // The largest nets of the space fit the digits and pass unchanged.
    const widest: Params = { ...cnnSpec.defaults(shape), conv_blocks: 3, filters: 64, dense_units: 256, pooling: 'max', batch_size: 256 };
    expect(shapeFitsMemory(cnnSpec, widest, shape, { folds: 3, trainFraction: 1 }, TRIAL_MEMORY_LIMIT)).toBe(true);
  });

  it('is a pure function of seed and history on image data too', () => {
    const shape = shapeOf(MEDIUM.image, MEDIUM.rows);
    const ctx: SamplerContext = { families: ['cnn', 'mlp'], shape, seed: 21 };
    const make = () => withMemoryScreen(samplerFor('auto'), { folds: 5 });
    const a = drive(make(), ctx, 60);
    expect(drive(make(), ctx, 60)).toEqual(a);
    expect(drive(make(), { ...ctx, seed: 22 }, 60)).not.toEqual(a);
  });

  it('leaves out a family that cannot fit at all, and proposes as before when nothing can', () => {
    const shape = shapeOf(LARGE.image, LARGE.rows);
    const split = { folds: 5, trainFraction: 1 };
    // Just above the data's own share: no CNN fits, and the unscreened families (dense features) remain.
    const dataOnly = shapeTrialMemoryBytes(cnnSpec, { ...cnnSpec.defaults(shape), filters: 8, dense_units: 32, batch_size: 8 }, shape, split)!;
    const limitBytes = dataOnly.dataset + dataOnly.features;
    const ctx: SamplerContext = { families: ['cnn', 'mlp', 'linear'], shape, seed: 4 };
    const screened = drive(withMemoryScreen(randomSampler, { folds: 5, limitBytes }), ctx, 40);
    expect(screened.filter((t) => t.family === 'cnn')).toEqual([]);
    // Several thousand 64x64 RGB images: the data alone exceeds the limit, no family fits, and the
    // proposals are the sampler's own (each trial's refusal says why, and the search stops on them).
    const huge = shapeOf(LARGE.image, 3_000);
    const hugeCtx: SamplerContext = { families: ['cnn'], shape: huge, seed: 4 };
    expect(drive(withMemoryScreen(randomSampler, { folds: 3 }), hugeCtx, 20)).toEqual(drive(randomSampler, hugeCtx, 20));
  });

  it("counts the shape's estimate as a lower bound of the trial's own, equal but for the label's level names", () => {
    for (const { image, rows } of [LARGE, MEDIUM, { image: DIGITS, rows: 500 }]) {
      const ds = imageTable(image, rows);
      const shape = shapeOf(image, rows);
      const params = cnnSpec.defaults(shape);
      const split = { folds: foldsFor(rows), trainFraction: 1 };
      const fromShape = shapeTrialMemoryBytes(cnnSpec, params, shape, split)!;
      const fromData = trialMemoryBytes(ds, cnnSpec, params, shape, new Set(['label']), split);
      expect(fromShape.total).toBeLessThanOrEqual(fromData.total);
      expect(fromData.total - fromShape.total).toBe(10 * 48);
    }
  });
});

describe('CNN narrowing (cnn-shrink)', () => {
  const shape = shapeOf(MEDIUM.image, MEDIUM.rows);
  const split = { folds: 5, trainFraction: 1 };
  const fits = (p: Params) => shapeFitsMemory(cnnSpec, p, shape, split, TRIAL_MEMORY_LIMIT) === true;
  const base: Params = { ...cnnSpec.defaults(shape), conv_blocks: 2, filters: 60, dense_units: 250, kernel_size: 5, pooling: 'max', batch_norm: true, learning_rate: 0.003 };

  it('narrows filters and dense units together to the widest pair that fits, keeping everything else', () => {
    expect(fits(base)).toBe(false);
    const shrunk = shrinkCnnToFit(base, fits)!;
    expect(fits(shrunk)).toBe(true);
    const { filters, dense_units, ...rest } = shrunk;
    const { filters: f0, dense_units: d0, ...rest0 } = base;
    expect(rest).toEqual(rest0);
    expect(Number(filters)).toBeLessThan(Number(f0));
    expect(Number(dense_units)).toBeLessThan(Number(d0));
    expect(Number(filters)).toBeGreaterThanOrEqual(8);
    expect(Number(dense_units)).toBeGreaterThanOrEqual(32);
    // One filter and a few units more no longer fit: the widest, not merely a narrower net.
    expect(fits({ ...shrunk, filters: Number(filters) + 1, dense_units: Number(dense_units) + 4 })).toBe(false);
  });

  it('pools an unpooled net when that keeps wider layers, and gives up when nothing fits', () => {
    const unpooled = { ...base, pooling: 'none', filters: 16, dense_units: 64 };
    expect(fits(unpooled)).toBe(false);
    expect(shrinkCnnToFit(unpooled, fits)).toMatchObject({ pooling: 'max', filters: 16, dense_units: 64 });
    expect(shrinkCnnToFit(base, () => false)).toBeUndefined();
    // A proposal that already fits is returned as it is (the screen never asks, but the bisection allows it).
    expect(shrinkCnnToFit(cnnSpec.defaults(shapeOf(DIGITS, 500)), () => true)).toEqual(cnnSpec.defaults(shapeOf(DIGITS, 500)));
  });
});

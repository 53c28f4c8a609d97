/**
 * The model contract: what every ModelSpec must do, whatever it learns with (in the spirit of the
 * sampler contract next to it). A family passes by calling `describeModelContract(spec)` from a test
 * file, unchanged. For each task the family declares, on small synthetic data that a sensible learner
 * can fit, with rows held out: outputs of the documented width and meaning, a clear win over a trivial
 * baseline on the held-out rows, a bit-exact round trip through the stored JSON form, seeded
 * determinism, refusal of unknown artifact versions, a memory estimate that grows with rows, and
 * defaults inside the declared space.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { Rng } from '../../src/engine/core/rng';
import { outputWidth, type Task } from '../../src/engine/core/task';
import type { DataShape, FitContext, FittedModel, ModelArtifact, ModelSpec } from '../../src/engine/models/model';
import type { Distribution, Params } from '../../src/engine/search/space';
import { type ContractData, contractData } from './model-contract-data';

/** The trivial predictor a model must beat, and by how much (accuracy points, or a share of the RMSE). */
const MARGIN = { accuracy: 0.15, rmseShare: 0.75 } as const;

/** Rounds / epochs (FitContext.fixedIterations) for fits off the defaults path, so the file stays fast. */
const QUICK_ITERATIONS = 25;

/** Shapes at which defaults must lie inside the space: tiny, the contract's own, medium, large. */
const SHAPE_ROWS_COLS: readonly [number, number][] = [
  [60, 3],
  [500, 5],
  [5_000, 20],
  [100_000, 50],
];

function nClassesOf(task: Task): number {
  return task === 'multiclass' ? 3 : task === 'binary' ? 2 : 0;
}

/** Bytes of a Float32Array, for bit-for-bit comparison (NaN payloads and signed zeros included). */
function bits(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** Index of the largest of `width` outputs of row i (binary: the probability of class 1 against 0.5). */
function predictedClass(out: Float32Array, i: number, width: number): number {
  if (width === 1) return out[i] >= 0.5 ? 1 : 0;
  let best = 0;
  for (let c = 1; c < width; c++) if (out[i * width + c] > out[i * width + best]) best = c;
  return best;
}

function accuracy(out: Float32Array, y: Float32Array, width: number): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (predictedClass(out, i, width) === y[i]) ok++;
  return ok / y.length;
}

/** Accuracy of always predicting the training set's most frequent class. */
function majorityAccuracy(yTrain: Float32Array, yTest: Float32Array, k: number): number {
  const counts = new Array<number>(k).fill(0);
  for (const v of yTrain) counts[v]++;
  const majority = counts.indexOf(Math.max(...counts));
  return yTest.filter((v) => v === majority).length / yTest.length;
}

function rmse(pred: Float32Array | number, y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += ((typeof pred === 'number' ? pred : pred[i]) - y[i]) ** 2;
  return Math.sqrt(s / y.length);
}

function mean(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

function expectInDistribution(d: Distribution, v: Params[string], where: string): void {
  if (d.type === 'categorical') {
    expect(d.choices, where).toContain(v);
    return;
  }
  expect(typeof v, where).toBe('number');
  const x = v as number;
  expect(x >= d.low && x <= d.high, `${where} = ${x} within [${d.low}, ${d.high}]`).toBe(true);
  if (d.type === 'int') expect(Number.isInteger(x), `${where} = ${x} is an integer`).toBe(true);
}

/** Loads an artifact, whether the family loads synchronously or not, and fails on anything but bad_artifact. */
async function expectBadArtifact(spec: ModelSpec, artifact: ModelArtifact): Promise<void> {
  let caught: unknown;
  try {
    const loaded = await spec.load(artifact);
    loaded.dispose();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'load of an unknown version must throw').toBeInstanceOf(EngineError);
  expect((caught as EngineError).code).toBe('bad_artifact');
}

/**
 * Registers the contract for one model family. Families that need a runtime (the MLP's tfjs backend)
 * must have it set up by the calling file, as the host would before running a trial.
 */
export function describeModelContract(spec: ModelSpec): void {
  describe(`model contract: ${spec.family}`, () => {
    for (const task of spec.tasks) {
      describe(task, () => {
        const nClasses = nClassesOf(task);
        const width = outputWidth(task, nClasses);
        const data: ContractData = contractData(task, 11);
        const shape: DataShape = { rows: data.train.X.rows, cols: data.train.X.cols, task, nClasses };
        // The defaults path once per family (its first task); other tasks cap boosting rounds and epochs.
        const onDefaultsPath = task === spec.tasks[0];
        const params = spec.defaults(shape);
        const fit = (seed: number, quick: boolean): Promise<FittedModel> => {
          const ctx: FitContext = { task, nClasses, rng: new Rng(seed), ...(quick ? { fixedIterations: QUICK_ITERATIONS } : {}) };
          return spec.fit(data.train, params, ctx);
        };
        let model: FittedModel;
        let out: Float32Array;

        it(`fits with its defaults${onDefaultsPath ? '' : ` (at most ${QUICK_ITERATIONS} rounds or epochs)`}: outputs of the right width, finite`, async () => {
          model = await fit(1, !onDefaultsPath);
          expect(model.family).toBe(spec.family);
          out = model.predict(data.test.X);
          expect(out).toBeInstanceOf(Float32Array);
          expect(out.length).toBe(data.test.X.rows * width);
          for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) expect.fail(`output ${i} is ${out[i]}`);
        });

        if (task !== 'regression') {
          it('outputs probabilities: each in [0, 1], one row of K summing to 1', () => {
            for (let i = 0; i < out.length; i++) if (!(out[i] >= 0 && out[i] <= 1)) expect.fail(`output ${i} = ${out[i]} is not a probability`);
            if (width > 1) {
              for (let i = 0; i < data.test.X.rows; i++) {
                let sum = 0;
                for (let c = 0; c < width; c++) sum += out[i * width + c];
                expect(sum, `row ${i}`).toBeCloseTo(1, 4);
              }
            }
          });
        }

        it('beats the trivial baseline on held-out rows', () => {
          if (task === 'regression') {
            const baseline = rmse(mean(data.train.y), data.test.y);
            expect(rmse(out, data.test.y)).toBeLessThan(MARGIN.rmseShare * baseline);
          } else {
            const baseline = majorityAccuracy(data.train.y, data.test.y, nClasses);
            expect(accuracy(out, data.test.y, width)).toBeGreaterThan(baseline + MARGIN.accuracy);
          }
        });

        it('round-trips through the stored JSON form with bit-identical predictions', async () => {
          const artifact = model.toArtifact();
          expect(artifact.family).toBe(spec.family);
          const parsed = JSON.parse(JSON.stringify(artifact)) as ModelArtifact;
          // Plain JSON data only: typed arrays go through serialize/codec, and nothing (NaN, Infinity) is lost.
          expect(parsed).toEqual(artifact);
          const loaded = await spec.load(parsed);
          expect(Buffer.from(bits(loaded.predict(data.test.X))).equals(Buffer.from(bits(out)))).toBe(true);
          loaded.dispose();
        });

        it('refuses an artifact of an unknown version with bad_artifact', async () => {
          const parsed = JSON.parse(JSON.stringify(model.toArtifact())) as ModelArtifact;
          await expectBadArtifact(spec, { ...parsed, version: parsed.version + 1000 });
        });

        it('gives bit-identical predictions for the same seed', async () => {
          // Capped fits (the defaults path would double the file's slowest fits); a new seed may differ.
          const first = onDefaultsPath ? await fit(1, true) : model;
          const again = await fit(1, true);
          expect(Buffer.from(bits(again.predict(data.test.X))).equals(Buffer.from(bits(first.predict(data.test.X))))).toBe(true);
          for (const m of new Set([first, again, model])) m.dispose();
        });

        it('states a positive, finite memory estimate that grows with rows', () => {
          const at = (rows: number) => spec.estimateMemoryBytes(params, { ...shape, rows });
          for (const rows of [shape.rows, 2_000, 8_000]) {
            expect(Number.isFinite(at(rows)), `estimate at ${rows} rows`).toBe(true);
            expect(at(rows)).toBeGreaterThan(0);
          }
          expect(at(8_000)).toBeGreaterThan(at(2_000));
        });

        it('declares defaults that lie inside its search space', () => {
          for (const [rows, cols] of SHAPE_ROWS_COLS) {
            const s: DataShape = { rows, cols, task, nClasses };
            const space = spec.space(s);
            for (const [name, value] of Object.entries(spec.defaults(s))) {
              const where = `${spec.family}.${name} at ${rows} x ${cols}`;
              expect(space[name], `${where} is declared in the space`).toBeDefined();
              expectInDistribution(space[name], value, where);
            }
          }
        });
      });
    }
  });
}

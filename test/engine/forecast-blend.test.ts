/**
 * The end-of-search blend of a forecast job: the trials' validation forecasts line up with what happened
 * after each origin (single and grouped series), greedy selection weighs them, and the blend's envelope
 * forecasts exactly the weighted mean of its members with intervals measured on the blended validation
 * forecasts. Stored blends that could not have been written are refused by name.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import {
  buildForecastBlendEnvelope,
  type ForecastEnvelope,
  forecastDefaults,
  type ForecastFamily,
  forecastOriginTruth,
  loadForecaster,
  type OriginTruth,
  parseForecastEnvelope,
  publicationWidening,
  runForecastTrial,
  selectForecastBlend,
} from '../../src/engine/forecast';
import { forecastBlend, forecastModelFamilies, loadForecastBlend } from '../../src/engine/forecast/blend-model';
import { blendStepSpread } from '../../src/engine/forecast/blend-envelope';
import { loadForecastModel } from '../../src/engine/forecast/families';
import type { ForecastModelArtifact } from '../../src/engine/forecast/forecast-model';
import type { Dataset } from '../../src/engine/data/dataset';
import { airpassengers, datasetFromCsv, TARGET, trainCsvText } from './forecast-fixtures';

const H = 12;
const shape = { length: 108, season: 12, groups: 1, horizon: H };
const train = airpassengers('train');

interface Trial {
  readonly id: string;
  readonly score: number;
  readonly foldScores: readonly number[];
  readonly predictions: Float32Array;
  readonly envelope: ForecastEnvelope;
}

async function trial(ds: Dataset, family: ForecastFamily, id: string, target = TARGET, groupColumn?: string): Promise<Trial> {
  const out = await runForecastTrial(ds, { family, params: forecastDefaults(family, shape), target, horizon: H, seed: 1, ...(groupColumn ? { groupColumn } : {}) });
  if (out.status !== 'complete') throw new Error(`${family}: ${out.reason}`);
  return { id, score: out.score, foldScores: out.foldScores, predictions: out.originForecasts, envelope: out.envelope };
}

function rmse(a: ArrayLike<number>, b: ArrayLike<number>, from = 0, to = a.length): number {
  let se = 0;
  for (let i = from; i < to; i++) se += (a[i] - b[i]) ** 2;
  return Math.sqrt(se / (to - from));
}

/** Each validation forecast against the truth: the whole and each fold's RMSE are the trial's own. */
function expectLinedUp(t: Trial, truth: OriginTruth): void {
  expect(t.predictions.length).toBe(truth.actual.length);
  expect(rmse(t.predictions, truth.actual)).toBeCloseTo(t.score, 3);
  const perFold = truth.groups * truth.plan.horizon;
  t.foldScores.forEach((s, k) => expect(rmse(t.predictions, truth.actual, k * perFold, (k + 1) * perFold)).toBeCloseTo(s, 3));
}

describe('forecast blends', () => {
  const trials: Trial[] = [];
  let truth: OriginTruth;

  beforeAll(async () => {
    for (const family of ['seasonal_naive', 'drift', 'linear', 'gbdt', 'random_forest'] as const) trials.push(await trial(train, family, family));
    truth = forecastOriginTruth(train, { target: TARGET, horizon: H });
  });

  it('lays out every trial\'s validation forecasts as the truth after each origin', () => {
    expect(truth.plan).toMatchObject({ origins: 3, horizon: H });
    expect(truth.scales.every((s) => s > 0)).toBe(true);
    for (const t of trials) expectLinedUp(t, truth);
  });

  it('lines up series by series when the data has groups', async () => {
    // Two stores: the demo series and a doubled copy, so each group's errors differ in size.
    const lines = trainCsvText().trim().split('\n').slice(1);
    const grouped = datasetFromCsv(['date,store,y', ...lines.map((l) => l.replace(',', ',a,')), ...lines.map((l) => `${l.split(',')[0]},b,${2 * Number(l.split(',')[1])}`)].join('\n'), { date: 'datetime' });
    const t = await trial(grouped, 'linear', 'g', 'y', 'store');
    const groupTruth = forecastOriginTruth(grouped, { target: 'y', groupColumn: 'store', horizon: H });
    expect(groupTruth.groups).toBe(2);
    expectLinedUp(t, groupTruth);
    // Group b is group a doubled: so are its truth and its scale at every origin.
    for (let k = 0; k < 3; k++) {
      expect(groupTruth.scales[k * 2 + 1]).toBeCloseTo(2 * groupTruth.scales[k * 2], 8);
      for (let h = 0; h < H; h++) expect(groupTruth.actual[(k * 2 + 1) * H + h]).toBe(2 * groupTruth.actual[k * 2 * H + h]);
    }
  });

  it('a blend of one member forecasts as the member does, with the same intervals', async () => {
    const member = trials.find((t) => t.id === 'linear')!;
    const one = buildForecastBlendEnvelope([{ envelope: member.envelope, weight: 1 }], truth, Float64Array.from(member.predictions), member.score);
    // The spread measured on the blended forecasts is the member's own (up to the float32 storage of forecasts).
    one.stepSpread.forEach((s, h) => expect(s).toBeCloseTo(member.envelope.stepSpread[h], 5));
    const [a, b] = await Promise.all([loadForecaster(one), loadForecaster(member.envelope)]);
    const [fa, fb] = [a.forecast(H), b.forecast(H)];
    fa.forEach((p, h) => {
      expect(p.value).toBeCloseTo(fb[h].value, 9);
      expect(p.time).toBe(fb[h].time);
    });
    a.dispose();
    b.dispose();
  });

  it('blends trials into a lower validation RMSE and serves exactly the weighted mean of the members', async () => {
    const selection = selectForecastBlend(truth, trials);
    expect(selection.improves).toBe(true);
    expect(selection.members.length).toBeGreaterThan(1);
    expect(selection.score).toBeLessThan(Math.min(...trials.map((t) => t.score)));
    expect(selection.bestSingle.score).toBeCloseTo(Math.min(...trials.map((t) => t.score)), 3);
    expect(selection.members.reduce((a, m) => a + m.weight, 0)).toBeCloseTo(1, 12);
    expect(rmse(selection.predictions, truth.actual)).toBeCloseTo(selection.score, 4);

    const members = selection.members.map((m) => ({ envelope: trials.find((t) => t.id === m.id)!.envelope, weight: m.weight }));
    const built = buildForecastBlendEnvelope(members, truth, selection.predictions, selection.score);
    // What a job stores and serves: JSON text, parsed back.
    const envelope = parseForecastEnvelope(JSON.stringify(built));
    expect(envelope.family).toBe('ensemble');
    expect(envelope.score).toBe(selection.score);
    expect(envelope.stepSpread).toEqual(Array.from(blendStepSpread(truth, selection.predictions)));
    // Each series keeps the longest tail a member needs.
    expect(envelope.groups[0].tail.length).toBe(Math.max(...members.map((m) => m.envelope.groups[0].tail.length)));

    const blend = await loadForecaster(envelope);
    const own = await Promise.all(members.map((m) => loadForecaster(m.envelope)));
    const points = blend.forecast(24, { level: 0.9 });
    const alone = own.map((f) => f.forecast(24));
    points.forEach((p, h) => {
      const mean = members.reduce((a, m, i) => a + m.weight * alone[i][h].value, 0);
      expect(p.value).toBeCloseTo(mean, 9);
      expect(p.upper - p.value).toBeCloseTo(p.value - p.lower, 9);
      expect(p.upper).toBeGreaterThan(p.value);
    });
    // The blend does not merely repeat its heaviest member.
    expect(points.some((p, h) => Math.abs(p.value - alone[0][h].value) > 1e-6)).toBe(true);
    blend.dispose();
    for (const f of own) f.dispose();
  });

  it('is published with intervals widened by the estimate over its own error, never narrowed', () => {
    // The blend's own validation error is below the best trial's, so the same estimate widens it more.
    expect(publicationWidening(30, 20)).toBeCloseTo(1.5, 12);
    expect(publicationWidening(30, 15)).toBeCloseTo(2, 12);
    expect(publicationWidening(18, 20)).toBe(1);
    expect(publicationWidening(undefined, 20)).toBe(1);
    expect(publicationWidening(30, 0)).toBe(1);
  });

  it('refuses members that do not forecast the same series the same way', () => {
    const [a, b] = trials;
    const other: ForecastEnvelope = { ...b.envelope, horizon: b.envelope.horizon + 1 };
    expect(() => buildForecastBlendEnvelope([{ envelope: a.envelope, weight: 0.5 }, { envelope: other, weight: 0.5 }], truth, Float64Array.from(a.predictions), a.score)).toThrow(/same series/);
  });
});

describe('selecting a forecast blend', () => {
  // Three origins of four points each, one series.
  const truth: OriginTruth = {
    plan: { horizon: 4, origins: 3, step: 2, earliestTrain: 48 },
    groups: 1,
    actual: Float32Array.from({ length: 12 }, (_, i) => 100 + i),
    scales: Float64Array.from([100, 100, 100]),
    floors: new Float64Array(1),
  };
  const shifted = (by: number) => Float32Array.from(truth.actual, (v) => v + by);

  it('averages two trials whose errors cancel', () => {
    const s = selectForecastBlend(truth, [
      { id: 'high', predictions: shifted(3) },
      { id: 'low', predictions: shifted(-3) },
      { id: 'far', predictions: shifted(9) },
    ]);
    expect(s.improves).toBe(true);
    expect(s.score).toBeCloseTo(0, 6);
    expect(s.members.map((m) => m.id).sort()).toEqual(['high', 'low']);
    for (const m of s.members) expect(m.weight).toBeCloseTo(0.5, 12);
  });

  it('does not claim an improvement when one trial is right everywhere', () => {
    const s = selectForecastBlend(truth, [
      { id: 'exact', predictions: shifted(0) },
      { id: 'off', predictions: shifted(2) },
    ]);
    expect(s.improves).toBe(false);
    expect(s.bestSingle.id).toBe('exact');
  });

  it('refuses validation forecasts of another layout, naming the trial', () => {
    expect(() => selectForecastBlend(truth, [{ id: 't0007', predictions: new Float32Array(11) }])).toThrow(/t0007/);
  });

  it('spreads the blended errors per step ahead in units of each origin\'s scale', () => {
    // Error 2 on every step of every origin, scale 100: a spread of 0.02 at every step.
    const spread = blendStepSpread(truth, Float64Array.from(shifted(2)));
    for (const s of spread) expect(s).toBeCloseTo(0.02, 6);
  });
});

describe('stored forecast blends', () => {
  const calendar = { frequency: { kind: 'months', name: 'monthly', months: 1, monthEnd: false } as const, season: 12, anchor: 0 };
  const naive = { family: 'seasonal_naive', version: 1, season: 12 } as ForecastModelArtifact;

  it('load into the weighted mean of their members', async () => {
    const model = await loadForecastBlend({ family: 'ensemble', version: 1, members: [{ weight: 3, model: naive }, { weight: 1, model: { family: 'drift', version: 1 } }] } as ForecastModelArtifact, calendar, loadForecastModel);
    const tail = Float64Array.from({ length: 24 }, (_, i) => 10 + i);
    const state = { tail, lastTime: 0, scale: 20, first: 10, count: 24 };
    const out = model.forecast(state, 3);
    const [n, d] = [(await loadForecastModel(naive, calendar)).forecast(state, 3), (await loadForecastModel({ family: 'drift', version: 1 }, calendar)).forecast(state, 3)];
    for (let h = 0; h < 3; h++) expect(out[h]).toBeCloseTo(0.75 * n[h] + 0.25 * d[h], 12);
    expect(model.tailLength).toBe(12);
    expect(model.toArtifact()).toMatchObject({ family: 'ensemble', members: [{ weight: 0.75 }, { weight: 0.25 }] });
  });

  it('are refused when they could not have been written', async () => {
    const bad = async (artifact: unknown, message: RegExp) => {
      const err = await loadForecastModel(artifact as ForecastModelArtifact, calendar).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).code).toBe('bad_artifact');
      expect((err as Error).message).toMatch(message);
    };
    await bad({ family: 'ensemble', version: 1, members: [] }, /members must be a non-empty list/);
    await bad({ family: 'ensemble', version: 2, members: [{ weight: 1, model: naive }] }, /unknown version 2/);
    await bad({ family: 'ensemble', version: 1, members: [{ weight: 0, model: naive }] }, /members\[0\] needs a positive weight/);
    // A blend inside a blend is never written.
    await bad({ family: 'ensemble', version: 1, members: [{ weight: 1, model: { family: 'ensemble', version: 1, members: [{ weight: 1, model: naive }] } }] }, /members\[0\] holds no known forecast model/);
  });

  it('name the families they run, so a host boots what their members need (tfjs for an rnn)', () => {
    const rnn = { family: 'rnn', version: 1 } as ForecastModelArtifact;
    expect(forecastModelFamilies(naive)).toEqual(['seasonal_naive']);
    expect(forecastModelFamilies({ family: 'ensemble', version: 1, members: [{ weight: 1, model: naive }, { weight: 1, model: rnn }, { weight: 1, model: rnn }] } as ForecastModelArtifact)).toEqual(['seasonal_naive', 'rnn']);
  });

  it('refuse to blend nothing or with a weight that is not positive', () => {
    expect(() => forecastBlend([])).toThrow(/at least one member/);
    const model = { family: 'drift', tailLength: 1, fitInfo: {}, forecast: () => new Float64Array(0), toArtifact: () => naive, dispose: () => undefined } as const;
    expect(() => forecastBlend([{ weight: 0, model }])).toThrow(/positive weight/);
    expect(() => forecastBlend([{ weight: Number.NaN, model }])).toThrow(/positive weight/);
  });
});

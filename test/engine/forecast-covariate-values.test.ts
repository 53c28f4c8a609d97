/**
 * The values a forecast request gives a model's covariates (engine/forecast/covariate-values): a column
 * the upload reads as booleans, in any mix of spellings, is one boolean covariate that takes JSON true and
 * false and every spelling the upload reads, whatever spelling training had; a model stored before
 * booleans were their own kind (a category of the data's two spellings) forecasts as it did and takes
 * the other spellings too, and a champion of that kind is scored on data read now. A numeric covariate
 * keeps its training range, and a request far outside it (or not finite) is refused naming the field;
 * a model stored without the range takes any number, but never answers a forecast that overflowed.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { extractSeries, forecastDefaults, loadForecaster, parseForecastEnvelope, runForecastTrial, scoreOnSeriesTail, unseenTailCategories } from '../../src/engine/forecast';
import type { ForecastEnvelope } from '../../src/engine/forecast/envelope';
import type { Params } from '../../src/engine/search/space';
import { datasetFromCsv } from './forecast-fixtures';
import { engineError } from './helpers/assertions';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const DAYS = 180;
const HELD = 14;
const TRUE_SPELLINGS = ['True', 'TRUE', 'yes'];
const FALSE_SPELLINGS = ['false', 'No', 'False'];

/**
 * `DAYS` days of sales: a weekly shape, +40 on promotion days (promo 0 or 1), +30 on flagged days, noise.
 * `spell(truth, day)` writes the flag (by default rotating through three spellings of each truth value).
 */
function salesCsv(spell: (truth: boolean, day: number) => string = (t, d) => (t ? TRUE_SPELLINGS : FALSE_SPELLINGS)[d % 3]): string {
  const rng = new Rng(5);
  const weekly = [0, 5, 8, 10, 15, 30, 20];
  const lines = ['day,promo,flag,sales'];
  for (let d = 0; d < DAYS; d++) {
    const promo = rng.next() < 0.2 ? 1 : 0;
    const flag = rng.next() < 0.3;
    const sales = 100 + weekly[d % 7] + 40 * promo + (flag ? 30 : 0) + 3 * (rng.next() - 0.5);
    lines.push(`${new Date(START + d * DAY).toISOString().slice(0, 10)},${promo},${spell(flag, d)},${sales.toFixed(2)}`);
  }
  return lines.join('\n');
}

const COVARIATES = ['promo', 'flag'];
const shape = { length: DAYS, season: 7, groups: 1, horizon: HELD };

async function envelopeOf(csv: string, params: Params = forecastDefaults('linear', shape), types: Record<string, 'categorical'> = {}): Promise<ForecastEnvelope> {
  const out = await runForecastTrial(datasetFromCsv(csv, { day: 'datetime', ...types }), { family: 'linear', params, target: 'sales', horizon: HELD, seed: 3, covariates: COVARIATES });
  if (out.status !== 'complete') throw new Error(out.reason);
  return out.envelope;
}

/** The values of a one-step forecast with these covariates. */
const valueWith = (f: Awaited<ReturnType<typeof loadForecaster>>, step: Record<string, unknown>) => f.forecast(1, { covariates: [step] })[0].value;

describe('boolean covariates', () => {
  it('reads a column of mixed true/false spellings as one boolean covariate, 1 and 0, one feature column', () => {
    const { info, series } = extractSeries(datasetFromCsv(salesCsv(), { day: 'datetime' }), { target: 'sales', covariates: COVARIATES });
    expect(info.covariates).toEqual([
      { name: 'promo', kind: 'numeric', min: 0, max: 1 },
      { name: 'flag', kind: 'boolean' },
    ]);
    const flags = salesCsv().split('\n').slice(1).map((line) => TRUE_SPELLINGS.includes(line.split(',')[2]));
    expect(series[0].covariates).toHaveLength(2);
    expect(Array.from(series[0].covariates![1])).toEqual(flags.map((t) => (t ? 1 : 0)));
  });

  it('forecasts from JSON booleans and every spelling the upload reads, alike for one truth value', async () => {
    const envelope = await envelopeOf(salesCsv());
    // The envelope keeps the recent points' flags as truth values, and reads them back after a JSON round trip.
    expect(envelope.groups[0].covariates![1].every((v) => typeof v === 'boolean')).toBe(true);
    const f = await loadForecaster(parseForecastEnvelope(JSON.stringify(envelope)));
    const on = valueWith(f, { promo: 0, flag: true });
    const off = valueWith(f, { promo: 0, flag: false });
    // A flagged day sells about 30 more (the noise is ±1.5).
    expect(on - off).toBeGreaterThan(25);
    expect(on - off).toBeLessThan(35);
    for (const flag of ['True', 'TRUE', 'yes', 'true', ' Yes ', 't', 'Y', 1, '1']) expect(valueWith(f, { promo: 0, flag }), String(flag)).toBe(on);
    for (const flag of ['False', 'false', 'No', 'no', 'f', 'N', 0, '0']) expect(valueWith(f, { promo: 0, flag }), String(flag)).toBe(off);
    const refused = engineError(() => valueWith(f, { promo: 0, flag: 'maybe' }));
    expect(refused.message).toMatch(/covariates\[0\]\.flag is "maybe", not a boolean: give true or false/);
    expect(refused.details).toMatchObject({ field: 'covariates[0].flag' });
    expect(f.description.covariates?.[1]).toEqual({ name: 'flag', kind: 'boolean' });
  });

  it('a model stored with the flag as a category of its two spellings forecasts as before, and takes the other spellings too', async () => {
    // How such a column was stored before booleans were their own kind: a category of the data's two spellings.
    const legacyCsv = salesCsv((t) => (t ? 'True' : 'false'));
    const legacy = await envelopeOf(legacyCsv, forecastDefaults('linear', shape), { flag: 'categorical' });
    expect(legacy.covariates?.[1]).toEqual({ name: 'flag', kind: 'categorical', levels: expect.arrayContaining(['True', 'false']) });
    const f = await loadForecaster(JSON.parse(JSON.stringify(legacy)));
    const on = valueWith(f, { promo: 0, flag: 'True' });
    const off = valueWith(f, { promo: 0, flag: 'false' });
    expect(on - off).toBeGreaterThan(25);
    for (const flag of ['TRUE', 'yes', 'true', true, 1]) expect(valueWith(f, { promo: 0, flag }), String(flag)).toBe(on);
    for (const flag of ['False', 'No', false, 0]) expect(valueWith(f, { promo: 0, flag }), String(flag)).toBe(off);
    expect(engineError(() => valueWith(f, { promo: 0, flag: 'maybe' })).message).toMatch(/"maybe", not a category the model was trained with \(.*"True".*\)/);

    // Retraining reads the column as a boolean now: that champion still scores on the held-out days.
    const now = datasetFromCsv(salesCsv(), { day: 'datetime' });
    const columns = { target: 'sales', covariates: COVARIATES };
    expect(unseenTailCategories(f, now, columns, HELD)).toEqual([]);
    const scored = scoreOnSeriesTail(f, now, columns, HELD);
    expect(scored.points).toBe(HELD);
    // The noise is uniform on ±1.5: a model that read the flags wrong would miss by about 30 on a flagged day.
    expect(scored.rmse).toBeLessThan(5);
  });

  it('a category whose two levels are not one of each truth value takes its own levels only', async () => {
    const csv = salesCsv((t) => (t ? 'rainy' : 'sunny'));
    const f = await loadForecaster(await envelopeOf(csv, forecastDefaults('linear', shape), { flag: 'categorical' }));
    expect(valueWith(f, { promo: 0, flag: 'rainy' })).toBeGreaterThan(valueWith(f, { promo: 0, flag: 'sunny' }));
    expect(engineError(() => valueWith(f, { promo: 0, flag: true })).message).toMatch(/covariates\[0\]\.flag is true, not a category/);
  });
});

describe('numeric covariates far outside their training range', () => {
  it('keeps the training range and refuses a request far outside it, naming field, value and range', async () => {
    const f = await loadForecaster(await envelopeOf(salesCsv()));
    // Promotions of 0 and 1 take -1 to 2: one width beyond on each side.
    for (const promo of [-1, 0.5, 2]) expect(Number.isFinite(valueWith(f, { promo, flag: false }))).toBe(true);
    for (const promo of [2.5, -1.5, 10, 1e9]) {
      const refused = engineError(() => valueWith(f, { promo, flag: false }));
      expect(refused.code).toBe('invalid_input');
      expect(refused.message).toMatch(new RegExp(`covariates\\[0\\]\\.promo is ${promo}, far outside the 0 to 1 the model was trained on; it takes -1 to 2`));
      expect(refused.details).toEqual({ field: 'covariates[0].promo', value: promo, min: 0, max: 1, low: -1, high: 2 });
    }
    // The step named is the one refused, after steps that were fine.
    expect(engineError(() => f.forecast(2, { covariates: [{ promo: 1, flag: false }, { promo: 7, flag: true }] })).details).toMatchObject({ field: 'covariates[1].promo' });
  });

  it('refuses a number too large for a 64-bit float as not finite, not as null', async () => {
    const f = await loadForecaster(await envelopeOf(salesCsv()));
    const steps = JSON.parse('[{"promo": 1e309, "flag": false}]') as unknown[];
    const refused = engineError(() => f.forecast(1, { covariates: steps }));
    expect(refused.message).toMatch(/covariates\[0\]\.promo is not a finite number: it is too large for a 64-bit float/);
    expect(refused.message).not.toMatch(/null/);
  });

  /** A linear model with this target transform, stored as before ranges were kept. */
  async function withoutRanges(transform: 'log' | 'none') {
    const envelope = await envelopeOf(salesCsv(), { ...forecastDefaults('linear', shape), transform, differencing: 'none' });
    const stored = JSON.parse(JSON.stringify(envelope)) as { covariates: Record<string, unknown>[] };
    for (const c of stored.covariates) {
      delete c.min;
      delete c.max;
    }
    return loadForecaster(stored);
  }

  it('a model stored without ranges takes any number, but refuses a forecast that overflowed rather than answer it', async () => {
    // A log target makes the linear effect of a promotion exponential, as in the store-sales report.
    const f = await withoutRanges('log');
    expect(f.description.covariates?.[0]).toEqual({ name: 'promo', kind: 'numeric' });
    // As before: 10 answers (far from what was learned, but finite).
    expect(Number.isFinite(valueWith(f, { promo: 10, flag: false }))).toBe(true);
    const messages: string[] = [];
    for (const promo of [10, 100, 300, 1000, 2000, 5000, 1e4, 1e5, 1e9]) {
      try {
        for (const p of f.forecast(3, { covariates: [{ promo, flag: false }, { promo: 0, flag: false }, { promo: 0, flag: false }] })) {
          expect(Number.isFinite(p.value) && Number.isFinite(p.lower) && Number.isFinite(p.upper)).toBe(true);
          expect(p.lower).toBeLessThan(p.upper);
        }
      } catch (err) {
        const refused = engineError(() => {
          throw err;
        });
        expect(refused.details).toMatchObject({ field: 'covariates', step: 1 });
        messages.push(refused.message);
      }
    }
    // Far enough out the forecast is too large to carry an interval (the log's inverse stops short of infinity).
    expect(messages.at(-1)).toMatch(/the forecast of step 1 comes out as [\d.e+]+, too large to give an interval of any width, beyond what the model can compute; the covariates given lead the model far beyond/);
    // On the target's own scale the effect is a line, which a number near the largest a float holds takes past infinity.
    const plain = await withoutRanges('none');
    expect(Number.isFinite(valueWith(plain, { promo: 1e4, flag: false }))).toBe(true);
    const refused = engineError(() => valueWith(plain, { promo: 1e308, flag: false }));
    expect(refused.message).toMatch(/the forecast of step 1 comes out as no finite number/);
    expect(refused.details).toEqual({ field: 'covariates', step: 1 });
  });

  it('keeps no range for past covariates (a request gives none), and refuses a stored range that cannot hold', async () => {
    const { info } = extractSeries(datasetFromCsv(salesCsv(), { day: 'datetime' }), { target: 'sales', pastCovariates: ['promo'] });
    expect(info.pastCovariates).toEqual([{ name: 'promo', kind: 'numeric' }]);
    const envelope = await envelopeOf(salesCsv());
    const broken = { ...envelope, covariates: [{ name: 'promo', kind: 'numeric', min: 1, max: 0 }, envelope.covariates![1]] };
    expect(engineError(() => parseForecastEnvelope(broken)).message).toMatch(/covariates must be a non-empty list/);
    const half = { ...envelope, covariates: [{ name: 'promo', kind: 'numeric', min: 0 }, envelope.covariates![1]] };
    expect(engineError(() => parseForecastEnvelope(half)).code).toBe('bad_artifact');
  });
});

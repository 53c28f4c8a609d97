/**
 * Groups of a forecast whose group column holds numbers ("001", "1.0", "1.10"): upload keeps them as
 * numbers, so the model names them 1, 1 and 1.1, and a request naming a group as the file wrote it was
 * refused as unknown ("001" of groups "1", "2"; forecast audit). It is now read as its number, in the
 * group asked for and in a step's group column alike.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { loadForecaster, runForecastTrial } from '../../src/engine/forecast/index';
import { withoutStepColumns } from '../../src/engine/forecast/step-columns';

const DAY = 86_400_000;
const day = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * DAY).toISOString().slice(0, 10);

async function forecasterOf(ids: readonly string[]) {
  const rows = ids.flatMap((id, k) => Array.from({ length: 60 }, (_, i) => `${day(i)},${id},${100 + k * 50 + (i % 7) * 3}`));
  const { dataset } = inferDataset(parseCsv(['date,store,sales', ...rows].join('\n')));
  const out = await runForecastTrial(dataset, { seed: 1, family: 'seasonal_naive', params: {}, target: 'sales', horizon: 7, groupColumn: 'store' });
  if (out.status !== 'complete') throw new Error(out.reason);
  return loadForecaster(out.envelope);
}

describe('a forecast of a group column of numbers', () => {
  it('answers a group named as the file wrote it', async () => {
    for (const ids of [['001', '002'], ['1.0', '2.0'], ['1.10', '1.20']]) {
      const f = await forecasterOf(ids);
      expect(f.groups).not.toContain(ids[0]);
      const asWritten = f.forecast(3, { group: ids[0] });
      const asStored = f.forecast(3, { group: f.groups[0] });
      expect(asWritten).toEqual(asStored);
      expect(f.forecast(3, { group: ids[1] })).not.toEqual(asStored);
      expect(f.recent(ids[1])).toEqual(f.recent(f.groups[1]));
    }
    const f = await forecasterOf(['001', '002']);
    expect(() => f.forecast(3, { group: '003' })).toThrow(/unknown group "003"/);
  });

  it('takes a step whose group column names the series as its number', () => {
    const c = { timeColumn: 'date', groupColumn: 'store', times: ['2024-03-01'], group: '1' };
    expect(withoutStepColumns([{ date: '2024-03-01', store: '001', promo: 1 }], c)).toEqual([{ promo: 1 }]);
    expect(withoutStepColumns([{ date: '2024-03-01', store: 1, promo: 1 }], c)).toEqual([{ promo: 1 }]);
    expect(() => withoutStepColumns([{ date: '2024-03-01', store: '002', promo: 1 }], c)).toThrow(/covariates\[0\]\.store is "002", but the forecast is of series "1"/);
  });
});

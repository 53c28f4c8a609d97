/**
 * The feature pipeline: encoders fitted on training rows only, dense vs tree styles, unseen categories,
 * predict-time row validation, and the state round trip.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { fitPipeline, loadPipeline } from '../../src/engine/features/pipeline';
import { rowsToDataset } from '../../src/engine/features/rows-to-dataset';

const csv = `num,cat,day,target
1,a,2024-01-01,x
2,b,2024-02-01,y
3,a,2024-03-01,x
,c,2024-04-01,y
1000,a,,x
`;
const { dataset } = inferDataset(parseCsv(csv));
const exclude = new Set(['target']);

describe('fitPipeline', () => {
  it('writes codes and NaN for trees', () => {
    const pipe = fitPipeline(dataset, [0, 1, 2, 3, 4], 'trees', exclude);
    expect(pipe.kinds[pipe.names.indexOf('cat')]).toBe('categorical');
    const m = pipe.transform(dataset);
    const num = pipe.names.indexOf('num');
    expect(Number.isNaN(m.data[3 * m.cols + num])).toBe(true);
    expect(m.data[4 * m.cols + num]).toBe(1000);
  });

  it('imputes, clips, standardises and one-hot encodes for dense models, fitted on training rows only', () => {
    const train = [0, 1, 2];
    const pipe = fitPipeline(dataset, train, 'dense', exclude);
    const m = pipe.transform(dataset);
    for (const v of m.data) expect(Number.isFinite(v)).toBe(true);
    const num = pipe.names.indexOf('num');
    // Training rows 1,2,3 standardise to mean 0; the 1000 outlier (not in training) is clipped to the training max.
    const trainMean = (m.data[num] + m.data[m.cols + num] + m.data[2 * m.cols + num]) / 3;
    expect(Math.abs(trainMean)).toBeLessThan(1e-6);
    expect(m.data[4 * m.cols + num]).toBeCloseTo(m.data[2 * m.cols + num], 5);
    // Category "c" never appeared in training rows: it lands in no known indicator.
    const catCols = pipe.names.map((n, j) => (n.startsWith('cat=') ? j : -1)).filter((j) => j >= 0);
    expect(catCols.length).toBeGreaterThan(0);
    expect(pipe.names).not.toContain('cat=c');
  });

  it('survives a JSON round trip with identical output', () => {
    const pipe = fitPipeline(dataset, [0, 1, 2, 3, 4], 'dense', exclude);
    const back = loadPipeline(JSON.parse(JSON.stringify(pipe.state)));
    expect(Array.from(back.transform(dataset).data)).toEqual(Array.from(pipe.transform(dataset).data));
  });
});

describe('rowsToDataset', () => {
  const pipe = fitPipeline(dataset, [0, 1, 2, 3, 4], 'trees', exclude);
  const known = new Set(['num', 'cat', 'day', 'target']);

  it('codes categories against training levels, unseen and missing handled', () => {
    const ds = rowsToDataset(pipe.state.inputs, known, [{ num: '2', cat: 'b', day: '2024-02-01' }, { cat: 'zzz' }, { num: null, target: 'x' }]);
    const m = pipe.transform(ds);
    const cat = pipe.names.indexOf('cat');
    expect(m.data[cat]).toBe(1);
    expect(Number.isNaN(m.data[m.cols + cat])).toBe(true);
    expect(Number.isNaN(m.data[2 * m.cols + pipe.names.indexOf('num')])).toBe(true);
  });

  it('names the row and column of a wrong type or an unknown column', () => {
    expect(() => rowsToDataset(pipe.state.inputs, known, [{ num: 1 }, { num: 'abc' }])).toThrow(/row 1, column "num": expected a number/);
    expect(() => rowsToDataset(pipe.state.inputs, known, [{ nope: 1 }])).toThrow(/row 0, column "nope": unknown column/);
    expect(() => rowsToDataset(pipe.state.inputs, known, [{ day: 'tomorrow' }])).toThrow(/ISO-8601/);
    expect(() => rowsToDataset(pipe.state.inputs, known, [[1, 2]])).toThrow(/row 0 must be a JSON object/);
  });
});

/**
 * A prediction names the columns the model reads that the request did not send (engine/features/
 * absent-columns): read as missing, as before, but listed with how many rows lacked each, from row
 * objects (a key left out; a key sent as null is a value given as missing) and from a CSV batch (a column
 * not in its header), in the training data's column order; a column the model does not read is not listed.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { parseCsvColumns } from '../../src/engine/data/csv-columns';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { getModelSpec } from '../../src/engine/models/registry';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';
import { absentInHeader, absentInRows, MAX_ABSENT_LISTED } from '../../src/engine/features/absent-columns';

async function trained(): Promise<Predictor> {
  const lines = ['x,purpose,note,size,label'];
  for (let i = 0; i < 120; i++) lines.push(`${(i % 10) / 10},${['car', 'radio/tv', 'education'][i % 3]},n${i % 2},${['s', 'm', 'l'][i % 3]},${i % 3 === 0 ? 'good' : 'bad'}`);
  const { dataset } = inferDataset(parseCsv(lines.join('\n')));
  const shape = { rows: 120, cols: 4, task: 'binary' as const, nClasses: 2 };
  // "note" is ignored by the job: the model reads x, purpose and size.
  const outcome = await runTrial(dataset, { family: 'linear', params: getModelSpec('linear').defaults(shape), target: 'label', metric: 'roc_auc', seed: 1, folds: 3, ignore: ['note'] });
  if (outcome.status !== 'complete') throw new Error(outcome.reason);
  return Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
}

describe('absent columns in a prediction', () => {
  it('lists each column some rows left out, with how many, scored as missing cells', async () => {
    const predictor = await trained();
    expect(predictor.predictRows([{ x: 0.5, purpose: 'car', size: 'm' }]).absent_columns).toBeUndefined();
    // A null is a value given as missing; "note" is not read by the model.
    expect(predictor.predictRows([{ x: null, purpose: 'car', size: 'm' }]).absent_columns).toBeUndefined();
    const answer = predictor.predictRows([{ x: 0.5 }, { x: 0.5, purpose: 'car' }, { purpose: 'car', size: 's' }]);
    expect(answer.absent_columns).toEqual([
      { column: 'x', rows: 1 },
      { column: 'purpose', rows: 1 },
      { column: 'size', rows: 2 },
    ]);
    // Read as missing, as before.
    expect(predictor.predictRows([{ x: 0.5, purpose: null, size: null }]).probabilities![0]).toEqual(answer.probabilities![0]);
  });

  it('lists them when some columns arrive as arrays (an image batch\'s pixels), those never absent', async () => {
    const predictor = await trained();
    const answer = predictor.predictWithColumns([{ purpose: 'car' }, {}], new Map([['x', Float64Array.of(0.5, 0.1)]]));
    expect(answer?.absent_columns).toEqual([
      { column: 'purpose', rows: 1 },
      { column: 'size', rows: 2 },
    ]);
  });

  it('lists the columns a CSV batch lacks, every row lacking them', async () => {
    const predictor = await trained();
    const answer = predictor.predictTable(parseCsvColumns('purpose,x\ncar,0.5\nradio/tv,0.1\n'));
    expect(answer.absent_columns).toEqual([{ column: 'size', rows: 2 }]);
    expect(predictor.predictTable(parseCsvColumns('size,purpose,x\nm,car,0.5\n')).absent_columns).toBeUndefined();
  });

  it('lists at most 100 columns, with the total beside', () => {
    const read = Array.from({ length: 130 }, (_, i) => `c${i}`);
    const decoded = { rows: 1, columns: [], absentRows: Object.fromEntries(read.slice(1).map((c) => [c, 1])) };
    const report = absentInRows(read, [decoded]);
    expect(report?.absent_columns).toHaveLength(MAX_ABSENT_LISTED);
    expect(report?.absent_columns[0]).toEqual({ column: 'c1', rows: 1 });
    expect(report?.absent_columns_total).toBe(129);
    expect(absentInHeader(read, read, 5)).toBeUndefined();
  });
});

/**
 * Words a column of numbers held a few of ("declined" among ages), which upload reads as missing values
 * (data/stray-text), are kept with the column and read as missing by predictions too: a row from the very
 * file a model was trained on was refused as "expected a number, got "declined"". Other words are still
 * refused, naming the row and the column; the stored dataset keeps the words, and so does the model.
 */
import { describe, expect, it } from 'vitest';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import { parseCsvColumns } from '../../src/engine/data/csv-columns';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { cellsToDataset, decodeCellColumns } from '../../src/engine/features/cells-to-dataset';
import { getModelSpec } from '../../src/engine/models/registry';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';

/** 200 people: age (twice "Declined", once " N/A? "), income, and whether they bought. */
function table(): string {
  const lines = ['age,income,bought'];
  for (let i = 0; i < 200; i++) {
    const age = i === 17 || i === 90 ? 'Declined' : i === 120 ? ' N/A? ' : String(20 + (i % 50));
    lines.push(`${age},${1000 + ((i * 37) % 500)},${(i % 50) + ((i * 37) % 500) / 20 > 40 ? 'yes' : 'no'}`);
  }
  return lines.join('\n');
}

describe('words read as missing among numbers', () => {
  it('are kept with the column, through the stored dataset', () => {
    const { dataset } = inferDataset(parseCsv(table()));
    const age = dataset.columns[0];
    expect(age.type).toBe('numeric');
    expect(age.storage === 'f64' && age.missingWords).toEqual(['declined', 'n/a?']);
    const back = decodeDataset(encodeDataset(dataset)).columns[0];
    expect(back.storage === 'f64' && back.missingWords).toEqual(['declined', 'n/a?']);
  });

  it('predict as missing, from JSON rows and CSV alike, where another word is refused', async () => {
    const dataset = decodeDataset(encodeDataset(inferDataset(parseCsv(table())).dataset));
    const shape = { rows: dataset.rows, cols: 2, task: 'binary' as const, nClasses: 2 };
    const outcome = await runTrial(dataset, { family: 'gbdt', params: getModelSpec('gbdt').defaults(shape), target: 'bought', metric: 'roc_auc', seed: 1, folds: 3 });
    if (outcome.status !== 'complete') throw new Error(outcome.reason);
    const predictor = await Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
    const missing = predictor.predictRows([{ age: null, income: 1200 }]);
    expect(predictor.predictRows([{ age: 'DECLINED', income: 1200 }])).toEqual(missing);
    expect(predictor.predictRows([{ age: 30, income: 1200 }])).not.toEqual(missing);
    expect(predictor.predictRows([{ age: 'n/a?', income: 1200 }])).toEqual(missing);
    expect(() => predictor.predictRows([{ age: 30, income: 1200 }, { age: 'banana', income: 1200 }])).toThrow(/row 1, column "age": expected a number, got "banana"/);
    // The CSV batch path reads them on its fast path, to the same values.
    const inputs = outcome.envelope.pipeline.inputs;
    const known = new Set(['age', 'income', 'bought']);
    const csv = parseCsvColumns('age,income\nDeclined,1200\n31,1300\n');
    const fast = decodeCellColumns(inputs, known, csv);
    expect(fast).toBeDefined();
    expect(cellsToDataset(inputs, known, csv)).toEqual(fast);
    expect(Array.from((fast!.columns[0] as { values: Float64Array }).values)).toEqual([NaN, 31]);
  });
});

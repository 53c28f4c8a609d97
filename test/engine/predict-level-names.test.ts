/**
 * Values and names a prediction request meets that plain text lookups and plain objects got wrong:
 *  - a category made from a number column is found by its number (7, "7.0", "02134" written as the file
 *    did), in JSON rows and CSV cells alike, not reported unseen; two levels that read as one number
 *    match neither; a boolean column of 1.0 and 0.0 reads true, 1 and "yes";
 *  - a class named "__proto__" (or "constructor") keeps its probability in the answer.
 * Each test fails without its change (level-lookup's numeric fallback; predictor's bare objects).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { parseCsvColumns } from '../../src/engine/data/csv-columns';
import type { CsvTable } from '../../src/engine/data/csv';
import { MISSING_CODE, UNSEEN_CODE } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides } from '../../src/engine/data/overrides';
import { cellsToDataset } from '../../src/engine/features/cells-to-dataset';
import type { InputColumn } from '../../src/engine/features/pipeline';
import { rowsToDataset } from '../../src/engine/features/rows-to-dataset';
import { getModelSpec } from '../../src/engine/models/registry';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';

const codeInput = (levels: string[]): InputColumn => ({ name: 'code', type: 'categorical', storage: 'codes', levels });

function codesOfRows(input: InputColumn, values: unknown[]): number[] {
  const ds = rowsToDataset([input], new Set(['code']), values.map((v) => ({ code: v })));
  const col = ds.columns[0];
  if (col.storage !== 'codes') throw new Error('expected codes');
  return Array.from(col.codes);
}

function codesOfCells(input: InputColumn, cells: string[]): number[] {
  const ds = cellsToDataset([input], new Set(['code']), parseCsvColumns(`code\n${cells.join('\n')}\n`));
  const col = ds.columns[0];
  if (col.storage !== 'codes') throw new Error('expected codes');
  return Array.from(col.codes);
}

describe('categories made from numbers', () => {
  it('finds a level by its number when its text differs (JSON rows and CSV cells alike)', () => {
    const input = codeInput(['007', '010', '100']);
    expect(codesOfRows(input, [7, '7', '7.0', ' 007 ', 10, '1e2', 100.0, 8, 'x', null])).toEqual([0, 0, 0, 0, 1, 2, 2, UNSEEN_CODE, UNSEEN_CODE, MISSING_CODE]);
    expect(codesOfCells(codeInput(['007', '010', '100']), ['7', '7.0', '007', '10', '1e2', '8', 'x'])).toEqual([0, 0, 0, 1, 2, UNSEEN_CODE, UNSEEN_CODE]);
  });

  it('matches the file spelling of a level labelled as the number prints (zip codes past 200 values)', () => {
    const input = codeInput(['2134', '90210']);
    expect(codesOfRows(input, ['02134', '2134', 90210, '090210'])).toEqual([0, 0, 1, 1]);
    expect(codesOfCells(codeInput(['2134', '90210']), ['02134', '090210'])).toEqual([0, 1]);
  });

  it('leaves a number two levels read as unmatched, and text levels as they were', () => {
    const input = codeInput(['1', '01', 'red']);
    expect(codesOfRows(input, ['1', '01', '001', 1, 'red', 'Red'])).toEqual([0, 1, UNSEEN_CODE, 0, 2, UNSEEN_CODE]);
  });

  it('reads true, 1 and "yes" as the "1.0" of a column of 1.0 and 0.0 declared boolean', () => {
    const input: InputColumn = { name: 'code', type: 'boolean', storage: 'codes', levels: ['0.0', '1.0'] };
    expect(codesOfRows(input, [true, 1, '1', '1.0', 'yes', false, 0, '0', 'no', '0.0'])).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('predicts a declared-categorical number column the same for 7, "7" and the file\'s "007", with nothing unseen', async () => {
    const rng = new Rng(5);
    const codes = ['007', '010', '100', '250'];
    const rows: string[][] = [];
    for (let i = 0; i < 400; i++) {
      const code = codes[rng.int(codes.length)];
      const x = rng.uniform(-1, 1);
      rows.push([code, x.toFixed(3), (code === '010' ? 1 : 0) + x + rng.uniform(-0.5, 0.5) > 0.5 ? 'yes' : 'no']);
    }
    const table: CsvTable = { header: ['code', 'x', 'y'], rows };
    const ds = applyOverrides(inferDataset(table).dataset, { code: 'categorical' }).dataset;
    const shape = { rows: ds.rows, cols: 2, task: 'binary' as const, nClasses: 2 };
    const outcome = await runTrial(ds, { family: 'gbdt', params: getModelSpec('gbdt').defaults(shape), target: 'y', metric: 'roc_auc', seed: 1, folds: 3 });
    if (outcome.status !== 'complete') throw new Error(outcome.reason);
    const predictor = await Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
    const asFile = predictor.predictRows([{ code: '010', x: 0.2 }]);
    expect(asFile.unseen).toBeUndefined();
    for (const code of [10, '10', '10.0']) {
      const answer = predictor.predictRows([{ code, x: 0.2 }]);
      expect(answer.unseen).toBeUndefined();
      expect(answer.probabilities).toEqual(asFile.probabilities);
    }
    // A code training never had is still unseen, and reported.
    expect(predictor.predictRows([{ code: 11, x: 0.2 }]).unseen).toEqual([{ row: 0, column: 'code', value: '11' }]);
    predictor.dispose();
  });
});

describe('class names that are Object.prototype properties', () => {
  for (const [label, classes] of [
    ['binary', ['__proto__', 'ok']],
    ['multiclass', ['__proto__', 'constructor', 'toString']],
  ] as const) {
    it(`${label}: every class keeps its own probability`, async () => {
      const rng = new Rng(9);
      const rows: string[][] = [];
      for (let i = 0; i < 300; i++) {
        const x = rng.uniform(0, classes.length);
        rows.push([x.toFixed(3), classes[Math.min(classes.length - 1, Math.floor(x + rng.uniform(-0.3, 0.3)))] ?? classes[0]]);
      }
      const ds = inferDataset({ header: ['x', 'y'], rows }).dataset;
      const task = classes.length === 2 ? 'binary' : 'multiclass';
      const shape = { rows: ds.rows, cols: 1, task, nClasses: classes.length } as const;
      const outcome = await runTrial(ds, { family: 'gbdt', params: getModelSpec('gbdt').defaults(shape), target: 'y', metric: 'log_loss', seed: 1, folds: 3 });
      if (outcome.status !== 'complete') throw new Error(outcome.reason);
      const predictor = await Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
      const answer = predictor.predictRows([{ x: 0.1 }, { x: classes.length - 0.1 }]);
      const sent = JSON.parse(JSON.stringify(answer)) as { probabilities: Record<string, number>[]; predictions: string[] };
      for (const p of sent.probabilities) {
        expect(Object.keys(p).sort()).toEqual([...classes].sort());
        expect(Object.values(p).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      }
      expect(sent.predictions[0]).toBe(classes[0]);
      expect(sent.probabilities[0].__proto__).toBeGreaterThan(0.5);
      predictor.dispose();
    });
  }
});

/**
 * A prediction names the category cells the model never saw (engine/features/unseen-categories): read
 * as missing, as before, but listed with their row, column and value as sent, the same from row objects
 * and from a CSV batch, and at most 100 of them with the total beside.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { parseCsvColumns } from '../../src/engine/data/csv-columns';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { getModelSpec } from '../../src/engine/models/registry';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';

async function trained(): Promise<Predictor> {
  const lines = ['x,purpose,size,label'];
  for (let i = 0; i < 120; i++) lines.push(`${(i % 10) / 10},${['car', 'radio/tv', 'education'][i % 3]},${['s', 'm', 'l'][i % 3]},${i % 3 === 0 ? 'good' : 'bad'}`);
  const { dataset } = inferDataset(parseCsv(lines.join('\n')));
  const shape = { rows: 120, cols: 3, task: 'binary' as const, nClasses: 2 };
  const outcome = await runTrial(dataset, { family: 'linear', params: getModelSpec('linear').defaults(shape), target: 'label', metric: 'roc_auc', seed: 1, folds: 3 });
  if (outcome.status !== 'complete') throw new Error(outcome.reason);
  return Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
}

describe('unseen categories in a prediction', () => {
  it('lists each unseen cell with its row, column and value, scored as a missing cell', async () => {
    const predictor = await trained();
    const known = predictor.predictRows([{ x: 0.5, purpose: 'car', size: 'm' }]);
    expect(known.unseen).toBeUndefined();
    const answer = predictor.predictRows([{ x: 0.5, purpose: 'car' }, { x: 0.5, purpose: 'RADIO/TV', size: 'xl' }, { x: 0.5, size: 'm' }, { x: 0.5, purpose: 'boat' }]);
    expect(answer.unseen).toEqual([
      { row: 1, column: 'purpose', value: 'RADIO/TV' },
      { row: 1, column: 'size', value: 'xl' },
      { row: 3, column: 'purpose', value: 'boat' },
    ]);
    expect(answer.unseen_total).toBeUndefined();
    // Read as missing, as before: "boat" scores as a row without purpose.
    expect(predictor.predictRows([{ x: 0.5 }]).probabilities![0]).toEqual(answer.probabilities![3]);
  });

  it('lists the same from a CSV batch, the value as the file wrote it', async () => {
    const predictor = await trained();
    const text = 'x,purpose,size\n0.5,car,m\n0.5,boat,l\n0.1,,xl';
    const fromTable = predictor.predictTable(parseCsvColumns(text));
    expect(fromTable.unseen).toEqual([
      { row: 1, column: 'purpose', value: 'boat' },
      { row: 2, column: 'size', value: 'xl' },
    ]);
    const table = parseCsv(text);
    const rows = table.rows.map((cells) => Object.fromEntries(table.header.map((h, j) => [h, cells[j] === '' ? null : cells[j]])));
    expect(predictor.predictRows(rows)).toStrictEqual(fromTable);
  });

  it('lists at most 100, with the total beside', async () => {
    const predictor = await trained();
    const rows = Array.from({ length: 150 }, (_, i) => ({ x: 0.1, purpose: `p${i}` }));
    const answer = predictor.predictRows(rows);
    expect(answer.unseen).toHaveLength(100);
    expect(answer.unseen![99]).toEqual({ row: 99, column: 'purpose', value: 'p99' });
    expect(answer.unseen_total).toBe(150);
  });
});

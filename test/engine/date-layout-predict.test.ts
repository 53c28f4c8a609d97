/**
 * A model trained on dates in a spreadsheet layout (03/15/2024) reads predict rows the way training read
 * its column: JSON rows and CSV batches alike, ISO-8601 too, a day-first cell refused naming the layout,
 * and a job's declared order carried into the model (also when it trains on part of the rows). A number
 * is no date, and a cell written in the layout that is no real date (30/02/2024) is refused saying so.
 * Forecasts take such a column as their time.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { parseCsvColumns } from '../../src/engine/data/csv-columns';
import type { Dataset } from '../../src/engine/data/dataset';
import { trainingPart } from '../../src/engine/data/holdout';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides } from '../../src/engine/data/overrides';
import { extractSeries } from '../../src/engine/forecast';
import { rowsToDataset } from '../../src/engine/features/rows-to-dataset';
import { getModelSpec } from '../../src/engine/models/registry';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';

/** 120 days of a target that rises through each month (day of month matters), dates written month first. */
function usTable(): string {
  const lines = ['when,x,y'];
  for (let i = 0; i < 120; i++) {
    const d = new Date(Date.UTC(2024, 0, 1 + i));
    const [m, day] = [d.getUTCMonth() + 1, d.getUTCDate()];
    lines.push(`${m}/${day}/2024,${(i * 7) % 11},${(day * 2 + ((i * 7) % 11)).toFixed(1)}`);
  }
  return lines.join('\n');
}

async function train(dataset: Dataset) {
  const shape = { rows: dataset.rows, cols: 2, task: 'regression' as const, nClasses: 0 };
  const outcome = await runTrial(dataset, { family: 'gbdt', params: getModelSpec('gbdt').defaults(shape), target: 'y', metric: 'rmse', seed: 1, folds: 3 });
  if (outcome.status !== 'complete') throw new Error(outcome.reason);
  // Through JSON, as the artifact is stored and loaded.
  return Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
}

describe('predicting with a model trained on month-first dates', () => {
  it('reads 03/16/2024 as training did, as ISO-8601 does, in JSON rows and CSV batches', async () => {
    const { dataset } = inferDataset(parseCsv(usTable()));
    const predictor = await train(dataset);
    const input = predictor.envelope.pipeline.inputs.find((i) => i.name === 'when');
    expect(input).toMatchObject({ type: 'datetime', dateOrder: 'mdy' });
    // The very value training stored for the same cell.
    const col = dataset.columns[0];
    const decoded = rowsToDataset(predictor.envelope.pipeline.inputs, new Set(['when', 'x', 'y']), [{ when: '2/5/2024', x: 1 }]).columns.find((c) => c.name === 'when');
    expect(decoded?.storage === 'f64' && decoded.values[0]).toBe(col.storage === 'f64' ? col.values[35] : undefined);

    const us = predictor.predictRows([{ when: '03/16/2024', x: 3 }]);
    expect(predictor.predictRows([{ when: '2024-03-16', x: 3 }])).toStrictEqual(us);
    expect(predictor.predictTable(parseCsvColumns('when,x\n03/16/2024,3\n3/16/2024,3\n'))).toStrictEqual(predictor.predictRows([{ when: '03/16/2024', x: 3 }, { when: '3/16/2024', x: 3 }]));
    // Day of month matters to this model: the 1st and the 28th differ.
    expect(predictor.predictRows([{ when: '03/01/2024', x: 3 }])).not.toStrictEqual(predictor.predictRows([{ when: '03/28/2024', x: 3 }]));
    predictor.dispose();
  });

  it('refuses a day-first date, naming the row, the column and the layout, in JSON and CSV alike', async () => {
    const predictor = await train(inferDataset(parseCsv(usTable())).dataset);
    let json: unknown;
    try {
      predictor.predictRows([{ when: '03/16/2024', x: 1 }, { when: '16/03/2024', x: 1 }]);
    } catch (err) {
      json = err;
    }
    expect(json).toMatchObject({ code: 'invalid_input', details: { row: 1, column: 'when' } });
    expect((json as Error).message).toBe('row 1, column "when": expected a date as MM/DD/YYYY (month first), as in training, or ISO-8601, got "16/03/2024"');
    expect(() => predictor.predictTable(parseCsvColumns('when,x\n03/16/2024,1\n16/03/2024,1\n'))).toThrow((json as Error).message);
    predictor.dispose();
  });

  it('reads dates as ISO-8601 only for a model saved before layouts were stored', async () => {
    const { dataset } = inferDataset(parseCsv(usTable()));
    const outcome = await runTrial(dataset, { family: 'linear', params: getModelSpec('linear').defaults({ rows: 120, cols: 2, task: 'regression', nClasses: 0 }), target: 'y', metric: 'rmse', seed: 1, folds: 3 });
    if (outcome.status !== 'complete') throw new Error(outcome.reason);
    const old = JSON.parse(JSON.stringify(outcome.envelope));
    for (const input of old.pipeline.inputs) delete input.dateOrder;
    const predictor = await Predictor.load(old);
    expect(() => predictor.predictRows([{ when: '03/16/2024' }])).toThrow('expected an ISO-8601 date, got "03/16/2024"');
    expect(predictor.predictRows([{ when: '2024-03-16' }]).predictions).toHaveLength(1);
    predictor.dispose();
  });

  it('carries a job\'s declared day-first order into the model', async () => {
    // Every date reads either way: upload guesses month first; the job says day first.
    const lines = ['when,x,y'];
    for (let i = 0; i < 60; i++) lines.push(`${String((i % 12) + 1).padStart(2, '0')}/${String(((i * 5) % 12) + 1).padStart(2, '0')}/2024,${i % 7},${((i * 3) % 5) + 0.5}`);
    const { dataset, profile } = inferDataset(parseCsv(lines.join('\n')));
    expect(profile[0].warnings).toHaveLength(1);
    const { dataset: declared } = applyOverrides(dataset, { when: { type: 'datetime', date_order: 'dmy' } });
    const predictor = await train(declared);
    expect(predictor.envelope.pipeline.inputs.find((i) => i.name === 'when')?.dateOrder).toBe('dmy');
    expect(predictor.predictRows([{ when: '25/03/2024', x: 1 }])).toStrictEqual(predictor.predictRows([{ when: '2024-03-25', x: 1 }]));
    expect(() => predictor.predictRows([{ when: '03/25/2024', x: 1 }])).toThrow(/expected a date as DD\/MM\/YYYY \(day first\)/);
    predictor.dispose();
  });
});

describe('what predict refuses in a datetime input', () => {
  it('refuses a number, in a JSON row as in a CSV cell: epoch seconds, milliseconds and serial days cannot be told apart', async () => {
    const predictor = await train(inferDataset(parseCsv(usTable())).dataset);
    for (const n of [45366, 1710460800, 1710460800000]) {
      let err: unknown;
      try {
        predictor.predictRows([{ when: '03/16/2024', x: 1 }, { when: n, x: 1 }]);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'invalid_input', details: { row: 1, column: 'when' } });
      expect((err as Error).message).toBe(
        `row 1, column "when": got the number ${n}; send the date as text, ISO-8601 ("2024-03-15") or MM/DD/YYYY (month first) as in training: a number is not read as a date (seconds, milliseconds or days since some epoch cannot be told apart)`,
      );
    }
    expect(() => predictor.predictTable(parseCsvColumns('when,x\n45366,1\n'))).toThrow('row 0, column "when": expected a date as MM/DD/YYYY (month first), as in training, or ISO-8601, got "45366"');
    predictor.dispose();
  });

  it('says a date written in the layout that does not exist is no real date, not that the layout is wrong', async () => {
    const lines = ['when,x,y'];
    for (let i = 0; i < 60; i++) lines.push(`${String((i % 28) + 1).padStart(2, '0')}/${String((i % 12) + 1).padStart(2, '0')}/2024,${i % 7},${((i * 3) % 5) + 0.5}`);
    const predictor = await train(inferDataset(parseCsv(lines.join('\n'))).dataset);
    expect(predictor.envelope.pipeline.inputs.find((i) => i.name === 'when')?.dateOrder).toBe('dmy');
    const message = 'row 0, column "when": "30/02/2024" is not a real date (February 2024 has no day 30)';
    expect(() => predictor.predictRows([{ when: '30/02/2024', x: 1 }])).toThrow(message);
    expect(() => predictor.predictTable(parseCsvColumns('when,x\n30/02/2024,1\n'))).toThrow(message);
    expect(() => predictor.predictRows([{ when: '2024-02-30', x: 1 }])).toThrow('row 0, column "when": "2024-02-30" is not a real date (February 2024 has no day 30)');
    expect(() => predictor.predictRows([{ when: '15/02/2024 25:00', x: 1 }])).toThrow('"15/02/2024 25:00" is not a real date ("25:00" is no time of day)');
    // A date of the other order is still a layout mistake.
    expect(() => predictor.predictRows([{ when: '02/15/2024', x: 1 }])).toThrow('expected a date as DD/MM/YYYY (day first), as in training, or ISO-8601, got "02/15/2024"');
    predictor.dispose();
  });
});

describe('a model trained on part of the rows (a retraining job\'s search, without its holdout)', () => {
  it('reads dates in the layout of the whole column', async () => {
    const { dataset } = inferDataset(parseCsv(usTable()));
    const part = trainingPart(dataset, 'y', 'regression', { fraction: 0.2, seed: 5 });
    const predictor = await train(part);
    expect(predictor.envelope.pipeline.inputs.find((i) => i.name === 'when')?.dateOrder).toBe('mdy');
    expect(predictor.predictRows([{ when: '03/16/2024', x: 3 }])).toStrictEqual(predictor.predictRows([{ when: '2024-03-16', x: 3 }]));
    predictor.dispose();
  });
});

describe('forecasting on a column of month-first dates', () => {
  it('takes it as the time column and finds its frequency', () => {
    const lines = ['month,y'];
    for (let i = 0; i < 36; i++) lines.push(`${(i % 12) + 1}/1/${2020 + Math.floor(i / 12)},${100 + i}`);
    const { dataset, profile } = inferDataset(parseCsv(lines.join('\n')));
    expect(profile[0]).toMatchObject({ type: 'datetime', date_order: 'mdy' });
    const { info } = extractSeries(dataset, { target: 'y' });
    expect(info.timeColumn).toBe('month');
    expect(info.frequency).toMatchObject({ kind: 'months', name: 'monthly' });
  });
});

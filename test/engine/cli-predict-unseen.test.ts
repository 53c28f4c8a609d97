/**
 * The CLI's handling of a prediction's unseen category cells and of --seed, in plain Node: answers to
 * consecutive batches join their `unseen` lists (rows counted from the first batch's first row, totals
 * added; the first batch's alone were kept), a human report warns naming row, column and value (nothing
 * was said), and --seed takes 0 as the API does. Each fails without its change.
 */
import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../src/client';
import { wholeNumberUpTo } from '../../src/cli/command-kit';
import { UsageError } from '../../src/cli/errors';
import { joinPredictions } from '../../src/cli/predict-batches';
import { absentWarning, unseenWarning } from '../../src/cli/prediction-report';

const answer = (n: number, unseen?: Prediction['unseen'], total?: number): Prediction => ({
  model: { name: 'credit', version: 2 },
  predictions: Array.from({ length: n }, () => 'good'),
  ...(unseen ? { unseen } : {}),
  ...(total !== undefined ? { unseen_total: total } : {}),
});

describe('unseen categories over batches', () => {
  it('are joined with rows counted from the first row of all', () => {
    const joined = joinPredictions([answer(3), answer(4, [{ row: 1, column: 'purpose', value: 'radio/télé' }]), answer(2, [{ row: 0, column: 'job', value: 'chef' }])]);
    expect(joined.unseen).toEqual([
      { row: 4, column: 'purpose', value: 'radio/télé' },
      { row: 7, column: 'job', value: 'chef' },
    ]);
    expect(joined.unseen_total).toBeUndefined();
    expect(joinPredictions([answer(2), answer(2)])).not.toHaveProperty('unseen');
  });

  it('list the first 100 and count them all', () => {
    const many = Array.from({ length: 100 }, (_, row) => ({ row, column: 'c', value: 'x' }));
    const joined = joinPredictions([answer(100, many, 130), answer(50, many.slice(0, 50))]);
    expect(joined.unseen).toHaveLength(100);
    expect(joined.unseen_total).toBe(180);
  });

  it('are named in a warning, rows from 1 as the table numbers them', () => {
    expect(unseenWarning(answer(2))).toBeUndefined();
    expect(unseenWarning(answer(9, [{ row: 7, column: 'purpose', value: 'radio/télé' }]))).toBe(
      '1 category cell the model never saw was read as missing (row 8 "purpose": "radio/télé"); check the spelling against the training data',
    );
    const seven = Array.from({ length: 7 }, (_, row) => ({ row, column: 'c', value: `v${row}` }));
    expect(unseenWarning(answer(7, seven))).toContain('row 5 "c": "v4"; and 2 more)');
  });
});

describe('absent columns over batches', () => {
  const absent = (n: number, columns: Prediction['absent_columns']): Prediction => ({ model: { name: 'credit', version: 2 }, predictions: Array.from({ length: n }, () => 'good'), absent_columns: columns });

  it("are joined with every batch's rows added, and named in a warning", () => {
    const joined = joinPredictions([absent(3, [{ column: 'age', rows: 3 }]), absent(2, [{ column: 'age', rows: 1 }, { column: 'job', rows: 2 }]), answer(1)]);
    expect(joined.absent_columns).toEqual([
      { column: 'age', rows: 4 },
      { column: 'job', rows: 2 },
    ]);
    expect(absentWarning(joined)).toBe('the model reads 2 columns the rows did not send, read as missing: "age" (4 of 6 rows), "job" (2 of 6 rows); add them to the file (an empty cell says a value is unknown)');
    expect(absentWarning(absent(2, [{ column: 'age', rows: 2 }]))).toBe('the model reads a column the rows did not send, read as missing: "age"; add it to the file (an empty cell says a value is unknown)');
    expect(absentWarning(answer(2))).toBeUndefined();
    expect(joinPredictions([answer(2), answer(2)])).not.toHaveProperty('absent_columns');
  });
});

describe('--seed', () => {
  it('takes 0 and the API top, and refuses what the API would', () => {
    const seed = wholeNumberUpTo('--seed', 2 ** 31 - 1);
    expect(seed('0')).toBe(0);
    expect(seed('2147483647')).toBe(2 ** 31 - 1);
    for (const bad of ['-1', '1.5', '2147483648', '', 'x']) expect(() => seed(bad)).toThrow(UsageError);
  });
});

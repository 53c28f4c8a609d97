/**
 * Truth values in a table (s25 audit, findings 3 and 14): a column of truth words mixed with 1 and 0 is
 * one boolean column of two levels (each truth's most frequent spelling) and a binary target, while 1 and
 * 0 alone stay numbers; a job may declare a column boolean only when it holds two values at most.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { parseBooleanCell } from '../../src/engine/data/column-types';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides } from '../../src/engine/data/overrides';
import { prepareTarget } from '../../src/engine/data/target';
import { MIXED_TRUTHS as MIXED } from '../fixtures/text-encodings';

const typeOf = (csv: string, column = 0) => inferDataset(parseCsv(csv)).dataset.columns[column];

describe('truth words mixed with 1 and 0', () => {
  it('reads 1 and 0 as truth spellings', () => {
    expect([parseBooleanCell('1'), parseBooleanCell(' 0 '), parseBooleanCell('Yes')]).toEqual([true, false, true]);
    expect([parseBooleanCell('2'), parseBooleanCell('1.0'), parseBooleanCell('-1')]).toEqual([undefined, undefined, undefined]);
  });

  it('is one boolean column of two levels, a binary target with the most frequent spelling of each', () => {
    const { dataset } = inferDataset(parseCsv(MIXED));
    const label = dataset.columns[2];
    expect(label.type).toBe('boolean');
    if (label.storage !== 'codes') throw new Error('a boolean column is coded');
    // 1 and 0 are the commonest spellings in the file, so the levels read so.
    expect([...label.levels].sort()).toEqual(['0', '1']);
    const target = prepareTarget(dataset, 'label');
    expect(target.task).toBe('binary');
    expect([...target.classes].sort()).toEqual(['0', '1']);
    // Every row keeps its truth: a "yes" spelling is the true class wherever x > 0.5.
    const x = dataset.columns[0];
    if (x.storage !== 'f64') throw new Error('x is numeric');
    const trueClass = target.classes.indexOf('1');
    for (let i = 0; i < 80; i++) expect(target.y[i] === trueClass, `row ${i}`).toBe(x.values[i] > 0.5);
  });

  it('keeps a column of 1 and 0 alone numeric, as before, and words with other numbers categories', () => {
    expect(typeOf('f,x\n1,1\n0,2\n1,3\n0,4\n').type).toBe('numeric');
    expect(typeOf('f,x\n1,1\n0,2\nyes,3\n2,4\n').type).not.toBe('boolean');
    // Spellings of one truth only are no boolean column, digit or not.
    expect(typeOf('f,x\nyes,1\n1,2\nY,3\n').type).not.toBe('boolean');
    // A word among the digits is enough, whichever truth it spells.
    expect(typeOf('f,x\n1,1\n0,2\n1,3\nno,4\n').type).toBe('boolean');
  });
});

describe('a column declared boolean', () => {
  const { dataset: credit } = inferDataset(parseCsv(readFileSync(new URL('../../../shared/data/credit_g.train.csv', import.meta.url), 'utf8')));

  function refusal(overrides: Record<string, 'boolean'>): EngineError {
    try {
      applyOverrides(credit, overrides);
    } catch (err) {
      if (err instanceof EngineError) return err;
      throw err;
    }
    throw new Error('expected the override to be refused');
  }

  it('is refused when it holds more than two values, naming the column, the count and the first values', () => {
    const duration = credit.columns.find((c) => c.name === 'duration');
    if (duration?.storage !== 'f64') throw new Error('duration is numeric');
    const distinct = new Set(Array.from(duration.values).filter((v) => !Number.isNaN(v))).size;
    expect(distinct).toBeGreaterThan(2);
    const numbers = refusal({ duration: 'boolean' });
    expect(numbers.code).toBe('invalid_params');
    expect(numbers.message).toBe(`columns: "duration" cannot be boolean: it holds ${distinct} distinct values (4, 6, 7, 8, …), while a boolean holds two`);
    expect(numbers.details).toMatchObject({ field: 'columns', column: 'duration', distinct });
    const words = refusal({ purpose: 'boolean' });
    expect(words.message).toMatch(/^columns: "purpose" cannot be boolean: it holds 10 distinct values \("business", "domestic appliance", "education", "furniture\/equipment", …\)/);
  });

  it('is accepted for two values in any spelling, a missing cell counting as none', () => {
    const { dataset } = inferDataset(parseCsv('a,b,c\nred,1,x\nblue,0,\nred,1,y\nblue,1,x\n'));
    const { dataset: declared } = applyOverrides(dataset, { a: 'boolean', b: 'boolean', c: 'boolean' });
    expect(declared.columns.map((col) => col.type)).toEqual(['boolean', 'boolean', 'boolean']);
    expect(() => applyOverrides(inferDataset(parseCsv('a\n1\n2\n3\n')).dataset, { a: 'boolean' })).toThrow(/holds 3 distinct values \(1, 2, 3\), while/);
  });
});

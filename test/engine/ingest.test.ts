/**
 * Ingest: CSV parsing with line-numbered refusals, type inference against the shared datasets' declared
 * types, the columnar codec round trip, targets and column overrides.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides } from '../../src/engine/data/overrides';
import { prepareTarget } from '../../src/engine/data/target';

const SHARED = new URL('../../../shared/data/', import.meta.url);
const shared = (file: string) => readFileSync(new URL(file, SHARED), 'utf8');

function refusal(text: string): EngineError {
  try {
    parseCsv(text);
  } catch (err) {
    if (err instanceof EngineError) return err;
    throw err;
  }
  throw new Error('expected the CSV to be refused');
}

describe('parseCsv', () => {
  it('reads quoted fields, CRLF and a BOM', () => {
    const t = parseCsv('\ufeffa,b\r\n"x, y",2\r\n"he said ""hi""",3\r\n');
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([
      ['x, y', '2'],
      ['he said "hi"', '3'],
    ]);
  });

  it('names the line of a ragged row', () => {
    const e = refusal('a,b\n1,2\n3,4\n5\n6,7\n');
    expect(e.code).toBe('invalid_csv');
    expect(e.details.line).toBe(4);
    expect(e.message).toMatch(/line 4 has 1 fields but the header has 2/);
  });

  it('refuses empty files, header-only files, duplicate and empty names', () => {
    expect(refusal('').message).toMatch(/empty/);
    expect(refusal('a,b\n').message).toMatch(/no data rows/);
    expect(refusal('a,a\n1,2\n').message).toMatch(/"a" appears twice/);
    expect(refusal('a,,c\n1,2,3\n').details.column_index).toBe(2);
  });

  it('refuses an unterminated quote', () => {
    const e = refusal('a,b\n1,"open\n2,3\n');
    expect(e.code).toBe('invalid_csv');
    expect(e.message).toMatch(/never closed|quote/i);
  });
});

describe('inferDataset', () => {
  it('infers the declared types of credit_g and pima (numeric vs categorical)', () => {
    for (const name of ['credit_g', 'penguins', 'auto_mpg']) {
      const meta = JSON.parse(shared(`${name}.json`)) as { target: string; columns: { name: string; type: string }[] };
      const { dataset } = inferDataset(parseCsv(shared(`${name}.train.csv`)));
      for (const col of meta.columns) {
        const got = dataset.columns.find((c) => c.name === col.name);
        // Two-level categoricals may be read as boolean when spelled like one; both are categorical to models.
        expect([col.type, col.type === 'categorical' ? 'boolean' : col.type], `${name}.${col.name}`).toContain(got?.type);
      }
    }
  });

  it('flags id-like, constant, boolean and datetime columns and counts missing values', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i + 1},x${i},same,${i % 2 ? 'yes' : 'no'},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 3 === 0 ? '' : i}`);
    const { dataset, profile } = inferDataset(parseCsv(`customer_id,code,k,flag,day,v\n${rows.join('\n')}\n`));
    expect(dataset.columns.map((c) => c.type)).toEqual(['id', 'id', 'constant', 'boolean', 'datetime', 'numeric']);
    expect(profile[0].dropped).toMatch(/identifier/);
    expect(profile[2].dropped).toMatch(/constant/);
    expect(profile[5].missing).toBe(10);
  });
});

describe('columnar codec', () => {
  it('round-trips a real dataset exactly', () => {
    const { dataset } = inferDataset(parseCsv(shared('soybean.train.csv')));
    const back = decodeDataset(encodeDataset(dataset));
    expect(back.rows).toBe(dataset.rows);
    back.columns.forEach((col, j) => {
      const orig = dataset.columns[j];
      expect(col.name).toBe(orig.name);
      expect(col.type).toBe(orig.type);
      if (col.storage === 'codes' && orig.storage === 'codes') {
        expect(Array.from(col.codes)).toEqual(Array.from(orig.codes));
        expect(col.levels).toEqual(orig.levels);
      } else if (col.storage === 'f64' && orig.storage === 'f64') {
        expect(Array.from(col.values)).toEqual(Array.from(orig.values));
      } else throw new Error('storage changed');
    });
  });

  it('refuses bytes that are not the columnar format', () => {
    expect(() => decodeDataset(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow(/magic/);
  });
});

describe('prepareTarget and overrides', () => {
  const { dataset } = inferDataset(parseCsv(shared('credit_g.train.csv')));

  it('infers binary classification with the labels as in the data', () => {
    const t = prepareTarget(dataset, 'class');
    expect(t.task).toBe('binary');
    expect(t.classes).toEqual(['bad', 'good']);
    expect(t.y.filter((v) => v === 0).length).toBe(225);
  });

  it('infers regression for a continuous target and refuses a missing or constant target', () => {
    expect(prepareTarget(dataset, 'credit_amount').task).toBe('regression');
    expect(() => prepareTarget(dataset, 'nope')).toThrow(/not in the dataset/);
    const { dataset: constant } = inferDataset(parseCsv('a,t\n1,x\n2,x\n3,x\n'));
    expect(() => prepareTarget(constant, 't')).toThrow(/only one distinct value/);
    expect(() => prepareTarget(dataset, 'class', 'regression')).toThrow(/not numeric/);
  });

  it('reads columns named like Object.prototype members as ordinary columns', () => {
    const { dataset: odd } = inferDataset(parseCsv('constructor,toString,y\n1,a,p\n2,b,q\n3,a,p\n'), {});
    expect(odd.columns.map((c) => c.type)).toEqual(['numeric', 'categorical', 'categorical']);
    const { dataset: same, ignore } = applyOverrides(odd, {});
    expect(ignore).toEqual([]);
    expect(same.columns[0]).toBe(odd.columns[0]);
  });

  it('applies ignore and type overrides, and refuses impossible ones', () => {
    const { dataset: ds, ignore } = applyOverrides(dataset, { age: 'categorical', job: 'ignore' });
    expect(ignore).toEqual(['job']);
    const age = ds.columns.find((c) => c.name === 'age');
    expect(age?.storage).toBe('codes');
    expect(() => applyOverrides(dataset, { purpose: 'numeric' })).toThrow(/cannot be numeric/);
    expect(() => applyOverrides(dataset, { ghost: 'ignore' })).toThrow(/not a column/);
  });
});

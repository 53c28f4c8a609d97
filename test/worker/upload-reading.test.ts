/**
 * How uploads read spreadsheet exports, inside workerd (s18 user audit): a decimal-comma file's thousands
 * ("120.000") are numbers in the dataset view and in a CSV batch for predictions alike; a column of
 * numbers with stray words is numeric, its profile naming the words by line; a trailing empty unnamed
 * column is left out with a warning on the version; a boolean column refuses an appended "maybe".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, waitForJob } from './helpers';

/** 80 prices from 40.000 to 830.000, and one over a million (1.790.000: two dots). */
const PRICES = Array.from({ length: 80 }, (_, i) => 40_000 + ((i * 7919) % 80) * 10_000 + (i === 5 ? 1_000_000 : 0));
/** Semicolon separated: area with decimal commas, price with dots between thousands, y = price / 1000. */
const EU = [
  'area;price;city;y',
  ...PRICES.map((price, i) => `${50 + (i % 9)},${i % 2 ? 5 : 0};${String(price).replace(/\B(?=(\d{3})+$)/g, '.')};${['Paris', 'Lyon'][i % 2]};${price / 1000 + (i % 3)}`),
].join('\n');

/** 120 rows of numbers; "unknown-age" on lines 5 and 52, "abc" as the income on line 9 (the audit's q_mixed.csv). */
const MIXED = [
  'age,income,city,default',
  ...Array.from({ length: 120 }, (_, i) =>
    [i === 3 || i === 50 ? 'unknown-age' : 18 + ((i * 37) % 63), i === 7 ? 'abc' : 20_000 + i * 1013, ['Paris', 'Lille', 'Lyon'][i % 3], i % 2 ? 'yes' : 'no'].join(','),
  ),
].join('\n');

describe('a decimal-comma file with thousands', () => {
  beforeAll(async () => {
    expect((await call('PUT', '/v1/datasets/eu-prices', EU)).status).toBe(201);
  });

  it('shows the numbers the file means in the dataset view', async () => {
    const view = await json(await call('GET', '/v1/datasets/eu-prices'));
    const [area, price] = view.columns;
    expect(area).toMatchObject({ name: 'area', type: 'numeric', missing: 0, min: 50, max: 58.5 });
    // Numbers as written, none read as 40 (40.000) or the column as categories (1.790.000).
    expect(price).toMatchObject({ name: 'price', type: 'numeric', missing: 0, min: Math.min(...PRICES), max: Math.max(...PRICES) });
    expect(Math.max(...PRICES)).toBe(1_790_000);
    expect(price.warnings).toBeUndefined();
  });

  it('predicts a CSV batch\'s "120.000" as 120000, as JSON sends it', async () => {
    const start = await json(await call('POST', '/v1/jobs', { dataset: 'eu-prices', target: 'y', model: 'eu-prices', models: ['linear'], budget: { trials: 1 }, seed: 3 }));
    expect((await waitForJob(start.id)).status).toBe('succeeded');
    const predict = (body: unknown) => call('POST', '/v1/models/eu-prices/predict', body).then((r) => json(r));
    const fromCsv = await predict('area;price;city\n52,5;120.000;Paris\n51;1.200.000;Lyon\n');
    const fromJson = await predict({ rows: [{ area: 52.5, price: 120_000, city: 'Paris' }, { area: 51, price: 1_200_000, city: 'Lyon' }] });
    expect(fromCsv.predictions).toEqual(fromJson.predictions);
    // The misreading the audit found (120.000 read as 120) answers otherwise.
    const misread = await predict({ rows: [{ area: 52.5, price: 120, city: 'Paris' }] });
    expect(misread.predictions[0]).not.toBe(fromCsv.predictions[0]);
  }, 120_000);
});

describe('stray words and an empty unnamed column', () => {
  it('types numbers with stray words numeric, naming the words and their lines in the upload answer and the view', async () => {
    const res = await call('PUT', '/v1/datasets/mixed', MIXED);
    expect(res.status).toBe(201);
    const answer = await json(res);
    expect(answer.columns.map((c: { type: string }) => c.type)).toEqual(['numeric', 'numeric', 'categorical', 'boolean']);
    const view = await json(await call('GET', '/v1/datasets/mixed'));
    const [age, income] = view.columns;
    expect(age).toMatchObject({ type: 'numeric', missing: 2, min: 18, max: 80 });
    expect(age.warnings).toEqual([expect.stringMatching(/^118 of 120 values are numbers, but line 5 and line 52 hold "unknown-age": the column is read as numeric, with these cells missing; /)]);
    expect(income.dropped).toBeUndefined();
    expect(income.warnings).toEqual([expect.stringMatching(/^119 of 120 values are numbers, but line 9 holds "abc": /)]);
    expect(answer.columns[0].warnings).toEqual(age.warnings);
  });

  it("reads a job's numeric override of a column with more words as missing values, its warnings naming their rows", async () => {
    // 9 of 60 ages are "old" (13%, over the 2% a column is typed numeric with): categorical at upload.
    const csv = ['age,default', ...Array.from({ length: 60 }, (_, i) => `${i % 7 === 3 ? 'old' : 20 + ((i * 13) % 50)},${(i * 13) % 50 > 24 ? 'yes' : 'no'}`)].join('\n');
    expect((await call('PUT', '/v1/datasets/ages', csv)).status).toBe(201);
    expect((await json(await call('GET', '/v1/datasets/ages'))).columns[0].type).toBe('categorical');
    const res = await call('POST', '/v1/jobs', { dataset: 'ages', target: 'default', columns: { age: 'numeric' }, budget: { trials: 1 }, models: ['linear'] });
    expect(res.status).toBe(202);
    const body = await json(res);
    expect(body.warnings.join('\n')).toMatch(/"age" is read as numeric, as the job.s columns declare: 51 of 60 values are numbers, but data row 4, data row 11, data row 18 and 6 more hold "old"/);
    expect((await waitForJob(body.id)).status).toBe('succeeded');
  });

  it('leaves out an unnamed empty column, saying so on the version, and refuses one holding a value with a hint', async () => {
    const trailing = `${MIXED.split('\n').join(',\n')},\n`;
    const res = await call('PUT', '/v1/datasets/trailing', trailing);
    expect(res.status).toBe(201);
    const warning = 'column 5 of the header has no name and no value on any line (as when every line ends with a separator): it was left out';
    expect((await json(res)).warnings).toEqual([warning]);
    const view = await json(await call('GET', '/v1/datasets/trailing'));
    expect(view.columns.map((c: { name: string }) => c.name)).toEqual(['age', 'income', 'city', 'default']);
    expect(view.warnings).toEqual([warning]);
    // A version without anything left out says nothing.
    expect((await json(await call('GET', '/v1/datasets/mixed'))).warnings).toBeUndefined();

    const named = await json(await call('PUT', '/v1/datasets/unnamed', 'a,b,\n1,2,\n3,4,note\n'));
    expect(named.error).toMatchObject({ code: 'invalid_csv', details: { line: 3, column_index: 3 } });
    expect(named.error.message).toMatch(/name the column in the header/);
  });

  it('refuses "maybe" appended to a boolean column, naming the line and column, and adds no version', async () => {
    const res = await call('POST', '/v1/datasets/mixed/rows', 'age,income,city,default\n31,40000,Paris,yes\n32,41000,Paris,maybe\n');
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error).toMatchObject({ code: 'invalid_dataset', details: { line: 3, column: 'default' } });
    expect(error.message).toBe('line 3, column "default": "maybe" is not a truth value ("no" or "yes"), as the column\'s values are');
    expect((await json(await call('GET', '/v1/datasets/mixed'))).version).toBe(1);
  });
});

/**
 * Predictions answered as CSV (`Accept: text/csv`), an extension of the predict contract: the JSON answer
 * is unchanged and stays the default; the CSV answer carries the same labels and probabilities, line for
 * line, for JSON and CSV bodies, quotes class labels that need it, keeps explained answers JSON, and is
 * documented in the served OpenAPI document.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { prefersCsv } from '../../src/worker/csv-answer';
import { parseCsv } from '../../src/engine';
import { call, json, waitForJob } from './helpers';

// Labels with a comma and a quote, so the CSV answer must quote them.
const LABELS = ['low, "cheap"', 'high'];
const csv = [
  'amount,region,score,label',
  ...Array.from({ length: 120 }, (_, i) => `${(i * 37) % 101},${['north', 'south', 'east'][i % 3]},${(i % 7) / 7},"${((i * 37) % 101 > 50 ? LABELS[1] : LABELS[0]).replace(/"/g, '""')}"`),
].join('\n');
const rows = [
  { amount: 80, region: 'north', score: 0.5 },
  { amount: 3, region: 'east', score: 0.1 },
  { amount: 55, region: 'west', score: null },
];

const predict = (body: unknown, accept?: string, query = '') => call('POST', `/v1/models/csv-answer/predict${query}`, body, accept ? { accept } : {});

describe('predict answered as CSV', () => {
  beforeAll(async () => {
    expect((await call('PUT', '/v1/datasets/csv-answer', csv)).status).toBe(201);
    const created = await call('POST', '/v1/jobs', { dataset: 'csv-answer', target: 'label', model: 'csv-answer', models: ['gbdt'], budget: { trials: 1 }, seed: 5 });
    expect((await waitForJob((await json(created)).id)).status).toBe('succeeded');
  }, 120_000);

  it('answers the JSON answer\'s predictions and probabilities as CSV lines, for JSON and CSV bodies', async () => {
    const expected = await json(await predict({ rows }));
    const classes = Object.keys(expected.probabilities[0]);
    expect([...classes].sort()).toEqual([...LABELS].sort());
    const res = await predict({ rows }, 'text/csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('x-model-name')).toBe('csv-answer');
    expect(res.headers.get('x-model-version')).toBe(String(expected.model.version));
    const text = await res.text();
    const table = parseCsv(text);
    // The header names every class in the model's order; the label with a comma and quotes is quoted.
    expect(table.header).toEqual(['prediction', ...classes.map((c) => `probability_${c}`)]);
    expect(text.split('\n')[0]).toContain(',"probability_low, ""cheap"""');
    expect(table.rows).toHaveLength(rows.length);
    table.rows.forEach((line, i) => {
      expect(line[0]).toBe(expected.predictions[i]);
      classes.forEach((cls, k) => expect(Number(line[k + 1])).toBe(expected.probabilities[i][cls]));
    });
    // A CSV body answered as CSV: the same lines.
    const body = ['amount,region,score', ...rows.map((r) => [r.amount, r.region, r.score ?? ''].join(','))].join('\n');
    expect(await (await predict(body, 'text/csv')).text()).toBe(text);
  });

  it('reads a header as wide as the largest image model\'s pixel columns (64x64x3) and a few more, not wider', async () => {
    const wide = (n: number) => `${Array.from({ length: n }, (_, j) => `px_${j}`).join(',')}\n${Array.from({ length: n }, () => '0').join(',')}\n`;
    // 12,300 columns are read (this table model then refuses the first column it does not know, in the header).
    const read = await json(await predict(wide(12_300)));
    expect(read.error).toMatchObject({ code: 'invalid_input', details: { field: 'header', column: 'px_0', line: 1 } });
    const tooWide = await json(await predict(wide(12_400)));
    expect(tooWide.error).toMatchObject({ code: 'invalid_csv', message: 'the header has 12400 columns; at most 12352 are allowed' });
  });

  it('names the category cells the model never saw: listed in JSON, counted in a CSV answer\'s header', async () => {
    // "west" is no region of the training rows: read as missing, and said so.
    const answer = await json(await predict({ rows }));
    expect(answer.unseen).toEqual([{ row: 2, column: 'region', value: 'west' }]);
    expect((await predict({ rows }, 'text/csv')).headers.get('x-unseen-categories')).toBe('1');
    const known = await predict({ rows: rows.slice(0, 2) }, 'text/csv');
    expect(known.headers.get('x-unseen-categories')).toBeNull();
    expect((await json(await predict({ rows: rows.slice(0, 2) }))).unseen).toBeUndefined();
  });

  it('names the columns the rows did not send: listed in JSON with the rows lacking each, counted in a CSV answer\'s header', async () => {
    // The second row leaves "amount" out (a null is a value given as missing, not absent).
    const partial = [{ amount: 80, region: 'north', score: 0.5 }, { region: 'east', score: null }];
    expect((await json(await predict({ rows: partial }))).absent_columns).toEqual([{ column: 'amount', rows: 1 }]);
    expect((await json(await predict({ rows: rows.slice(0, 2) }))).absent_columns).toBeUndefined();
    // A CSV body without the column: every row lacks it.
    const withoutAmount = 'region,score\nnorth,0.5\neast,0.1\nsouth,0.2\n';
    expect((await json(await predict(withoutAmount))).absent_columns).toEqual([{ column: 'amount', rows: 3 }]);
    const asCsv = await predict(withoutAmount, 'text/csv');
    expect(asCsv.headers.get('x-absent-columns')).toBe('1');
    expect((await predict({ rows: rows.slice(0, 2) }, 'text/csv')).headers.get('x-absent-columns')).toBeNull();
  });

  it('answers a CSV body (quoted or not) as it answers the same rows as JSON, refusals included', async () => {
    // Rows as the CSV route reads them: every cell text, an empty cell missing.
    const batch = Array.from({ length: 300 }, (_, i) => ({ amount: String((i * 13) % 120), region: ['north', 'south', 'west', ''][i % 4], score: i % 5 === 0 ? '' : String((i % 9) / 9) }));
    const jsonRows = batch.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '' ? null : v])));
    const expected = await json(await predict({ rows: jsonRows }));
    const plain = ['amount,region,score', ...batch.map((r) => `${r.amount},${r.region},${r.score}`)].join('\n');
    const quoted = ['amount,region,score', ...batch.map((r) => `${r.amount},"${r.region}",${r.score}`)].join('\r\n');
    for (const body of [plain, quoted]) expect(await json(await predict(body))).toEqual(expected);
    const badJson = await predict({ rows: jsonRows.map((r, i) => (i === 7 ? { ...r, amount: 'lots' } : r)) });
    const badCsv = await predict(plain.replace(/^(.*\n){8}[^,]*/, (m) => m.replace(/[^,\n]*$/, 'lots')));
    expect(badJson.status).toBe(400);
    expect(badCsv.status).toBe(400);
    // The same refusal, naming the element of a JSON batch's rows (from 0) and the line of a CSV file (row 7 is on line 9).
    const fromJson = (await json(badJson)).error;
    expect(fromJson).toEqual({ code: 'invalid_input', message: 'rows[7], column "amount": expected a number, got "lots"', details: { row: 7, column: 'amount', index: 7 } });
    expect((await json(badCsv)).error).toEqual({ code: 'invalid_input', message: 'line 9, column "amount": expected a number, got "lots"', details: { line: 9, column: 'amount', index: 7 } });
  });

  it('keeps JSON the default and for explained answers; negotiates by quality', async () => {
    for (const accept of [undefined, 'application/json', '*/*', 'application/json, text/csv', 'text/csv;q=0.5, application/json', 'text/csv;q=0']) {
      const res = await predict({ rows }, accept);
      expect(res.headers.get('content-type'), String(accept)).toContain('application/json');
      expect((await json(res)).predictions).toHaveLength(rows.length);
    }
    expect(prefersCsv('text/csv, application/json')).toBe(true);
    expect(prefersCsv('application/json;q=0.4, text/csv;q=0.9')).toBe(true);
    // Media types are case-insensitive.
    expect(prefersCsv('Text/CSV')).toBe(true);
    expect(prefersCsv('TEXT/CSV;Q=0.9, application/json;q=0.5')).toBe(true);
    const explained = await predict({ rows, explain: true }, 'text/csv');
    expect(explained.headers.get('content-type')).toContain('application/json');
  });

  it('explains a CSV body on ?explain=true as it explains the same JSON rows, and refuses another value', async () => {
    const body = ['amount,region,score', ...rows.map((r) => [r.amount, r.region, r.score ?? ''].join(','))].join('\n');
    const asText = rows.map((r) => ({ amount: String(r.amount), region: r.region, score: r.score === null ? null : String(r.score) }));
    const expected = await json(await predict({ rows: asText, explain: true }));
    expect(expected.explanations).toHaveLength(rows.length);
    expect(await json(await predict(body, undefined, '?explain=true'))).toEqual(expected);
    expect((await json(await predict(body, undefined, '?explain=false'))).explanations).toBeUndefined();
    const bad = await predict(body, undefined, '?explain=yes');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatchObject({ code: 'invalid_request', details: { field: 'explain' } });
  });

  it('is documented as an alternative 200 answer of predict', async () => {
    const doc = await json(await call('GET', '/openapi.json'));
    const ok = doc.paths['/v1/models/{model}/predict'].post.responses['200'].content;
    expect(Object.keys(ok)).toEqual(['application/json', 'text/csv']);
    const schema = ok['text/csv'].schema;
    const resolved = schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema;
    expect(resolved.type).toBe('string');
  });
});

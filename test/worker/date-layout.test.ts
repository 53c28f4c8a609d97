/**
 * Spreadsheet dates through the API inside workerd: a CSV of month-first dates (03/15/2024) uploads as a
 * datetime column with its layout in the profile, trains, and the model reads 03/16/2024 (and ISO-8601)
 * in JSON and CSV predict bodies, refusing a day-first date with the layout named. A column whose dates
 * all read either way says so at upload and in the job's warnings, until the job declares the order.
 * Dates with the month named (15-MAR-2024, as Oracle exports them) upload as the 'named' layout and
 * predict from any spelling of a named month or ISO-8601. An appended ISO-8601 date leaves a guessed
 * order a guess; a number is no date at predict; a malformed override says what an override may be.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { datasetProfileResponse, datasetUploadResponse, modelDetailResponse } from '../../src/worker/openapi/responses';
import { call, json, waitForJob } from './helpers';

/** The answer parses with its documented schema and loses no field to it (parsing strips undocumented ones). */
function expectDocumented(schema: z.ZodType, body: unknown): void {
  expect(schema.parse(body)).toEqual(body);
}

/** 120 days from January 1st, 2024, written month first without zero padding, as a US spreadsheet exports them. */
const usCsv = [
  'when,x,y',
  ...Array.from({ length: 120 }, (_, i) => {
    const d = new Date(Date.UTC(2024, 0, 1 + i));
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/2024,${(i * 7) % 11},${(d.getUTCDate() * 2 + ((i * 7) % 11)).toFixed(1)}`;
  }),
].join('\n');

/** The same days written DD-MON-YYYY, as Oracle exports them. */
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const oracleCsv = usCsv.replace(/^(\d+)\/(\d+)\/2024,/gm, (_, m: string, d: string) => `${d.padStart(2, '0')}-${MONTHS[Number(m) - 1]}-2024,`);

/** Dates whose day and month are both 12 or less in every row: the order cannot be told from them. */
const ambiguousCsv = ['when,x,y', ...Array.from({ length: 60 }, (_, i) => `${(i % 12) + 1}/${((i * 5) % 12) + 1}/2024,${i % 7},${((i * 3) % 5) + 0.5}`)].join('\n');

async function expectError(res: Response, status: number, code: string): Promise<Record<string, any>> {
  const body = await json(res);
  expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
  return body.error;
}

describe('month-first dates', () => {
  beforeAll(async () => {
    const up = await call('PUT', '/v1/datasets/us-dates', usCsv);
    expect(up.status).toBe(201);
    expect((await json(up)).columns[0]).toEqual({ name: 'when', type: 'datetime', missing: 0, unique: 120, date_order: 'mdy' });
    const created = await call('POST', '/v1/jobs', { dataset: 'us-dates', target: 'y', model: 'us-dates', models: ['gbdt'], budget: { trials: 1 }, seed: 3 });
    expect(created.status).toBe(202);
    const job = await json(created);
    // Day 13 onwards told the order: no warning about it (the time-series hint may come).
    expect((job.warnings ?? []).filter((w: string) => w.includes('reads either way'))).toEqual([]);
    expect((await waitForJob(job.id)).status).toBe('succeeded');
  }, 120_000);

  it('profiles the column as datetime with its layout and range', async () => {
    const profile = await json(await call('GET', '/v1/datasets/us-dates?version=1'));
    expectDocumented(datasetProfileResponse, profile);
    expect(profile.columns[0]).toMatchObject({ name: 'when', type: 'datetime', date_order: 'mdy', first: '2024-01-01T00:00:00.000Z', last: '2024-04-29T00:00:00.000Z' });
    const model = await json(await call('GET', '/v1/models/us-dates'));
    expectDocumented(modelDetailResponse, model);
    expect(model.features.find((f: { name: string }) => f.name === 'when')).toMatchObject({ type: 'datetime', date_order: 'mdy' });
  });

  it('predicts on 03/16/2024 as on 2024-03-16, in JSON and CSV bodies', async () => {
    const us = await call('POST', '/v1/models/us-dates/predict', { rows: [{ when: '03/16/2024', x: 3 }] });
    expect(us.status).toBe(200);
    const usAnswer = await json(us);
    const iso = await json(await call('POST', '/v1/models/us-dates/predict', { rows: [{ when: '2024-03-16', x: 3 }] }));
    expect(iso.predictions).toEqual(usAnswer.predictions);
    const csv = await json(await call('POST', '/v1/models/us-dates/predict', 'when,x\n3/16/2024,3\n'));
    expect(csv.predictions).toEqual(usAnswer.predictions);
  });

  it('refuses a number in JSON predict as CSV predict does, saying to send the date as text', async () => {
    const refused = await expectError(await call('POST', '/v1/models/us-dates/predict', { rows: [{ when: 45366, x: 3 }] }), 400, 'invalid_input');
    expect(refused.message).toMatch(/^rows\[0\], column "when": got the number 45366; send the date as text, ISO-8601 \("2024-03-15"\) or MM\/DD\/YYYY \(month first\) as in training/);
    expect(refused.details).toEqual({ row: 0, column: 'when', index: 0 });
  });

  it('refuses a day-first date at predict and in appended rows, naming the layout', async () => {
    const predicted = await expectError(await call('POST', '/v1/models/us-dates/predict', { rows: [{ when: '16/03/2024', x: 3 }] }), 400, 'invalid_input');
    expect(predicted.message).toBe('rows[0], column "when": expected a date as MM/DD/YYYY (month first), as in training, or ISO-8601, got "16/03/2024"');
    expect(predicted.details).toEqual({ row: 0, column: 'when', index: 0 });
    const appended = await expectError(await call('POST', '/v1/datasets/us-dates/rows', 'when,x,y\n4/30/2024,1,2.0\n30/04/2024,1,2.0\n'), 400, 'invalid_dataset');
    expect(appended.message).toBe('line 3, column "when": "30/04/2024" is not a date as MM/DD/YYYY (month first) or ISO-8601, as the column\'s values are');
    // In the column's layout, the rows append and the layout stays.
    const ok = await call('POST', '/v1/datasets/us-dates/rows', 'when,x,y\n4/30/2024,1,2.0\n');
    expect(ok.status).toBe(201);
    expect((await json(ok)).columns[0]).toMatchObject({ type: 'datetime', date_order: 'mdy' });
  });
});

describe('dates whose order of day and month no value tells', () => {
  it('are read month first with a warning at upload and in the job, until the job declares the order', async () => {
    const up = await call('PUT', '/v1/datasets/either-way', ambiguousCsv);
    expect(up.status).toBe(201);
    const uploaded = await json(up);
    expectDocumented(datasetUploadResponse, uploaded);
    const column = uploaded.columns[0];
    expect(column).toMatchObject({ name: 'when', type: 'datetime', date_order: 'mdy' });
    expect(column.warnings[0]).toContain('"columns": {"when": {"type": "datetime", "date_order": "dmy"}}');

    const guessed = await json(await call('POST', '/v1/jobs', { dataset: 'either-way', target: 'y', models: ['linear'], budget: { trials: 1 } }));
    expect(guessed.warnings).toEqual([column.warnings[0]]);
    expect((await waitForJob(guessed.id)).warnings).toEqual([column.warnings[0]]);

    const declared = await call('POST', '/v1/jobs', { dataset: 'either-way', target: 'y', model: 'either-way', models: ['linear'], budget: { trials: 1 }, columns: { when: { type: 'datetime', date_order: 'dmy' } } });
    expect(declared.status).toBe(202);
    const job = await json(declared);
    expect(job.warnings).toBeUndefined();
    expect((await waitForJob(job.id)).status).toBe('succeeded');
    const model = await json(await call('GET', '/v1/models/either-way'));
    expect(model.features.find((f: { name: string }) => f.name === 'when')).toMatchObject({ date_order: 'dmy' });
    const dayFirst = await json(await call('POST', '/v1/models/either-way/predict', { rows: [{ when: '25/03/2024', x: 1 }] }));
    expect((await json(await call('POST', '/v1/models/either-way/predict', { rows: [{ when: '2024-03-25', x: 1 }] }))).predictions).toEqual(dayFirst.predictions);
  });

  it('refuses an unknown order, or an order the dates contradict', async () => {
    const bad = await expectError(await call('POST', '/v1/jobs', { dataset: 'either-way', target: 'y', columns: { when: { type: 'datetime', date_order: 'ydm' } } }), 400, 'invalid_request');
    expect(bad.details.field).toMatch(/^columns\.when/);
    expect((await call('PUT', '/v1/datasets/us-only', usCsv)).status).toBe(201);
    const contradicted = await expectError(await call('POST', '/v1/jobs', { dataset: 'us-only', target: 'y', columns: { when: { type: 'datetime', date_order: 'dmy' } } }), 400, 'invalid_params');
    expect(contradicted.message).toMatch(/^columns: "when" cannot be read as datetime: its dates are MM\/DD\/YYYY \(month first\), as 01\/13\/2024 shows \(13 is no month\)/);
  });
});

describe('an ISO-8601 date appended to dates whose order was guessed', () => {
  it('leaves the order a guess: the warning stays, a job may declare day first, and a later 25/03/2024 appends', async () => {
    expect((await call('PUT', '/v1/datasets/either-way-iso', ambiguousCsv)).status).toBe(201);
    const appended = await call('POST', '/v1/datasets/either-way-iso/rows', 'when,x,y\n2024-03-25,1,2.0\n');
    expect(appended.status).toBe(201);
    const column = (await json(appended)).columns[0];
    expect(column).toMatchObject({ type: 'datetime', date_order: 'mdy' });
    expect(column.warnings[0]).toContain('"columns": {"when": {"type": "datetime", "date_order": "dmy"}}');

    const declared = await call('POST', '/v1/jobs', { dataset: 'either-way-iso', target: 'y', models: ['linear'], budget: { trials: 1 }, columns: { when: { type: 'datetime', date_order: 'dmy' } } });
    expect(declared.status).toBe(202);
    expect((await waitForJob((await json(declared)).id)).status).toBe('succeeded');

    const dayFirst = await call('POST', '/v1/datasets/either-way-iso/rows', 'when,x,y\n25/03/2024,1,2.0\n');
    expect(dayFirst.status).toBe(201);
    const settled = (await json(dayFirst)).columns[0];
    expect(settled).toMatchObject({ type: 'datetime', date_order: 'dmy' });
    expect(settled.warnings).toBeUndefined();
  });
});

describe('a malformed column override', () => {
  it('is refused saying what a column override may be, naming the column', async () => {
    const cases: [unknown, string][] = [
      [{ type: 'datetime' }, 'columns.when: {"type": "datetime"} needs "date_order": "mdy" (03/04/2024 is March 4) or "dmy" (it is April 3); to read the dates as upload did, write "datetime"'],
      [{ type: 'datetime', date_order: 'ymd' }, 'columns.when: "date_order" must be "mdy" (month first) or "dmy" (day first), in lower case, got "ymd"; year-first, ISO-8601 and named-month dates need none: write "datetime"'],
      [{ type: 'datetime', date_order: 'DMY' }, 'columns.when: "date_order" must be "mdy" (month first) or "dmy" (day first), in lower case, got "DMY"'],
      ['date', 'columns.when: expected a type name ("numeric", "categorical", "boolean", "datetime", "text", "id", "constant", "ignore") or {"type": "datetime", "date_order": "mdy" or "dmy"}, got "date"'],
    ];
    for (const [override, message] of cases) {
      const refused = await expectError(await call('POST', '/v1/jobs', { dataset: 'either-way', target: 'y', columns: { when: override } }), 400, 'invalid_request');
      expect(refused.message.startsWith(message)).toBe(true);
      expect(refused.details).toEqual({ field: 'columns.when' });
    }
  });
});

describe('dates with the month named', () => {
  it('upload as the named layout and predict from any spelling of a named month, or ISO-8601', async () => {
    const up = await call('PUT', '/v1/datasets/oracle-dates', oracleCsv);
    expect(up.status).toBe(201);
    const uploaded = await json(up);
    expectDocumented(datasetUploadResponse, uploaded);
    expect(uploaded.columns[0]).toEqual({ name: 'when', type: 'datetime', missing: 0, unique: 120, date_order: 'named' });
    const created = await json(await call('POST', '/v1/jobs', { dataset: 'oracle-dates', target: 'y', model: 'oracle-dates', models: ['linear'], budget: { trials: 1 } }));
    expect((await waitForJob(created.id)).status).toBe('succeeded');
    const model = await json(await call('GET', '/v1/models/oracle-dates'));
    expectDocumented(modelDetailResponse, model);
    expect(model.features.find((f: { name: string }) => f.name === 'when')).toMatchObject({ type: 'datetime', date_order: 'named' });

    const iso = await json(await call('POST', '/v1/models/oracle-dates/predict', { rows: [{ when: '2024-03-16', x: 3 }] }));
    const named = await json(await call('POST', '/v1/models/oracle-dates/predict', { rows: [{ when: 'Mar 16, 2024', x: 3 }] }));
    expect(named.predictions).toEqual(iso.predictions);
    const csv = await json(await call('POST', '/v1/models/oracle-dates/predict', 'when,x\n16-Mar-2024,3\n'));
    expect(csv.predictions).toEqual(iso.predictions);
    const refused = await expectError(await call('POST', '/v1/models/oracle-dates/predict', { rows: [{ when: '03/16/2024', x: 3 }] }), 400, 'invalid_input');
    expect(refused.message).toBe('rows[0], column "when": expected a date as DD-Mon-YYYY or Mon DD, YYYY (month by name), as in training, or ISO-8601, got "03/16/2024"');
  });
});

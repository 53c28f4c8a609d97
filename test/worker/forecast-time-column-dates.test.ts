/**
 * A forecast job on a column of dates that upload could not read as dates says which column and why,
 * through POST /v1/jobs in workerd: a few cells that are no dates are named with their data rows (and no
 * declaration is advised, since a declared "datetime" is refused for the same cells), dates written two
 * ways get the declared order that reads them, which then starts the job. Times some of which carry a UTC
 * offset are warned of at upload, and the job says when that is why two rows are one instant.
 */
import { describe, expect, it } from 'vitest';
import { call, json, waitForJob } from './helpers';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const pad = (n: number) => String(n).padStart(2, '0');
const iso = (k: number) => new Date(START + k * DAY).toISOString().slice(0, 10);
const dayFirst = (k: number) => {
  const d = new Date(START + k * DAY);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
};
/** A daily series with a weekly swing, its dates as `date` writes day k. */
const daily = (n: number, date: (k: number) => string) => ['date,y', ...Array.from({ length: n }, (_, k) => `${date(k)},${30 + (k % 7) * 2 + (k % 3)}`)].join('\n');

async function upload(name: string, csv: string): Promise<Record<string, any>> {
  const res = await call('PUT', `/v1/datasets/${name}`, csv);
  expect(res.status).toBe(201);
  return json(await call('GET', `/v1/datasets/${name}`));
}

const job = (dataset: string, extra: Record<string, unknown> = {}) => call('POST', '/v1/jobs', { dataset, target: 'y', task: 'forecast', models: ['seasonal_naive'], budget: { trials: 1 }, ...extra });

describe('a forecast time column of dates that were not read as dates', () => {
  it('names the cells that are no dates, with or without forecast.time_column, and advises no declaration', async () => {
    const bad: Record<number, string> = { 17: 'not a date', 88: '2024-13-45', 150: '??' };
    const view = await upload('garbage-dates', daily(200, (k) => bad[k] ?? iso(k)));
    expect(view.columns[0]).toMatchObject({ name: 'date', type: 'id' });
    const cells = 'it holds "not a date" (data row 18), "2024-13-45" (data row 89: 13 is no month), "??" (data row 151), which are no dates; correct the cells that are no dates (a time column needs a date on every row) and upload the dataset again';
    const unnamed = await job('garbage-dates');
    expect(unnamed.status).toBe(400);
    expect((await json(unnamed)).error).toMatchObject({ code: 'invalid_dataset', message: `the dataset has no datetime column: "date" holds dates but was read as id: ${cells}`, details: { field: 'forecast.time_column', column: 'date' } });
    const named = await job('garbage-dates', { forecast: { time_column: 'date' } });
    expect(named.status).toBe(400);
    expect((await json(named)).error.message).toBe(`time column "date" was read as id, not as dates: ${cells}`);
    // Declared a datetime, the column is refused for the same cells: the refusals above rightly do not advise it.
    const declared = await job('garbage-dates', { columns: { date: 'datetime' } });
    expect(declared.status).toBe(400);
    expect((await json(declared)).error.message).toContain('"??" (data row 151), which are no dates');
  });

  it('names the two ways dates are written and the order that reads them, which then starts the job', async () => {
    const view = await upload('mixed-layout', daily(120, (k) => (k < 60 ? iso(k) : dayFirst(k))));
    expect(view.columns[0].warnings).toEqual([
      '120 of 120 values are dates, but written two ways: ISO-8601 in 60 (line 2 holds "2024-01-01") and DD/MM/YYYY (day first) in 60 (line 62 holds "01/03/2024"): ' +
        'the column is read as id; create the job with "columns": {"date": {"type": "datetime", "date_order": "dmy"}} to read them all',
    ]);
    const refused = await job('mixed-layout');
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.message).toBe(
      'the dataset has no datetime column: "date" holds dates but was read as id: its dates are written two ways: ISO-8601 in 60 (data row 1 holds "2024-01-01") and DD/MM/YYYY (day first) in 60 (data row 61 holds "01/03/2024"); ' +
        'create the job with "columns": {"date": {"type": "datetime", "date_order": "dmy"}} to read them all',
    );
    const started = await job('mixed-layout', { columns: { date: { type: 'datetime', date_order: 'dmy' } } });
    expect(started.status).toBe(202);
    const done = await waitForJob((await json(started)).id);
    expect(done.status).toBe('succeeded');
  });

  it('warns of times with an offset on some cells only, and says that is why two rows collide', async () => {
    const rows = Array.from({ length: 300 }, (_, k) => `${new Date(Date.UTC(2024, 2, 1) + k * HOUR).toISOString().slice(0, 19)}${k % 2 ? '+01:00' : ''},${10 + (k % 24)}`);
    const view = await upload('partial-offset', ['ts,y', ...rows].join('\n'));
    expect(view.columns[0]).toMatchObject({ type: 'datetime', unique: 150 });
    expect(view.columns[0].warnings).toEqual([
      '150 of 300 times carry a UTC offset (line 3 holds "2024-03-01T01:00:00+01:00") and 150 carry none (line 2 holds "2024-03-01T00:00:00"), which are read as UTC: ' +
        "if they are local times as well, each is read its offset away from the others' and may fall on another row's time; write every time with its offset, or none",
    ]);
    const refused = await job('partial-offset');
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.message).toBe(
      'time column "ts" repeats 2024-03-01T00:00:00.000Z at data rows 1 and 2: data row 1 carries no UTC offset, so it is read as UTC, and data row 2 carries one, which makes them one instant; ' +
        'write every time with its offset, or none (each timestamp must appear once per series)',
    );
  });
});

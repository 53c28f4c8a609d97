/**
 * The CLI and known-future covariates, in plain Node with a recording fetch in place of the server:
 * `train --covariates a,b` sends them as the forecast job's `forecast.covariates`; `forecast --covariates
 * FILE` reads a CSV (numeric covariates' cells as numbers, as the model's view lists them, the others as
 * strings; a cell that is not a number refused naming file, line and column) or a JSON array of objects,
 * and refuses an unreadable or malformed file before asking for a forecast. Without the options nothing
 * changes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonAnswer, refusal, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edge-automl-covariates-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` to a file of that name in the test's directory and returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const bodyOf = (request: { body?: string }) => JSON.parse(request.body ?? '{}');

/** The model view of a forecast model with a numeric and two categorical covariates (one of numeric-looking levels). */
const viewWithCovariates = {
  name: 'sales',
  task: 'regression',
  forecast: {
    time_column: 'day',
    frequency: 'daily',
    season: 7,
    horizon: 7,
    max_horizon: 28,
    covariates: [
      { name: 'promo', kind: 'numeric' },
      { name: 'weather', kind: 'categorical', levels: ['rainy', 'sunny'] },
      { name: 'store_size', kind: 'categorical', levels: ['1', '2'] },
    ],
  },
};

const forecastAnswer = (steps: number) =>
  jsonAnswer({
    model: { name: 'sales', version: 1 },
    horizon: steps,
    level: 0.8,
    forecasts: Array.from({ length: steps }, (_, i) => ({ time: `2024-02-0${i + 1}T00:00:00.000Z`, value: 10 + i, lower: 8 + i, upper: 12 + i })),
  });

describe('train --covariates', () => {
  it("sends the columns as the forecast job's forecast.covariates, beside the other forecast options", async () => {
    const ran = await run(['train', '-d', 'sales', '-t', 'units', '--task', 'forecast', '--horizon', '7', '--covariates', 'promo, weather', '--no-wait'], jsonAnswer({ id: 'j1', status: 'queued' }, 202));
    expect(ran.code).toBe(0);
    expect(ran.requests).toHaveLength(1);
    expect(bodyOf(ran.requests[0])).toEqual({ dataset: 'sales', target: 'units', task: 'forecast', forecast: { horizon: 7, covariates: ['promo', 'weather'] } });
  });

  it('sends no forecast field without forecast options, as before', async () => {
    const ran = await run(['train', '-d', 'sales', '-t', 'units', '--no-wait'], jsonAnswer({ id: 'j1', status: 'queued' }, 202));
    expect(bodyOf(ran.requests[0])).toEqual({ dataset: 'sales', target: 'units' });
  });

  it('refuses a list naming no column, before any request', async () => {
    const ran = await run(['train', '-d', 'sales', '-t', 'units', '--covariates', ' , ', '--no-wait']);
    expect(ran.code).toBe(1);
    expect(ran.requests).toEqual([]);
    expect(ran.stderr).toMatch(/^error: --covariates: name at least one column/);
  });

  it('documents --covariates in the help', async () => {
    const ran = await run(['train', '--help']);
    // commander wraps the description to the terminal's width.
    expect(ran.stdout.replace(/\s+/g, ' ')).toMatch(/--covariates <columns>\s+forecast jobs: comma-separated columns whose future values are known/);
  });
});

describe('forecast --covariates FILE.csv', () => {
  it("sends numeric covariates' cells as numbers and categorical ones as strings, one object per row", async () => {
    // Rows past the horizon are sent too: the server ignores the extra steps.
    const csv = file('ahead.csv', 'promo,weather,store_size\n1,rainy,2\n0.5,sunny,1\n"1,250",sunny,1\n');
    const ran = await run(['forecast', 'sales', '--horizon', '2', '--covariates', csv, '--json'], jsonAnswer(viewWithCovariates), forecastAnswer(2));
    expect(ran.code).toBe(0);
    expect(ran.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET http://127.0.0.1:8787/v1/models/sales', 'POST http://127.0.0.1:8787/v1/models/sales/forecast']);
    expect(bodyOf(ran.requests[1])).toEqual({
      horizon: 2,
      covariates: [
        { promo: 1, weather: 'rainy', store_size: '2' },
        { promo: 0.5, weather: 'sunny', store_size: '1' },
        { promo: 1250, weather: 'sunny', store_size: '1' },
      ],
    });
    expect(JSON.parse(ran.stdout).forecasts).toHaveLength(2);
  });

  it('refuses a numeric cell that is not a number, naming the file, its line and the column, and asks for no forecast', async () => {
    // The blank line still counts: the line is the one an editor shows.
    const csv = file('bad-number.csv', 'promo,weather,store_size\n1,rainy,2\n\nlots,sunny,1\n');
    const ran = await run(['forecast', 'sales', '--horizon', '2', '--covariates', csv], jsonAnswer(viewWithCovariates));
    expect(ran.code).toBe(1);
    expect(ran.requests.map((r) => r.method)).toEqual(['GET']);
    expect(ran.stderr).toBe(`error: ${csv}:4: column "promo" holds "lots", not a number; the model reads "promo" as numbers\n`);
  });

  it('refuses an empty cell, naming line and column', async () => {
    const csv = file('empty-cell.csv', 'promo,weather,store_size\n1,,2\n0,sunny,1\n');
    const ran = await run(['forecast', 'sales', '--horizon', '2', '--covariates', csv], jsonAnswer(viewWithCovariates));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(`error: ${csv}:2: column "weather" is empty; every step ahead needs a value of each covariate\n`);
  });

  it('refuses fewer rows than the horizon before any request', async () => {
    const csv = file('short.csv', 'promo,weather,store_size\n1,rainy,2\n');
    const ran = await run(['forecast', 'sales', '--horizon', '3', '--covariates', csv]);
    expect(ran.code).toBe(1);
    expect(ran.requests).toEqual([]);
    expect(ran.stderr).toBe(`error: ${csv}: holds 1 step ahead; --horizon 3 needs the covariates of each of the 3 steps (one row per step)\n`);
  });

  it('refuses a malformed CSV naming its line', async () => {
    const csv = file('ragged.csv', 'promo,weather\n1,rainy\n0,sunny,extra\n');
    const ran = await run(['forecast', 'sales', '--horizon', '2', '--covariates', csv]);
    expect(ran.code).toBe(1);
    expect(ran.requests).toEqual([]);
    expect(ran.stderr).toContain(`error: ${csv}:3: line 3 has 3 fields but the header has 2`);
  });

  it("passes on the server's refusal of a model trained without covariates", async () => {
    const csv = file('plain.csv', 'promo\n1\n');
    const plainView = { ...viewWithCovariates, forecast: { ...viewWithCovariates.forecast, covariates: undefined } };
    const ran = await run(
      ['forecast', 'sales', '--horizon', '1', '--covariates', csv],
      jsonAnswer(plainView),
      refusal(400, 'invalid_input', 'this model was trained without covariates; leave covariates out', { field: 'covariates' }),
    );
    expect(ran.code).toBe(1);
    // Without the view's kinds the cell goes as the text it is; the server says what is wrong.
    expect(bodyOf(ran.requests[1])).toEqual({ horizon: 1, covariates: [{ promo: '1' }] });
    expect(ran.stderr).toContain('error: invalid_input (HTTP 400): this model was trained without covariates; leave covariates out [field: covariates]');
  });
});

describe('forecast --covariates FILE.json', () => {
  it('sends the array as it is, without reading the model view', async () => {
    const steps = [{ promo: 1, weather: 'rainy', store_size: '2' }, { promo: 0, weather: 'sunny', store_size: '1' }];
    const json = file('ahead.json', JSON.stringify(steps));
    const ran = await run(['forecast', 'sales', '--horizon', '2', '--level', '0.9', '--covariates', json], forecastAnswer(2));
    expect(ran.code).toBe(0);
    expect(ran.requests).toHaveLength(1);
    expect(bodyOf(ran.requests[0])).toEqual({ horizon: 2, level: 0.9, covariates: steps });
    expect(ran.stdout).toContain('model sales v1, 2 steps, 80% intervals');
  });

  it.each([
    ['not-json.json', '[{"promo": 1},', /^error: .*not-json\.json: not valid JSON \(/],
    ['object.json', '{"promo": [1, 0]}', /^error: .*object\.json: expected a JSON array with one object per step ahead, e\.g\. .*; got an object\n$/],
    ['numbers.json', '[{"promo": 1}, 0]', /^error: .*numbers\.json: step 2 \(item 1 of the array\) is number 0; each step is an object naming every covariate/],
    ['nested.json', '[{"promo": 1}, [1]]', /^error: .*nested\.json: step 2 \(item 1 of the array\) is an array; /],
  ])('refuses %s before any request', async (name, text, message) => {
    const ran = await run(['forecast', 'sales', '--horizon', '1', '--covariates', file(name, text)]);
    expect(ran.code).toBe(1);
    expect(ran.requests).toEqual([]);
    expect(ran.stderr).toMatch(message);
  });

  it('refuses a missing file naming it', async () => {
    const ran = await run(['forecast', 'sales', '--horizon', '1', '--covariates', join(dir, 'nowhere.json')]);
    expect(ran.code).toBe(1);
    expect(ran.requests).toEqual([]);
    expect(ran.stderr).toBe(`error: ${join(dir, 'nowhere.json')}: no such file\n`);
  });
});

describe('forecast without --covariates', () => {
  it('sends no covariates and reads no model view, as before', async () => {
    const ran = await run(['forecast', 'sales', '--horizon', '2'], forecastAnswer(2));
    expect(ran.code).toBe(0);
    expect(ran.requests).toHaveLength(1);
    expect(bodyOf(ran.requests[0])).toEqual({ horizon: 2 });
  });

  it('documents --covariates in the help', async () => {
    const ran = await run(['forecast', '--help']);
    expect(ran.stdout.replace(/\s+/g, ' ')).toMatch(/--covariates <file>\s+a model trained with --covariates: their values for each step ahead/);
  });
});

describe('model NAME', () => {
  it("lists a forecast model's covariates and the values a category may take", async () => {
    const view = { ...viewWithCovariates, target: 'units', classes: [], metric: 'rmse', greater_is_better: false, champion_version: 1, versions: [], features: [], history: [] };
    const ran = await run(['model', 'sales'], jsonAnswer(view));
    expect(ran.stdout).toContain('covariates promo (a number), weather (rainy | sunny), store_size (1 | 2) for each step ahead (forecast MODEL --covariates FILE)');
    // A forecast model without covariates has no such line.
    const plain = await run(['model', 'sales'], jsonAnswer({ ...view, forecast: { ...view.forecast, covariates: undefined } }));
    expect(plain.stdout).toContain('series   daily by "day"');
    expect(plain.stdout).not.toContain('covariates');
  });
});

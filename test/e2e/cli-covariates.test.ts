/**
 * The CLI and known-future covariates, in plain Node with a recording fetch in place of the server:
 * `train --covariates a,b` sends them as the forecast job's `forecast.covariates`; `forecast --covariates
 * FILE` reads a CSV (numeric covariates' cells as numbers, as the model's view lists them, the others as
 * strings; a cell that is not a number refused naming file, line and column) or a JSON array of objects,
 * and refuses an unreadable or malformed file before asking for a forecast. `train --past-covariates a,b`
 * sends a forecast job's `forecast.past_covariates`, and `model NAME` lists them; any forecast option
 * without `--task forecast` is refused before any request, in the flags' words. A CSV of several series
 * written as the training data was (examples/store-sales/future.csv: date, shop, promo, holiday) gives
 * the `--group` series' rows without the time and group columns, its times held to the answer's steps;
 * the server's refusal of `covariates[k].col` names the file and line. `predict` of a covariates model
 * hints at the forecast command with its --group and --covariates, and with the run's global options.
 * Without the options nothing changes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HINT_CLI, jsonAnswer, refusal, restoreFakes, runCli as run } from './fake-server';

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

  it("sends --past-covariates as the forecast job's forecast.past_covariates, beside the covariates", async () => {
    const ran = await run(['train', '-d', 'sales', '-t', 'units', '--task', 'forecast', '--horizon', '7', '--covariates', 'promo', '--past-covariates', 'visits,temperature', '--no-wait'], jsonAnswer({ id: 'j1', status: 'queued' }, 202));
    expect(ran.code).toBe(0);
    expect(bodyOf(ran.requests[0])).toEqual({ dataset: 'sales', target: 'units', task: 'forecast', forecast: { horizon: 7, covariates: ['promo'], past_covariates: ['visits', 'temperature'] } });
    const alone = await run(['train', '-d', 'sales', '-t', 'units', '--task', 'forecast', '--past-covariates', 'visits', '--no-wait'], jsonAnswer({ id: 'j2', status: 'queued' }, 202));
    expect(bodyOf(alone.requests[0])).toEqual({ dataset: 'sales', target: 'units', task: 'forecast', forecast: { past_covariates: ['visits'] } });
  });

  it("sends --timezone as the forecast job's forecast.timezone, and hints at it when the server asks for the zone", async () => {
    const ran = await run(['train', '-d', 'load', '-t', 'kwh', '--task', 'forecast', '--timezone', 'Europe/Paris', '--no-wait'], jsonAnswer({ id: 'j1', status: 'queued' }, 202));
    expect(bodyOf(ran.requests[0])).toEqual({ dataset: 'load', target: 'kwh', task: 'forecast', forecast: { timezone: 'Europe/Paris' } });
    const asked = await run(
      ['train', '-d', 'load', '-t', 'kwh', '--task', 'forecast', '--no-wait'],
      refusal(400, 'invalid_dataset', 'time column "time" repeats 2024-10-27T02:00:00.000Z at data rows 411 and 412; if these are local times, the clock going back an hour shows one twice: name their zone in forecast.timezone (such as "Europe/Paris") to read them so', { column: 'time' }),
    );
    expect(asked.stderr).toContain('hint: name the zone the times were written in with --timezone, such as --timezone Europe/Paris');
  });

  it('refuses a --past-covariates list naming no column, before any request', async () => {
    const ran = await run(['train', '-d', 'sales', '-t', 'units', '--past-covariates', ',', '--no-wait']);
    expect(ran.code).toBe(1);
    expect(ran.requests).toEqual([]);
    expect(ran.stderr).toMatch(/^error: --past-covariates: name at least one column/);
  });

  it.each([
    [['--covariates', 'promo'], '--covariates: needs --task forecast'],
    [['--past-covariates', 'visits', '--task', 'regression'], '--past-covariates: needs --task forecast'],
    [['--horizon', '7', '--group-column', 'shop'], '--horizon, --group-column: need --task forecast'],
    [['--time-column', 'day'], '--time-column: needs --task forecast'],
  ])('refuses %j without --task forecast, in the flags\' words, before any request', async (flags, message) => {
    const ran = await run(['train', '-d', 'sales', '-t', 'units', ...flags, '--no-wait']);
    expect(ran.code).toBe(1);
    expect(ran.requests).toEqual([]);
    expect(ran.stderr).toBe(`error: ${message}\n`);
  });

  it('documents --covariates in the help', async () => {
    const ran = await run(['train', '--help']);
    // commander wraps the description to the terminal's width.
    expect(ran.stdout.replace(/\s+/g, ' ')).toMatch(/--covariates <columns>\s+forecast jobs: comma-separated columns whose future values are known/);
    expect(ran.stdout.replace(/\s+/g, ' ')).toMatch(/--past-covariates <columns>\s+forecast jobs: comma-separated columns observed only up to now/);
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

  it('refuses fewer rows than the horizon before asking for a forecast (the model view says which columns are its series)', async () => {
    const csv = file('short.csv', 'promo,weather,store_size\n1,rainy,2\n');
    const ran = await run(['forecast', 'sales', '--horizon', '3', '--covariates', csv], jsonAnswer(viewWithCovariates));
    expect(ran.code).toBe(1);
    expect(ran.requests.map((r) => r.method)).toEqual(['GET']);
    expect(ran.stderr).toBe(`error: ${csv}: holds 1 step ahead; --horizon 3 needs the covariates of each of the 3 steps (one row per step)\n`);
  });

  it("refuses a horizon over the model's longest before counting the file's rows", async () => {
    const csv = file('short-for-long.csv', 'promo,weather,store_size\n1,rainy,2\n');
    const ran = await run(['forecast', 'sales', '--horizon', '100', '--covariates', csv], jsonAnswer(viewWithCovariates));
    expect(ran.code).toBe(1);
    expect(ran.requests.map((r) => r.method)).toEqual(['GET']);
    expect(ran.stderr).toContain('the model forecasts at most 28 steps ahead; ask for --horizon 28 or fewer');
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

describe('forecast without --group or --covariates that the model needs', () => {
  it("hints at the command with the flags, where the server's refusal speaks of the route's fields", async () => {
    const noGroup = await run(
      ['forecast', 'shops', '--horizon', '2'],
      refusal(400, 'invalid_input', 'the model forecasts one series per "shop": name the group (one of north, south)', { field: 'group' }),
      jsonAnswer(shopsView),
    );
    expect(noGroup.code).toBe(1);
    expect(noGroup.stderr).toContain(`hint: ask it for a forecast with \`${HINT_CLI} forecast shops --horizon N --group GROUP --covariates FILE\``);
    expect(noGroup.stderr).toContain('GROUP the series, a value of "shop" ("north", "south")');
    const noCovariates = await run(
      ['forecast', 'shops', '--horizon', '2', '--group', 'north'],
      refusal(400, 'invalid_input', 'this model forecasts from covariates promo, holiday: give their values for each of the 2 steps ahead as covariates, a list of objects', { field: 'covariates' }),
      jsonAnswer(shopsView),
    );
    expect(noCovariates.stderr).toContain('FILE a CSV with a row per step ahead and the columns promo, holiday');
    // A pinned version's view gives the hint, which keeps --version.
    const pinned = await run(
      ['forecast', 'shops', '--version', '1', '--horizon', '2'],
      refusal(400, 'invalid_input', 'the model forecasts one series per "shop": name the group (one of north, south)', { field: 'group' }),
      jsonAnswer(shopsView),
    );
    expect(pinned.requests[1].url).toContain('version=1');
    expect(pinned.stderr).toContain(`forecast shops --version 1 --horizon N --group GROUP --covariates FILE`);
    // A refusal of a flag that was given is the server's alone: no second request.
    const csv = file('wrong-group.csv', 'promo,holiday\n1,no\n1,no\n');
    const given = await run(
      ['forecast', 'shops', '--horizon', '2', '--group', 'east', '--covariates', csv],
      jsonAnswer(shopsView),
      refusal(400, 'invalid_input', 'no group "east"', { field: 'group' }),
    );
    expect(given.requests).toHaveLength(2);
    expect(given.stderr).not.toContain('hint: ask it for a forecast');
  });
});

/** The view of the model examples/store-sales trains: two shops by "shop", daily by "date", promo and holiday. */
const shopsView = {
  name: 'shops',
  task: 'regression',
  forecast: {
    time_column: 'date',
    group_column: 'shop',
    frequency: 'daily',
    season: 7,
    horizon: 14,
    max_horizon: 56,
    groups: ['north', 'south'],
    covariates: [
      { name: 'promo', kind: 'numeric' },
      { name: 'holiday', kind: 'categorical', levels: ['no', 'yes'] },
    ],
  },
};

/** The server's answer for `steps` days from 18 December 2024 (`first`: another first day). */
const shopsForecast = (steps: number, first = 18) =>
  jsonAnswer({
    model: { name: 'shops', version: 1 },
    group: 'north',
    horizon: steps,
    level: 0.8,
    forecasts: Array.from({ length: steps }, (_, i) => ({ time: new Date(Date.UTC(2024, 11, first + i)).toISOString(), value: 100 + i, lower: 90 + i, upper: 110 + i })),
  });

describe('forecast --covariates FILE.csv of several series, with their times', () => {
  /** The shipped demo file, read here without the CLI's code: its rows of one shop as the steps to send. */
  const FUTURE = 'examples/store-sales/future.csv';
  const stepsOf = (shop: string) =>
    readFileSync(FUTURE, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','))
      .filter((cells) => cells[1] === shop)
      .map((cells) => ({ promo: Number(cells[2]), holiday: cells[3] }));

  it('the documented command: the --group series\' rows, without the time and group columns', async () => {
    const ran = await run(['forecast', 'shops', '--horizon', '14', '--group', 'north', '--covariates', FUTURE], jsonAnswer(shopsView), shopsForecast(14));
    expect(ran.code, ran.stderr).toBe(0);
    const body = bodyOf(ran.requests[1]);
    expect(body).toEqual({ horizon: 14, group: 'north', covariates: stepsOf('north') });
    expect(body.covariates).toHaveLength(14);
    expect(ran.stdout).toContain('model shops v1, series north, 14 steps, 80% intervals');
    expect(ran.stdout).toContain('2024-12-31');
  });

  it('refuses a file of several series without --group, and a --group no row is of, asking for no forecast', async () => {
    const none = await run(['forecast', 'shops', '--horizon', '14', '--covariates', FUTURE], jsonAnswer(shopsView));
    expect(none.code).toBe(1);
    expect(none.requests.map((r) => r.method)).toEqual(['GET']);
    expect(none.stderr).toBe(`error: ${FUTURE}: holds the covariates of series by "shop" (north, south); name the one to forecast with --group, e.g. --group north\n`);
    const east = await run(['forecast', 'shops', '--horizon', '14', '--group', 'east', '--covariates', FUTURE], jsonAnswer(shopsView));
    expect(east.code).toBe(1);
    expect(east.requests.map((r) => r.method)).toEqual(['GET']);
    expect(east.stderr).toBe(`error: ${FUTURE}: no row is of series "east": its column "shop" holds north, south\n`);
  });

  it("counts the steps of the series, not the file's rows", async () => {
    const csv = file('three-days.csv', 'date,shop,promo,holiday\n2024-12-18,north,0,no\n2024-12-18,south,1,no\n2024-12-19,north,1,no\n2024-12-19,south,0,no\n');
    // North's two rows are the first two steps (a forecast of two, asked to hold them to): the count speaks.
    const ran = await run(['forecast', 'shops', '--horizon', '3', '--group', 'north', '--covariates', csv], jsonAnswer(shopsView), shopsForecast(2));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(`error: ${csv}: holds 2 steps ahead of series "north" (column "shop"); --horizon 3 needs the covariates of each of the 3 steps (one row per step)\n`);
    expect(bodyOf(ran.requests[1])).toEqual({ horizon: 2, group: 'north', covariates: [{ promo: 0, holiday: 'no' }, { promo: 1, holiday: 'no' }] });
    // More steps than the whole file has rows: still the series' rows counted (4 rows, 2 of north).
    const far = await run(['forecast', 'shops', '--horizon', '5', '--group', 'north', '--covariates', csv], jsonAnswer(shopsView), shopsForecast(2));
    expect(far.code).toBe(1);
    expect(far.stderr).toBe(`error: ${csv}: holds 2 steps ahead of series "north" (column "shop"); --horizon 5 needs the covariates of each of the 5 steps (one row per step)\n`);
    // The shipped file: 14 days of each shop, 28 rows.
    const shipped = await run(['forecast', 'shops', '--horizon', '20', '--group', 'north', '--covariates', FUTURE], jsonAnswer(shopsView), shopsForecast(14));
    expect(shipped.stderr).toBe(`error: ${FUTURE}: holds 14 steps ahead of series "north" (column "shop"); --horizon 20 needs the covariates of each of the 20 steps (one row per step)\n`);
  });

  it('names the line of a missing day of a file too short for the horizon, as it does with enough rows', async () => {
    // North lacks its second day (19 December): three rows of north, the second (line 4) dated the 20th.
    const skip = file('skip.csv', 'date,shop,promo,holiday\n2024-12-18,north,0,no\n2024-12-18,south,1,no\n2024-12-20,north,1,no\n2024-12-21,north,0,no\n');
    const refusal = `error: ${skip}:4: "date" is "2024-12-20", but step 2 of the forecast is 2024-12-19; the file's rows must be the steps ahead, in order\n`;
    const enough = await run(['forecast', 'shops', '--horizon', '3', '--group', 'north', '--covariates', skip], jsonAnswer(shopsView), shopsForecast(3));
    expect(enough.stderr).toBe(refusal);
    const short = await run(['forecast', 'shops', '--horizon', '4', '--group', 'north', '--covariates', skip], jsonAnswer(shopsView), shopsForecast(3));
    expect(short.code).toBe(1);
    expect(short.stdout).toBe('');
    expect(short.stderr).toBe(refusal);
    expect(bodyOf(short.requests[1])).toMatchObject({ horizon: 3, group: 'north' });
  });

  it("refuses a row whose time is not its step's, naming its line, and prints nothing else", async () => {
    // North's rows start a day late: its first row (line 3) is the second step.
    const late = file('late.csv', 'date,shop,promo,holiday\n2024-12-18,south,1,no\n2024-12-19,north,1,no\n2024-12-19,south,0,no\n2024-12-20,north,0,no\n');
    const ran = await run(['forecast', 'shops', '--horizon', '2', '--group', 'north', '--covariates', late], jsonAnswer(shopsView), shopsForecast(2));
    expect(ran.code).toBe(1);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toBe(`error: ${late}:3: "date" is "2024-12-19", but step 1 of the forecast is 2024-12-18 (the step after the series' last point); the file's rows must be the steps ahead, in order\n`);
    // Out of order: the second step's row is the line of the third day. Day-first dates read as the same days.
    const swapped = file('swapped.csv', 'date,promo,holiday\n18/12/2024,0,no\n20/12/2024,0,no\n19/12/2024,1,no\n');
    const out = await run(['forecast', 'shops', '--horizon', '3', '--group', 'north', '--covariates', swapped, '--json'], jsonAnswer(shopsView), shopsForecast(3));
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(JSON.parse(out.stderr).error).toEqual({ code: 'usage', message: expect.stringContaining('"date" is "20/12/2024", but step 2 of the forecast is 2024-12-19; '), details: { where: `${swapped}:3` } });
    // Rows of the right days pass, whatever their layout.
    const right = file('right.csv', 'date,promo,holiday\n12/18/2024,0,no\n2024-12-19T00:00:00Z,1,no\n');
    expect((await run(['forecast', 'shops', '--horizon', '2', '--group', 'north', '--covariates', right], jsonAnswer(shopsView), shopsForecast(2))).code).toBe(0);
  });

  it("names the file and line of a value the server refuses, and the file of a column the model does not read", async () => {
    const csv = file('xmas.csv', 'date,shop,promo,holiday\n2024-12-18,north,0,no\n2024-12-18,south,1,no\n2024-12-19,north,1,xmas\n');
    const unseen = 'covariates[1].holiday is "xmas", not a category the model was trained with ("no", "yes")';
    const ran = await run(['forecast', 'shops', '--horizon', '2', '--group', 'north', '--covariates', csv], jsonAnswer(shopsView), refusal(400, 'invalid_input', unseen, { field: 'covariates[1].holiday' }));
    expect(ran.code).toBe(1);
    // North's second step is the file's line 4.
    expect(ran.stderr).toBe(`error: invalid_input (HTTP 400): ${csv}:4: column "holiday" is "xmas", not a category the model was trained with ("no", "yes") [field: covariates[1].holiday, file: ${csv}, line: 4]\n`);
    const extra = file('weather.csv', 'date,shop,promo,holiday,weather\n2024-12-18,north,0,no,rainy\n');
    const unknown = 'covariates[0].weather is not a covariate of this model; it reads ("promo", "holiday")';
    const refused = await run(['forecast', 'shops', '--horizon', '1', '--group', 'north', '--covariates', extra], jsonAnswer(shopsView), refusal(400, 'invalid_input', unknown, { field: 'covariates[0].weather' }));
    expect(bodyOf(refused.requests[1]).covariates).toEqual([{ promo: 0, holiday: 'no', weather: 'rainy' }]);
    expect(refused.stderr).toBe(`error: invalid_input (HTTP 400): ${extra}: column "weather" is not a covariate of this model; it reads ("promo", "holiday") [field: covariates[0].weather, file: ${extra}]\n`);
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

  it("names the file and item of a value the server refuses", async () => {
    const json = file('bad-promo.json', JSON.stringify([{ promo: 1, weather: 'rainy', store_size: '2' }, { promo: 'lots', weather: 'sunny', store_size: '1' }]));
    const ran = await run(['forecast', 'sales', '--horizon', '2', '--covariates', json], refusal(400, 'invalid_input', 'covariates[1].promo must be a number, got "lots"', { field: 'covariates[1].promo' }));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`error: invalid_input (HTTP 400): ${json}: "promo" of step 2 (item 1 of the array) must be a number, got "lots" [field: covariates[1].promo`);
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

describe('hints carry the run\'s global options', () => {
  it('train --no-wait: the command to follow the job talks to the same server and tenant', async () => {
    const ran = await run(['--tenant', 's18', 'train', '-d', 'shops', '-t', 'sales', '--task', 'forecast', '--covariates', 'promo', '--no-wait'], jsonAnswer({ id: 'j1', status: 'queued' }, 202));
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe(`job j1 queued; follow it with: ${HINT_CLI} --tenant s18 status j1 --watch\n`);
    // The key given inline is never printed.
    expect(ran.stdout).not.toMatch(/--key k\b/);
  });

  it('predict of a covariates model: the forecast command with --group and --covariates, said what they name', async () => {
    const ran = await run(
      ['--tenant', 's18', 'predict', 'shops', file('rows.csv', 'date,shop\n2024-12-18,north\n')],
      refusal(400, 'forecast_model', 'model "shops" forecasts a series and takes no rows; ask it with POST /v1/models/shops/forecast', { model: 'shops' }),
      jsonAnswer(shopsView),
    );
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(
      'error: forecast_model (HTTP 400): model "shops" forecasts a series and takes no rows [model: shops]\n' +
        `hint: ask it for a forecast with \`${HINT_CLI} --tenant s18 forecast shops --horizon N --group GROUP --covariates FILE\`: GROUP the series, a value of "shop" ("north", "south"); FILE a CSV with a row per step ahead and the columns promo, holiday\n`,
    );
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

  it("lists a forecast model's past covariates, which a forecast gives none of", async () => {
    const view = { ...viewWithCovariates, target: 'units', classes: [], metric: 'rmse', greater_is_better: false, champion_version: 1, versions: [], features: [], history: [] };
    const observed = { ...view, forecast: { ...view.forecast, covariates: undefined, max_horizon: 7, past_covariates: [{ name: 'visits', kind: 'numeric' }, { name: 'weather', kind: 'categorical', levels: ['rainy', 'sunny'] }] } };
    const ran = await run(['model', 'sales'], jsonAnswer(observed));
    expect(ran.stdout).toContain('horizon 7 (up to 7; forecast MODEL --horizon N)');
    expect(ran.stdout).toContain('past covariates visits, weather, observed up to the end of the training data (a forecast gives none; retrain to use newer ones)');
    expect(ran.stdout).not.toMatch(/^ {2}covariates/m);
  });
});

/**
 * `edge-automl forecast --format csv` (cli/forecast-report forecastCsv), in plain Node: the columns are
 * named as the forecast route's fields (`time`, `value`, `lower`, `upper`), so a script reads the CSV and
 * the API's JSON by the same names, one line per step in order.
 */
import { describe, expect, it } from 'vitest';
import type { Forecast } from '../../src/client';
import { forecastCsv } from '../../src/cli/forecast-report';

const answer: Forecast = {
  model: { name: 'air', version: 2 },
  horizon: 2,
  level: 0.9,
  forecasts: [
    { time: '1958-01-01T00:00:00.000Z', value: 345.25, lower: 321.5, upper: 369 },
    { time: '1958-02-01T00:00:00.000Z', value: 338, lower: 310.75, upper: 365.25 },
  ],
};

describe('forecast as CSV', () => {
  it('names its columns as the API names the fields, and writes each step\'s', () => {
    const [head, ...lines] = forecastCsv(answer).split('\n');
    expect(head).toBe('time,value,lower,upper');
    expect(head.split(',')).toEqual(['time', ...Object.keys(answer.forecasts[0]).filter((k) => k !== 'time')]);
    expect(lines).toEqual(['1958-01-01T00:00:00.000Z,345.25,321.5,369', '1958-02-01T00:00:00.000Z,338,310.75,365.25']);
  });
});

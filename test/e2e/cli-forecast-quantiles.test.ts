/**
 * `edge-automl forecast --level P --quantiles a,b,c`, in plain Node with a recording fetch in place of the
 * server: any level from 0.5 to 0.995 is sent as it is, quantiles as a list of numbers, and the answer's
 * quantiles become table and CSV columns (`q0.1`, … after upper); a level or quantile out of range is
 * refused naming its flag before any request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonAnswer, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

const bodyOf = (request: { body?: string }) => JSON.parse(request.body ?? '{}');

/** The server's answer (a Response is read once: a new one per run). */
const answer = () =>
  jsonAnswer({
    model: { name: 'air', version: 3 },
    horizon: 2,
    level: 0.85,
    quantiles: [0.1, 0.5, 0.9],
    forecasts: [
      { time: '1958-01-01T00:00:00.000Z', value: 340, lower: 320, upper: 360, quantiles: { '0.1': 322.5, '0.5': 340, '0.9': 357.5 } },
      { time: '1958-02-01T00:00:00.000Z', value: 330, lower: 305, upper: 355, quantiles: { '0.1': 308.25, '0.5': 330, '0.9': 351.75 } },
    ],
  });

describe('forecast --level and --quantiles', () => {
  it('sends any level in range and the quantiles, and writes a column per quantile', async () => {
    const table = await run(['forecast', 'air', '--horizon', '2', '--level', '0.85', '--quantiles', '0.9, 0.1,0.5'], answer());
    expect(table.code).toBe(0);
    expect(bodyOf(table.requests[0])).toEqual({ horizon: 2, level: 0.85, quantiles: [0.9, 0.1, 0.5] });
    expect(table.stdout).toContain('model air v3, 2 steps, 85% intervals');
    // The table's rows as their cells: the head, then one row per step.
    const [head, first] = table.stdout.split('\n').filter((l) => l.includes('│')).map((l) => l.split('│').map((c) => c.trim()).filter(Boolean));
    expect(head.slice(-3)).toEqual(['q0.1', 'q0.5', 'q0.9']);
    expect(first.slice(-3)).toEqual(['322.5000', '340.0000', '357.5000']);

    const csv = await run(['forecast', 'air', '--horizon', '2', '--level', '0.85', '--quantiles', '0.1,0.5,0.9', '--format', 'csv'], answer());
    expect(csv.code).toBe(0);
    expect(csv.stdout.trim().split('\n')).toEqual(['time,value,lower,upper,q0.1,q0.5,q0.9', '1958-01-01T00:00:00.000Z,340,320,360,322.5,340,357.5', '1958-02-01T00:00:00.000Z,330,305,355,308.25,330,351.75']);
  });

  it.each([
    [['--level', '0.3'], /--level.*expected a number from 0\.5 to 0\.995 \(0\.85 for 85%\), got "0\.3"/],
    [['--level', '1'], /--level.*got "1"/],
    [['--quantiles', '0.1,,0.9'], /--quantiles.*got "" in "0\.1,,0\.9"/],
    [['--quantiles', '0.1,2'], /--quantiles.*expected numbers from 0\.005 to 0\.995 separated by commas.*got "2"/],
    [['--quantiles', Array.from({ length: 21 }, (_, i) => (0.01 + i * 0.04).toFixed(2)).join(',')], /--quantiles.*at most 20 distinct quantiles, got 21/],
  ])('refuses %j before any request', async (flags, message) => {
    const ran = await run(['forecast', 'air', '--horizon', '2', ...flags]);
    expect(ran.code).not.toBe(0);
    expect(ran.requests).toHaveLength(0);
    expect(ran.stderr).toMatch(message);
  });
});

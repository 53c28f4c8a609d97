/**
 * The CLI and a forecast job's rolling origins, in plain Node with a recording fetch in place of the
 * server: `train --origins N` sends them as the job's `forecast.origins`, refused before any request
 * without `--task forecast` (in the flag's words) or when not a positive whole number.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonAnswer, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

const bodyOf = (request: { body?: string }) => JSON.parse(request.body ?? '{}');

describe('train --origins', () => {
  it("sends the forecast job's forecast.origins, beside its horizon", async () => {
    const ran = await run(['train', '-d', 'sales', '-t', 'units', '--task', 'forecast', '--horizon', '7', '--origins', '5', '--no-wait'], jsonAnswer({ id: 'j1', status: 'queued' }, 202));
    expect(ran.code, ran.stderr).toBe(0);
    expect(bodyOf(ran.requests[0])).toEqual({ dataset: 'sales', target: 'units', task: 'forecast', forecast: { horizon: 7, origins: 5 } });
  });

  it.each([
    [['--origins', '5'], 'error: --origins: needs --task forecast\n'],
    [['--task', 'forecast', '--origins', 'two'], expect.stringContaining('--origins')],
  ])('refuses %j before any request', async (flags, message) => {
    const ran = await run(['train', '-d', 'sales', '-t', 'units', ...flags, '--no-wait']);
    expect(ran.code).not.toBe(0);
    expect(ran.requests).toEqual([]);
    expect(ran.stderr).toEqual(message);
  });
});

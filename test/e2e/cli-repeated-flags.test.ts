/**
 * Flags given twice and blank numbers, in plain Node with a recording fetch in place of the server: a list
 * flag repeated adds to its list (an audit saw "--ignore id --ignore leak" train on the id column), and
 * a blank or fractional number is refused naming its flag before anything is sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonAnswer, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

const bodyOf = (request: { body?: string }) => JSON.parse(request.body ?? '{}');

describe('list flags given again', () => {
  it('sends every --ignore and --models given, in order', async () => {
    const args = ['train', '-d', 'credit', '-t', 'class', '--ignore', 'id', '--ignore', 'leak,other', '--models', 'gbdt', '--models', 'linear', '--no-wait'];
    const ran = await run(args, jsonAnswer({ id: 'j1', status: 'queued' }, 202));
    expect(ran.code, ran.stderr).toBe(0);
    const body = bodyOf(ran.requests[0]);
    expect(body.models).toEqual(['gbdt', 'linear']);
    expect(body.columns).toEqual({ id: 'ignore', leak: 'ignore', other: 'ignore' });
  });
});

describe('schedule numbers', () => {
  const schedule = (...extra: string[]) => ['schedule', 'm', '--every', '1d', '--dataset', 'd', ...extra];

  it.each([
    [['--margin', ''], '--margin'],
    [['--min-new-rows', '2.5'], '--min-new-rows'],
    [['--on-drift', '0'], '--on-drift'],
  ])('refuses %j naming the flag, sending nothing', async (extra, flag) => {
    const ran = await run(schedule(...extra), jsonAnswer({}, 200));
    expect(ran.code).not.toBe(0);
    expect(ran.requests).toHaveLength(0);
    expect(ran.stderr).toContain(flag);
  });
});

/**
 * `train --dataset-version N`, in plain Node with a recording fetch in place of the server: the job body
 * pins the dataset version (the API's `dataset_version`; an audit found no way to pin one from the CLI),
 * and a version that is not a positive whole number is refused before anything is sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonAnswer, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

const bodyOf = (request: { body?: string }) => JSON.parse(request.body ?? '{}');

describe('train --dataset-version', () => {
  it('sends dataset_version', async () => {
    const ran = await run(['train', '-d', 'credit', '--dataset-version', '2', '-t', 'class', '--no-wait'], jsonAnswer({ id: 'j1', status: 'queued' }, 202));
    expect(ran.code).toBe(0);
    expect(bodyOf(ran.requests[0])).toEqual({ dataset: 'credit', dataset_version: 2, target: 'class' });
  });

  it('leaves it out without the flag (the newest version)', async () => {
    const ran = await run(['train', '-d', 'credit', '-t', 'class', '--no-wait'], jsonAnswer({ id: 'j1', status: 'queued' }, 202));
    expect(bodyOf(ran.requests[0])).not.toHaveProperty('dataset_version');
  });

  it('refuses a version that is not a positive whole number, sending nothing', async () => {
    const ran = await run(['train', '-d', 'credit', '--dataset-version', '0', '-t', 'class', '--no-wait'], jsonAnswer({ id: 'j1', status: 'queued' }, 202));
    expect(ran.code).not.toBe(0);
    expect(ran.requests).toHaveLength(0);
    expect(ran.stderr).toContain('--dataset-version');
  });
});

/**
 * `train --replace-model` and the hint of a model_conflict refusal, in plain Node with a recording fetch in
 * place of the server: a job that would publish another target or task under an existing model's name is
 * refused by the server (409 model_conflict); the CLI says how to go on, and the flag sends replace_model.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonAnswer, refusal, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

const bodyOf = (request: { body?: string }) => JSON.parse(request.body ?? '{}');

describe('train and an existing model of another kind', () => {
  it('prints the refusal with how to go on: another --model, or --replace-model', async () => {
    const ran = await run(
      ['train', '-d', 'pima', '-t', 'class', '-m', 'peng', '--no-wait'],
      refusal(409, 'model_conflict', 'model "peng" predicts another target: the target differs ("species" → "class")', { model: 'peng' }),
    );
    expect(ran.code).toBe(1);
    expect(bodyOf(ran.requests[0])).not.toHaveProperty('replace_model');
    expect(ran.stderr).toContain('error: model_conflict (HTTP 409): model "peng" predicts another target');
    expect(ran.stderr).toContain('hint: publish under another name with --model NAME, or replace it anyway with --replace-model');
  });

  it('sends replace_model with --replace-model', async () => {
    const ran = await run(['train', '-d', 'pima', '-t', 'class', '-m', 'peng', '--replace-model', '--no-wait'], jsonAnswer({ id: 'j1', status: 'queued' }, 202));
    expect(ran.code).toBe(0);
    expect(bodyOf(ran.requests[0])).toEqual({ dataset: 'pima', target: 'class', model: 'peng', replace_model: true });
  });
});

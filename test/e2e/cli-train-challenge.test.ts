/**
 * `train --challenge [--margin X] [--promotion RULE]`, in plain Node with a recording fetch in place of the
 * server: the flag sends `challenge` (true, or the terms given), the terms alone are refused before
 * anything is sent, and a model_conflict refusal of a challenger is hinted without advising --replace-model
 * beside --challenge.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonAnswer, refusal, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

const bodyOf = (request: { body?: string }) => JSON.parse(request.body ?? '{}');
const queued = () => jsonAnswer({ id: 'j1', status: 'queued' }, 202);

describe('train --challenge', () => {
  it('sends challenge: true, or the margin and promotion rule given', async () => {
    const plain = await run(['train', '-d', 'credit', '-t', 'class', '-m', 'risk', '--challenge', '--no-wait'], queued());
    expect(plain.code).toBe(0);
    expect(bodyOf(plain.requests[0])).toEqual({ dataset: 'credit', target: 'class', model: 'risk', challenge: true });
    const terms = await run(['train', '-d', 'credit', '-t', 'class', '--challenge', '--margin', '0.01', '--promotion', 'margin', '--no-wait'], queued());
    expect(bodyOf(terms.requests[0])).toEqual({ dataset: 'credit', target: 'class', challenge: { margin: 0.01, promotion: 'margin' } });
    const without = await run(['train', '-d', 'credit', '-t', 'class', '--no-wait'], queued());
    expect(bodyOf(without.requests[0])).not.toHaveProperty('challenge');
  });

  it('refuses --margin or --promotion without --challenge, and a negative margin, sending nothing', async () => {
    const alone = await run(['train', '-d', 'credit', '-t', 'class', '--margin', '0.01', '--promotion', 'margin', '--no-wait'], queued());
    expect(alone.code).not.toBe(0);
    expect(alone.requests).toHaveLength(0);
    expect(alone.stderr).toContain('--margin, --promotion');
    expect(alone.stderr).toContain('need --challenge');
    const negative = await run(['train', '-d', 'credit', '-t', 'class', '--challenge', '--margin', '-1', '--no-wait'], queued());
    expect(negative.code).not.toBe(0);
    expect(negative.requests).toHaveLength(0);
  });

  it('hints another --model, or --replace-model instead, when the challenger answers another question', async () => {
    const ran = await run(['train', '-d', 'pima', '-t', 'class', '-m', 'peng', '--challenge', '--no-wait'], refusal(409, 'model_conflict', 'model "peng" exists: the target differs ("species" → "class")', { model: 'peng' }));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('hint: a challenger must predict what the champion predicts: publish under another name with --model NAME, or replace it with --replace-model instead of --challenge');
  });
});

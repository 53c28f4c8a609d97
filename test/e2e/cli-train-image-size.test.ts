/**
 * `train --task image --image-size 8x8` in plain Node with a recording fetch in place of the server: the
 * flag sends the shape an image job on a table of pixel columns not named px_* needs (`image.height`,
 * `image.width`, and `image.channels` when given) beside the other image flags; without `--task image`, or
 * with a size it cannot read, it is refused naming the flag before anything is sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonAnswer, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

const bodyOf = (request: { body?: string }) => JSON.parse(request.body ?? '{}');
const queued = () => jsonAnswer({ id: 'j1', status: 'queued' }, 202);

describe('train --image-size', () => {
  it("sends the images' height and width, and channels when given, with the other image flags", async () => {
    const gray = await run(['train', '-d', 'plain', '-t', 'digit', '--task', 'image', '--image-size', '8x8', '--no-wait'], queued());
    expect(gray.code, gray.stderr).toBe(0);
    expect(bodyOf(gray.requests[0])).toEqual({ dataset: 'plain', target: 'digit', task: 'image', image: { height: 8, width: 8 } });
    const rgb = await run(['train', '-d', 'photos', '-t', 'label', '--task', 'image', '--image-size', '32x16x3', '--flip-invariant', '--max-value', '255', '--no-wait'], queued());
    expect(rgb.code, rgb.stderr).toBe(0);
    expect(bodyOf(rgb.requests[0])).toEqual({ dataset: 'photos', target: 'label', task: 'image', image: { height: 32, width: 16, channels: 3, flip_invariant: true, max_value: 255 } });
  });

  it('is refused without --task image, naming the flag, and nothing is sent', async () => {
    for (const task of [[], ['--task', 'multiclass']]) {
      const ran = await run(['train', '-d', 'plain', '-t', 'digit', ...task, '--image-size', '8x8', '--no-wait'], queued());
      expect(ran.code).toBe(1);
      expect(ran.requests).toHaveLength(0);
      expect(ran.stderr).toBe('error: --image-size: needs --task image (the shape of the images a table of pixel columns holds)\n');
    }
  });

  it('refuses a size it cannot read, naming the flag and the form it takes', async () => {
    const ran = await run(['train', '-d', 'plain', '-t', 'digit', '--task', 'image', '--image-size', '8by8', '--no-wait'], queued());
    expect(ran.code).toBe(1);
    expect(ran.requests).toHaveLength(0);
    expect(ran.stderr).toBe('error: --image-size: expected HEIGHTxWIDTH or HEIGHTxWIDTHxCHANNELS in pixels, such as 8x8 or 32x32x3, got "8by8"\n');
  });
});

/**
 * With --json every failure of the CLI is JSON on stderr, in plain Node: a mistake commander finds in the
 * command line (a missing required option, an unknown option) was its own text line, which a script's
 * JSON.parse(stderr) failed on; a wait that ran out was {"code": "internal"} without the job's id. Each
 * fails without its change (cli/main, cli/errors).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Job, JobWaitTimeoutError } from '../../src/client';
import { errorJson, errorText } from '../../src/cli/errors';
import { main } from '../../src/cli/main';

function capture(): { err: () => string; out: () => string } {
  let err = '';
  let out = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  return { err: () => err, out: () => out };
}

afterEach(() => vi.restoreAllMocks());

describe('usage errors', () => {
  it('are one JSON object on stderr with --json, exit 1', async () => {
    for (const argv of [['--json', 'forecast', 'air'], ['train', '--dataset', 'x', '--json'], ['--json', 'predict', 'm', 'f.csv', '--no-such-flag']]) {
      const io = capture();
      expect(await main(argv)).toBe(1);
      const parsed = JSON.parse(io.err()) as { error: { code: string; message: string } };
      expect(parsed.error.code).toBe('usage');
      expect(parsed.error.message).not.toMatch(/^error: /);
      expect(io.out()).toBe('');
      vi.restoreAllMocks();
    }
  });

  it('stay commander\'s text line without --json', async () => {
    const io = capture();
    expect(await main(['forecast', 'air'])).toBe(1);
    expect(io.err()).toContain("error: required option '--horizon <n>' not specified");
  });
});

describe('a wait that ran out', () => {
  it('names the job and its status, with the command that follows it', () => {
    const job = { id: '6f5d4b46-6452-4b72-812f-15ecf03d0027', status: 'running', progress: { trials_done: 12 } } as unknown as Job;
    const err = new JobWaitTimeoutError(job, 960_000);
    expect(errorJson(err)).toMatchObject({ error: { code: 'wait_timeout', details: { job: job.id, status: 'running' } }, hint: expect.stringContaining(`edge-automl status ${job.id} --watch`) });
    expect(errorText(err)).toContain(`\nhint: follow it with \`edge-automl status ${job.id} --watch\``);
  });
});

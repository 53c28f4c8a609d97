/**
 * The CLI's pure pieces, in plain Node: reading --budget, --date-order and --image-size, choosing the URL and key, the
 * command hints start with (the run's global options, never a key), the exit code and line for each kind of
 * failure, reading a CSV file into rows, and the human formats.
 */
import { describe, expect, it } from 'vitest';
import { ApiClientError } from '../../src/client';
import { describeBudget, parseBudget } from '../../src/cli/budget';
import { LOCAL_DEV_KEY, resolveContext } from '../../src/cli/context';
import { dateOrderHint, dateOrderList } from '../../src/cli/date-order';
import { imageSize } from '../../src/cli/image-size';
import { rerunCommand } from '../../src/cli/invocation';
import { csvToRows } from '../../src/cli/table-rows';
import { ConnectionError, errorJson, errorText, exitCodeOf, UsageError } from '../../src/cli/errors';
import { csvLine, formatDuration } from '../../src/cli/format';
import { predictionTable, topContributions } from '../../src/cli/prediction-report';

describe('--budget', () => {
  it.each([
    ['60s', { seconds: 60 }],
    ['90', { seconds: 90 }],
    ['5m', { seconds: 300 }],
    ['1h', { seconds: 3600 }],
    ['100trials', { trials: 100 }],
    ['1trial', { trials: 1 }],
    ['5m,20trials', { seconds: 300, trials: 20 }],
    ['20trials+2m', { seconds: 120, trials: 20 }],
  ])('reads %s', (text, expected) => {
    expect(parseBudget(text)).toEqual(expected);
  });

  it.each(['', '3 weeks', '2.5trials', '0trials', '5m,6m', 'fast'])('refuses %j naming --budget', (text) => {
    expect(() => parseBudget(text)).toThrow(UsageError);
    expect(() => parseBudget(text)).toThrow(expect.objectContaining({ where: '--budget' }));
  });

  it("refuses what the server's bounds refuse, in the flag's words", () => {
    expect(() => parseBudget('2s')).toThrow('"2s": a search needs at least 5s');
    expect(() => parseBudget('25h')).toThrow('"25h": a search takes at most 24h (86400s)');
    expect(() => parseBudget('10001trials')).toThrow('"10001trials": at most 10000 trials');
    expect(parseBudget('5s,10000trials')).toEqual({ seconds: 5, trials: 10_000 });
    expect(parseBudget('24h')).toEqual({ seconds: 86_400 });
  });

  it('describes a budget for people', () => {
    expect(describeBudget({ seconds: 300, trials: 20 })).toBe('20 trials or 5 min');
    expect(describeBudget({ seconds: 45 })).toBe('45 s');
  });
});

describe('--date-order', () => {
  it('reads column=order pairs, case of the order ignored, spaces around them trimmed', () => {
    expect(dateOrderList('d=dmy')).toEqual({ d: 'dmy' });
    expect(dateOrderList(' d = DMY , e=mdy,')).toEqual({ d: 'dmy', e: 'mdy' });
    // The last "=" splits: a column name may hold one.
    expect(dateOrderList('a=b=mdy')).toEqual({ 'a=b': 'mdy' });
    expect(dateOrderList('order date=dmy')).toEqual({ 'order date': 'dmy' });
  });

  it('merges a repeated flag, the same order twice allowed', () => {
    expect(dateOrderList('e=mdy', dateOrderList('d=dmy'))).toEqual({ d: 'dmy', e: 'mdy' });
    expect(dateOrderList('d=dmy,d=DMY')).toEqual({ d: 'dmy' });
  });

  it('takes any column name as a plain key', () => {
    const orders = dateOrderList('__proto__=dmy,constructor=mdy');
    expect(Object.keys(orders)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(orders)).toBe('{"__proto__":"dmy","constructor":"mdy"}');
  });

  it.each(['', ',', 'd', 'd=', '=dmy', 'd=ymd', 'd=named', 'd=iso', 'd=dmy,d=mdy'])('refuses %j naming --date-order', (text) => {
    expect(() => dateOrderList(text)).toThrow(UsageError);
    expect(() => dateOrderList(text)).toThrow(expect.objectContaining({ where: '--date-order' }));
  });

  it("names the flag for a warning whose advice is the job's JSON, and for no other", () => {
    const warning = (name: string) => `every date of ${JSON.stringify(name)} reads either way …; if they are day first, create the job with "columns": {${JSON.stringify(name)}: {"type": "datetime", "date_order": "dmy"}}`;
    const cli = 'edge-automl --url https://automl.example';
    expect(dateOrderHint(warning('d'), cli)).toBe('if the dates of "d" are day first: `edge-automl --url https://automl.example train … --date-order d=dmy`');
    // A name the shell would split or expand is quoted.
    expect(dateOrderHint(warning("it's a \"date\""), 'edge-automl')).toBe(`if the dates of "it's a "date"" are day first: \`edge-automl train … --date-order 'it'\\''s a "date"=dmy'\``);
    expect(dateOrderHint('2 rows have no value of "y" and are left out', cli)).toBeUndefined();
    // The flag cannot name a column with a comma: no hint rather than a wrong command.
    expect(dateOrderHint(warning('a,b'), cli)).toBeUndefined();
  });
});

describe('--image-size', () => {
  const read = imageSize('--image-size');

  it.each([
    ['8x8', { height: 8, width: 8 }],
    ['28X28', { height: 28, width: 28 }],
    ['4x16', { height: 4, width: 16 }],
    ['32x32x3', { height: 32, width: 32, channels: 3 }],
    [' 2 x 3 x 1 ', { height: 2, width: 3, channels: 1 }],
    ['512×512×4', { height: 512, width: 512, channels: 4 }],
  ])('reads %j as height x width (x channels)', (text, expected) => {
    expect(read(text)).toEqual(expected);
  });

  it.each(['', '8', '8x', 'x8', '8x8x', '8,8', '8x8x3x1', '-8x8', '8.5x8', 'eightxeight'])('refuses %j naming --image-size and the form it takes', (text) => {
    expect(() => read(text)).toThrow(expect.objectContaining({ name: 'UsageError', where: '--image-size', message: `expected HEIGHTxWIDTH or HEIGHTxWIDTHxCHANNELS in pixels, such as 8x8 or 32x32x3, got "${text}"` }));
  });

  it('refuses sides and channels the API does not take, in the flag\'s words', () => {
    expect(() => read('0x8')).toThrow(expect.objectContaining({ where: '--image-size', message: 'height and width must be 1 to 512 pixels, got "0x8"' }));
    expect(() => read('8x513')).toThrow(expect.objectContaining({ where: '--image-size', message: 'height and width must be 1 to 512 pixels, got "8x513"' }));
    expect(() => read('8x8x5')).toThrow(expect.objectContaining({ where: '--image-size', message: 'channels must be 1 to 4 (1 gray, 3 RGB), got "8x8x5"' }));
    expect(() => read('8x8x0')).toThrow(expect.objectContaining({ where: '--image-size' }));
  });
});

describe('URL and key', () => {
  it('defaults to local dev with the local admin key', () => {
    const ctx = resolveContext({}, {});
    expect(ctx.url).toBe('http://127.0.0.1:8787');
    expect(ctx.json).toBe(false);
  });

  it('never guesses a key for a remote URL', () => {
    expect(() => resolveContext({ url: 'https://automl.example.workers.dev' }, {})).toThrow(/no API key.*--key.*EDGE_AUTOML_KEY/);
    expect(() => resolveContext({}, { EDGE_AUTOML_URL: 'https://automl.example.workers.dev', EDGE_AUTOML_KEY: 'k' })).not.toThrow();
  });

  it('refuses a URL that is not http(s), naming --url', () => {
    expect(() => resolveContext({ url: 'not a url' }, {})).toThrow(expect.objectContaining({ where: '--url' }));
    expect(() => resolveContext({ url: 'ftp://host' }, {})).toThrow(/http:\/\/ or https:\/\//);
  });

  it('uses the local dev key name the dev server uses', () => {
    expect(LOCAL_DEV_KEY).toBe('local-dev-key');
  });
});

describe('the command hints start with', () => {
  const bin = '/repo/bin/edge-automl.mjs';

  it('carries the global options given on the command line, after the command as it was run', () => {
    expect(rerunCommand({ url: 'http://127.0.0.1:8799', tenant: 's18' }, {}, bin, '/repo')).toBe('node bin/edge-automl.mjs --url http://127.0.0.1:8799 --tenant s18');
    expect(rerunCommand({ url: 'https://automl.example', json: true }, { npm_lifecycle_event: 'cli' }, '/x/main.ts', '/repo')).toBe('npm run -s cli -- --url https://automl.example --json');
    // Options the environment gave stay with the environment; nothing given, nothing added.
    expect(rerunCommand({}, { EDGE_AUTOML_URL: 'https://automl.example', EDGE_AUTOML_KEY: 'eak_secret' }, '/x/main.ts', '/repo')).toBe('edge-automl');
    // A value the shell would split or expand is quoted.
    expect(rerunCommand({ tenant: "o'brien & co" }, {}, '/x/main.ts', '/repo')).toBe(`edge-automl --tenant 'o'\\''brien & co'`);
  });

  it('never prints a key: it names the variable the key belongs in, or KEY when that variable holds another', () => {
    const secret = 'eak_0123456789abcdef';
    const inline = rerunCommand({ url: 'https://automl.example', key: secret }, {}, '/x/main.ts', '/repo');
    expect(inline).toBe('edge-automl --url https://automl.example --key "$EDGE_AUTOML_KEY"');
    // `--key "$EDGE_AUTOML_KEY"` as typed: the shell gave the variable's key, and the hint keeps the variable.
    expect(rerunCommand({ key: secret }, { EDGE_AUTOML_KEY: secret }, '/x/main.ts', '/repo')).toBe('edge-automl --key "$EDGE_AUTOML_KEY"');
    // The variable holds someone else's key (a tenant's, beside an admin key given inline): not that one.
    const other = rerunCommand({ key: secret }, { EDGE_AUTOML_KEY: 'eak_tenant' }, '/x/main.ts', '/repo');
    expect(other).toBe('edge-automl --key KEY');
    for (const hint of [inline, other]) expect(hint).not.toContain('eak_');
  });

  it('is the context every command gets', () => {
    expect(resolveContext({ url: 'http://127.0.0.1:8799', key: 'k', tenant: 's18' }, {}).cli).toMatch(/ --url http:\/\/127\.0\.0\.1:8799 --key "\$EDGE_AUTOML_KEY" --tenant s18$/);
  });
});

describe('failures', () => {
  const apiError = new ApiClientError(400, 'invalid_target', 'target column "x" is not in the dataset', { field: 'target', columns: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'] });

  it('exit code 2 only when nothing answered', () => {
    expect(exitCodeOf(new ConnectionError('http://127.0.0.1:8787', 'connection refused'))).toBe(2);
    expect(exitCodeOf(apiError)).toBe(1);
    expect(exitCodeOf(new UsageError('bad', '--budget'))).toBe(1);
  });

  it('prints the server code, status and message, with long lists cut', () => {
    expect(errorText(apiError)).toBe('error: invalid_target (HTTP 400): target column "x" is not in the dataset [field: target, columns: a, b, c, d, e, f, g, h, … (10 in all)]');
    // The near names are in the message: not repeated among the details.
    const near = new ApiClientError(400, 'invalid_target', 'target column "clas" is not in the dataset (did you mean "class"?)', { field: 'target', did_you_mean: ['class'], columns: ['a', 'class'] });
    expect(errorText(near)).toBe('error: invalid_target (HTTP 400): target column "clas" is not in the dataset (did you mean "class"?) [field: target, columns: a, class]');
  });

  it('hints at npm run dev for a local server only', () => {
    expect(errorText(new ConnectionError('http://127.0.0.1:8787', 'connection refused'))).toContain('start the local server with `npm run dev`,');
    // Another local port: the command that listens there.
    expect(errorText(new ConnectionError('http://localhost:8796/v1/jobs', 'connection refused'))).toContain('start the local server with `npm run dev -- --port 8796`,');
    expect(errorText(new ConnectionError('https://automl.example', 'unknown host'))).not.toContain('npm run dev');
  });

  it('--json errors keep the API shape', () => {
    expect(errorJson(apiError)).toEqual({ status: 400, error: { code: 'invalid_target', message: apiError.message, details: apiError.details } });
    expect(errorJson(new UsageError('no such file', 'x.csv')).error).toEqual({ code: 'usage', message: 'no such file', details: { where: 'x.csv' } });
  });
});

describe('CSV rows for predict --explain', () => {
  it('reads the header and turns empty cells into missing values', () => {
    expect(csvToRows('a,b\n1,\n"x,y",2\n', 'f.csv')).toEqual([
      { a: '1', b: null },
      { a: 'x,y', b: '2' },
    ]);
  });

  it('names the file and line of a broken row', () => {
    expect(() => csvToRows('a,b\n1,2\n"open,3\n', 'in.csv')).toThrow(expect.objectContaining({ where: 'in.csv:3' }));
    expect(() => csvToRows('a,b\n1,2\n\n3\n', 'in.csv')).toThrow(expect.objectContaining({ where: 'in.csv:4' }));
  });

  it('reads the file as the server does: semicolons, an all-empty row kept', () => {
    expect(csvToRows('a;b\n1,5;x\n;\n', 'f.csv')).toEqual([
      { a: '1.5', b: 'x' },
      { a: null, b: null },
    ]);
  });
});

describe('formats', () => {
  it('durations in the unit people expect', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(7_380_000)).toBe('2 h 03 min');
    expect(formatDuration(null)).toBe('-');
  });

  it('CSV fields are quoted only when needed', () => {
    expect(csvLine(['good', 0.5, 'a,b', 'say "hi"', null])).toBe('good,0.5,"a,b","say ""hi""",');
  });

  it('top contributions: largest by size, the predicted class for per-class maps', () => {
    expect(topContributions({ output: 1, base: 0, contributions: { a: 0.1, b: -0.7, c: 0.3, d: 0.05 } }, 'good')).toBe('b -0.700, c +0.300, a +0.100');
    expect(topContributions({ output: {}, base: {}, contributions: { x: { a: 1 }, y: { a: -2, b: 0.5 } } }, 'y', 1)).toBe('a -2.000');
  });

  it('prediction tables count their rows, one row in the singular', () => {
    const model = { name: 'pets', version: 1 };
    expect(predictionTable({ model, predictions: ['cat'] }, ['cat.png']).split('\n')[0]).toBe('model pets v1, 1 row');
    expect(predictionTable({ model, predictions: [2.5, 3] }).split('\n')[0]).toBe('model pets v1, 2 rows');
  });
});

/**
 * `edge-automl dataset NAME` of a CSV whose pixel columns are not named px_* (the digits as p0..p63), in
 * plain Node with a recording fetch in place of the server, answered with the profile and `pixel_like`
 * the server makes of that file (engine inference, worker/pixel-like-view): the run is one line where it
 * stood, with its pooled range and what it may be, and a `hint:` gives the train command, which the CLI
 * then sends as the image job the hint means. A survey's q1..q20 (no pixel_like) keep their lines.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { pixelLikeEntries } from '../../src/worker/pixel-like-view';
import { HINT_CLI, jsonAnswer, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

/** The GET answer for `csv` as the server builds it: every column's profile, and the pixel-like runs. */
function answerFor(name: string, csv: string) {
  const { dataset, profile } = inferDataset(parseCsv(csv), Object.create(null));
  return { name, version: 1, rows: dataset.rows, bytes: csv.length, columns: profile, pixel_like: pixelLikeEntries(profile, dataset.rows), created_at: '2026-11-30T10:00:00.000Z' };
}

/** The first 150 digits with an id in front and their px_r{r}_c{c} columns renamed p0..p63 in file order. */
const digits = (() => {
  const [header, ...rest] = readFileSync('examples/digits/train.csv', 'utf8').trim().split('\n').slice(0, 151);
  let k = 0;
  return [`id,${header.split(',').map((n) => (n.startsWith('px_') ? `p${k++}` : n)).join(',')}`, ...rest.map((line, i) => `r${i},${line}`)].join('\n');
})();

/** The table's rows by their first cell (the column name), without the header row. */
const tableRows = (out: string) => out.split('\n').filter((l) => l.startsWith('│ ') && !l.startsWith('│ column')).map((l) => l.split('│').map((cell) => cell.trim()));

describe('dataset NAME of pixel-like columns', () => {
  it('prints p0..p63 as one line with their range and a hint that trains them as 8x8 images', async () => {
    const answer = answerFor('plain', digits);
    const ran = await run(['dataset', 'plain'], jsonAnswer(answer));
    expect(ran.code).toBe(0);
    const rows = tableRows(ran.stdout);
    expect(rows.map((r) => r[1])).toEqual(['id', 'p0..p63', 'digit']);
    const [entry] = answer.pixel_like;
    const plain = (x: number) => String(Number(x.toPrecision(5)));
    // The digits' blank corners are constant over these rows: said, as a px_* line says its unused pixels.
    const constant = answer.columns.filter((c) => /^p\d+$/.test(c.name) && c.type === 'constant').length;
    expect(constant).toBeGreaterThan(0);
    // type, missing, the most distinct values of one pixel, the pooled range and mean, what it may be.
    expect(rows[1].slice(2, 7)).toEqual(['numeric', '0', String(entry.unique), `0 to ${entry.max} (mean ${plain(entry.mean)})`, `64 pixel-like columns, possibly 8x8 images; ${constant} constant (see hint)`]);
    const hint = `hint: p0..p63 may be 8x8 images; to train them as images (their columns read in file order, row by row): ${HINT_CLI} train --dataset plain --target digit --task image --image-size 8x8 --ignore id`;
    expect(ran.stdout.trimEnd().split('\n').at(-1)).toBe(hint);
    // The header still counts every column.
    expect(ran.stdout).toContain(`${answer.rows} rows, 66 columns`);

    // The hint's command is an image job on the run: its shape, the id left out, the class as target.
    const args = hint.slice(`hint: p0..p63 may be 8x8 images; to train them as images (their columns read in file order, row by row): ${HINT_CLI} `.length).split(' ');
    const sent = await run([...args, '--no-wait'], jsonAnswer({ id: 'j1', status: 'queued' }, 202));
    const job = JSON.parse(sent.requests.find((r) => r.url.endsWith('/v1/jobs'))!.body!);
    expect(job).toMatchObject({ dataset: 'plain', target: 'digit', task: 'image', image: { height: 8, width: 8 }, columns: { id: 'ignore' } });
  });

  it('keeps the lines of q1..q20 survey answers, which the server found no pixels', async () => {
    const survey = ['who,' + Array.from({ length: 20 }, (_, i) => `q${i + 1}`).join(','), ...Array.from({ length: 30 }, (_, r) => `u${r},${Array.from({ length: 20 }, (_, q) => 1 + ((r + q) % 5)).join(',')}`)].join('\n');
    const answer = answerFor('survey', survey);
    expect(answer.pixel_like).toEqual([]);
    const ran = await run(['dataset', 'survey'], jsonAnswer(answer));
    expect(tableRows(ran.stdout).map((r) => r[1])).toEqual(['who', ...Array.from({ length: 20 }, (_, i) => `q${i + 1}`)]);
    expect(ran.stdout).not.toContain('hint:');
  });
});

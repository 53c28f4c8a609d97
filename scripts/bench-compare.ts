/**
 * `npm run bench:compare -- [--data DIR] RUN.json [RUN.json ...]`
 * Sets saved `bench:automl --json` runs against DIR/REFERENCE.md (default ../shared/data): each run's table
 * and its count of datasets better than the best scikit-learn default, then, for several runs (seeds),
 * each dataset's wins over the runs and the count over every run, which is how issue 4's 80% bar is judged
 * across seeds.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fmt, readReferenceScores, type Standing, standingOf, standingSummary, standingTable } from './lib/reference-scores';
import { formatTable } from './lib/tables';

const { values, positionals } = parseArgs({
  options: { data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data') } },
  allowPositionals: true,
});

function main(): void {
  if (positionals.length === 0) throw new Error('name at least one bench:automl --json file');
  const reference = readReferenceScores(resolve(values.data));
  if (!reference) throw new Error(`${resolve(values.data)} has no REFERENCE.md`);
  const byDataset = new Map<string, Standing[]>();
  for (const file of positionals) {
    // split_noise_95 is absent from runs saved before it was measured.
    const rows = JSON.parse(readFileSync(file, 'utf8')) as { dataset: string; metric: string; score: number; split_noise_95?: number }[];
    if (!Array.isArray(rows)) throw new Error(`${file}: expected the array bench:automl --json writes`);
    const standings = rows.flatMap((r) => {
      const s = standingOf(reference, { ...r, noise: r.split_noise_95 });
      return s ? [s] : [];
    });
    for (const s of standings) byDataset.set(s.dataset, [...(byDataset.get(s.dataset) ?? []), s]);
    console.log(`${file}\n${standingTable(standings)}\n${standingSummary(standings).line}\n`);
  }
  if (positionals.length < 2) return;
  const all = [...byDataset.values()].flat();
  const tables = all.filter((s) => s.kind === 'learners');
  console.log(
    formatTable(
      ['dataset', 'runs', 'beats best default', 'scores'],
      [...byDataset.entries()].map(([dataset, list]) => [dataset, list.length, `${list.filter((s) => s.beatsBest).length} of ${list.length}`, list.map((s) => fmt(s.score)).join(' ')]),
    ),
  );
  const wins = tables.filter((s) => s.beatsBest).length;
  console.log(`\nover ${positionals.length} runs: better than the best default in ${wins} of ${tables.length} dataset runs (${((100 * wins) / Math.max(1, tables.length)).toFixed(0)}%; the bar is 80%)`);
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}

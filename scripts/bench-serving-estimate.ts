/**
 * `npm run bench:serving-estimate -- [--data DIR] [--datasets credit_g,ames_housing,penguins] [--trials 24]
 *   [--seconds 120] [--seed 1] [--rounds 7] [--slice-ms 150] [--batch 2000] [--caps 300]
 *   [--save DIR | --trials-from DIR] [--baseline CHECKOUT] [--forest-blends 2,3,4,5,6 [--forest-draws 1]]
 *   [--artifacts A.json,B.json --artifact-rows CSV] [--json OUT]`
 * How the engine's serving estimate (engine/serialize/serving-cost: `serving.estimated_us_per_row`, the
 * trials' `serving_us`, what `serving.max_us_per_row` caps) compares with the measured in-process time.
 * Per dataset, a job's search runs in process (the `auto` sampler: the portfolio, which is every family's
 * default first, then TPE; the job's folds and fold bags, as the trial consumer runs them). Measured:
 *  - each family's default trial, as a job serves it (a bag of fold models where the family bags);
 *  - the job's model under the default ensemble cap (the greedy blend over the job's candidate pool, or
 *    the best trial when no blend beats it), and under each --caps value;
 * each loaded through the Predictor after a JSON round trip, as the Worker serves it: single-row calls in
 * sequence over the test rows and one --batch-row call, medians over --rounds interleaved rounds
 * (scripts/lib/serving-timing), wall and process CPU µs, and the job models' held-out score.
 * --baseline CHECKOUT (e.g. `git archive HEAD src | tar -x -C DIR`): that checkout's estimate is printed
 * beside this one's, and the job models its estimate selects are measured in the same rounds ("before").
 * --save DIR then --trials-from DIR measures other checkouts or settings on the very same trials.
 * --forest-blends K,...: blends of forests too, where a blend's members slow each other down by sharing
 * the cache (engine/serialize/serving-cache): per K, an equal-weight blend of the job's K largest tree
 * trials (by the bytes of their trees), and with --forest-draws N, N-1 more of K drawn at random among its
 * tree trials of at least 0.5 MB; each trial they use is measured alone too. The summary at the end gives
 * the estimate/measured ratios of single trials, forest blends and job models (and with --baseline, before).
 * --artifacts: stored artifacts too (e.g. from `GET /v1/models/{name}/versions/{v}/artifact`), timed together
 * on the feature rows of --artifact-rows (a CSV; columns the model does not know are left out).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as engine from '../src/engine';
import type { AnyEnvelope } from '../src/engine';
import { ensembleCandidatePool } from '../src/engine/ensemble/candidate-pool';
import { decodeF32, encodeF32 } from '../src/engine/serialize/codec';
import { type FinishedTrial, runInProcessSearch } from './lib/in-process-search';
import { type JobSplit, loadJobSplit } from './lib/job-split';
import { timePredictors } from './lib/serving-timing';
import { csvRows, formatTable } from './lib/tables';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data') },
    datasets: { type: 'string', default: 'credit_g,ames_housing,penguins' },
    trials: { type: 'string', default: '24' },
    seconds: { type: 'string', default: '120' },
    seed: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '7' },
    'slice-ms': { type: 'string', default: '150' },
    batch: { type: 'string', default: '2000' },
    caps: { type: 'string', default: '300' },
    save: { type: 'string' },
    'trials-from': { type: 'string' },
    baseline: { type: 'string' },
    'forest-blends': { type: 'string', default: '' },
    'forest-draws': { type: 'string', default: '1' },
    artifacts: { type: 'string' },
    'artifact-rows': { type: 'string' },
    json: { type: 'string' },
  },
});

/** The parts of an engine whose estimate and ensemble selection are compared. */
type EstimateEngine = Pick<typeof engine, 'servingCostMicros' | 'selectJobEnsemble' | 'buildEnsembleEnvelope'> & Partial<Pick<typeof engine, 'servingProfile'>>;

/** What a measured model is, for the summary's groups. */
type Kind = 'trial' | 'forest blend' | 'job model' | 'stored';

interface Measured {
  dataset: string;
  model: string;
  kind: Kind;
  members: number;
  estimated_us: number;
  baseline_estimated_us?: number;
  test_score?: number;
  single_wall_us: number;
  single_cpu_us: number;
  batch_wall_us_per_row: number;
  batch_cpu_us_per_row: number;
}

const memberCount = (e: AnyEnvelope) => ('members' in e ? e.members.length : 1);

/** The search's finished trials: run now (and saved with --save), or read back from --trials-from. */
async function trialsOf(split: JobSplit, name: string): Promise<FinishedTrial[]> {
  const from = values['trials-from'];
  if (from) {
    const saved = JSON.parse(readFileSync(join(from, `${name}.trials.json`), 'utf8')) as (Omit<FinishedTrial, 'oof'> & { oof: string })[];
    return saved.map((t) => ({ ...t, oof: decodeF32(t.oof) }));
  }
  const run = await runInProcessSearch(split, engine.samplerFor('auto'), Number(values.seed), { trials: Number(values.trials), seconds: Number(values.seconds) });
  console.log(`- ${name}: ${run.complete.length} trials in ${run.seconds.toFixed(0)} s (${run.failed} failed)`);
  if (values.save) {
    mkdirSync(values.save, { recursive: true });
    writeFileSync(join(values.save, `${name}.trials.json`), JSON.stringify(run.complete.map((t) => ({ ...t, oof: encodeF32(t.oof) }))));
  }
  return run.complete;
}

/** The model a job publishes from these trials under a serving cap, as `e` estimates and selects: its blend, or its best trial. */
function jobModel(e: EstimateEngine, split: JobSplit, trials: FinishedTrial[], cap: number | undefined, tag: string): { label: string; envelope: AnyEnvelope } {
  // An engine that knows the trees' shapes (servingProfile) caps the blend by its own estimate; an older one sums.
  const pool = ensembleCandidatePool(trials.map((t) => ({ ...t, cost: e.servingCostMicros(t.envelope), ...(e.servingProfile ? { serving: e.servingProfile(t.envelope) } : {}) })), 20);
  const { selection, improves } = e.selectJobEnsemble(split.ds, { target: split.meta.target, task: split.target.task, metric: split.metric, ...(cap !== undefined ? { maxCostMicros: cap } : {}) }, pool);
  const capText = `${tag}${cap === undefined ? 'default cap' : `cap ${cap}`}`;
  if (improves) {
    const families = selection.members.map((m) => trials.find((t) => t.id === m.id)?.family).join('+');
    return { label: `job blend, ${capText} (${families})`, envelope: e.buildEnsembleEnvelope(selection, (id) => trials.find((t) => t.id === id)?.envelope, split.metric) };
  }
  const best = trials.find((t) => t.id === selection.bestSingle.id) as FinishedTrial;
  return { label: `job best trial, ${capText} (${best.family})`, envelope: best.envelope };
}

/** Feature rows of the test split, numbers as numbers (as a JSON client sends them). */
function requestRows(name: string, target: string): Record<string, string | number>[] {
  return csvRows(join(values.data, `${name}.test.csv`)).map(({ [target]: _t, ...f }) =>
    Object.fromEntries(Object.entries(f).map(([k, v]) => [k, /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])),
  );
}

/** --artifacts: each stored artifact timed on the CSV's rows (only the columns it knows), in the same rounds. */
async function storedArtifacts(paths: string[], rowsCsv: string | undefined, baseline: EstimateEngine | undefined, loads: number[]): Promise<Measured[]> {
  if (!rowsCsv) throw new Error('--artifacts needs --artifact-rows CSV');
  const envelopes = paths.map((p) => JSON.parse(readFileSync(p, 'utf8')) as AnyEnvelope);
  const predictors = await Promise.all(envelopes.map((e) => engine.Predictor.load(e)));
  const known = new Set(envelopes[0].columns);
  const target = envelopes[0].target;
  const rows = csvRows(rowsCsv).map((r) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => known.has(k) && k !== target).map(([k, v]) => [k, /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])),
  );
  loads.push(loadavg()[0]);
  const timings = timePredictors(predictors, rows, { rounds: Number(values.rounds), sliceMs: Number(values['slice-ms']), batchRows: Number(values.batch) });
  loads.push(loadavg()[0]);
  predictors.forEach((p) => p.dispose());
  return envelopes.map((e, i) => ({
    dataset: 'stored',
    model: paths[i],
    kind: 'stored' as const,
    members: memberCount(e),
    estimated_us: engine.servingCostMicros(e),
    ...(baseline ? { baseline_estimated_us: baseline.servingCostMicros(e) } : {}),
    ...timings[i],
  }));
}

/** Bytes of an artifact's trees (every member's), as the estimate reads them. */
const treeBytes = (e: AnyEnvelope) => engine.forestShapes(e).reduce((n, f) => n + f.bytes, 0);

/** --forest-blends: per K, the K largest tree trials, and draws-1 more of K drawn among those of at least 0.5 MB. */
function forestBlends(trials: FinishedTrial[], sizes: number[], draws: number, seed: number): { label: string; members: FinishedTrial[] }[] {
  const forests = trials.filter((t) => treeBytes(t.envelope) > 0).sort((a, b) => treeBytes(b.envelope) - treeBytes(a.envelope));
  const large = forests.filter((t) => treeBytes(t.envelope) >= 0.5e6);
  const rng = new engine.Rng(seed);
  const blends: { label: string; members: FinishedTrial[] }[] = [];
  for (const k of sizes) {
    if (k < 2 || k > forests.length) continue;
    blends.push({ label: `${k} largest forests`, members: forests.slice(0, k) });
    for (let d = 1; d < draws && k <= large.length; d++) {
      const pool = [...large];
      const members = Array.from({ length: k }, () => pool.splice(Math.floor(rng.next() * pool.length), 1)[0]);
      blends.push({ label: `${k} forests, draw ${d}`, members });
    }
  }
  return blends;
}

/** Median and range of estimate/measured (single-row CPU) per kind of model, after and (with a baseline) before. */
function summary(out: Measured[], withBaseline: boolean) {
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    return `${mid.toFixed(2)} (${s[0].toFixed(2)}-${s[s.length - 1].toFixed(2)})`;
  };
  console.log('\nestimate/measured (single-row CPU): median (range)');
  const rows: (string | number)[][] = [];
  for (const kind of ['trial', 'forest blend', 'job model', 'stored'] as const) {
    const rs = out.filter((r) => r.kind === kind);
    if (rs.length === 0) continue;
    rows.push([kind, rs.length, ...(withBaseline ? [stats(rs.map((r) => (r.baseline_estimated_us as number) / r.single_cpu_us))] : []), stats(rs.map((r) => r.estimated_us / r.single_cpu_us))]);
  }
  console.log(formatTable(['models', 'n', ...(withBaseline ? ['before'] : []), withBaseline ? 'after' : 'estimate/measured'], rows));
}

async function main() {
  await initWasmInNode();
  const baseline = values.baseline ? ((await import(resolve(values.baseline, 'src/engine/index.ts'))) as EstimateEngine) : undefined;
  const out: Measured[] = [];
  const loads: number[] = [];
  if (values.artifacts) out.push(...(await storedArtifacts(values.artifacts.split(','), values['artifact-rows'], baseline, loads)));
  for (const name of values.datasets.split(',').filter(Boolean)) {
    const split = loadJobSplit(values.data, name);
    const trials = await trialsOf(split, name);
    const models: { label: string; envelope: AnyEnvelope; kind: Kind }[] = [];
    for (const family of new Set(trials.map((t) => t.family))) {
      const first = trials.find((t) => t.family === family) as FinishedTrial;
      models.push({ label: `${family} default${memberCount(first.envelope) > 1 ? ' (bag)' : ''}`, envelope: first.envelope, kind: 'trial' });
    }
    const blends = forestBlends(trials, values['forest-blends'].split(',').filter(Boolean).map(Number), Number(values['forest-draws']), Number(values.seed));
    for (const t of new Set(blends.flatMap((b) => b.members))) {
      if (!models.some((m) => m.envelope === t.envelope)) models.push({ label: `${t.id} ${t.family} (${(treeBytes(t.envelope) / 1e6).toFixed(1)} MB)`, envelope: t.envelope, kind: 'trial' });
    }
    for (const b of blends) {
      const label = `${b.label} (${b.members.map((t) => t.family).join('+')}, ${(b.members.reduce((n, t) => n + treeBytes(t.envelope), 0) / 1e6).toFixed(1)} MB)`;
      const members = b.members.map((t) => ({ id: t.id, index: 0, count: 1, weight: 1 / b.members.length }));
      models.push({ label, envelope: engine.buildEnsembleEnvelope({ members } as never, (id) => trials.find((t) => t.id === id)?.envelope), kind: 'forest blend' });
    }
    for (const cap of [undefined, ...values.caps.split(',').filter(Boolean).map(Number)]) {
      if (baseline) models.push({ ...jobModel(baseline, split, trials, cap, 'before: '), kind: 'job model' });
      models.push({ ...jobModel(engine, split, trials, cap, baseline ? 'after: ' : ''), kind: 'job model' });
    }
    const predictors = await Promise.all(models.map((m) => engine.Predictor.load(JSON.parse(JSON.stringify(m.envelope)))));
    loads.push(loadavg()[0]);
    const timings = timePredictors(predictors, requestRows(name, split.meta.target), { rounds: Number(values.rounds), sliceMs: Number(values['slice-ms']), batchRows: Number(values.batch) });
    loads.push(loadavg()[0]);
    predictors.forEach((p) => p.dispose());
    for (const [i, m] of models.entries()) {
      out.push({
        dataset: name,
        model: m.label,
        kind: m.kind,
        members: memberCount(m.envelope),
        estimated_us: engine.servingCostMicros(m.envelope),
        ...(baseline ? { baseline_estimated_us: baseline.servingCostMicros(m.envelope) } : {}),
        ...(m.kind === 'job model' ? { test_score: await split.testScore(m.envelope) } : {}),
        ...timings[i],
      });
    }
  }
  const f1 = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(1));
  console.log(`\nserving estimate vs measured in process (Predictor.predictRows), µs per row; medians of ${values.rounds} interleaved rounds; batch of ${values.batch} rows; load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
  console.log(
    formatTable(
      ['dataset', 'model', 'members', ...(baseline ? ['estimate before'] : []), 'estimate', 'single wall', 'single cpu', ...(baseline ? ['cpu/before'] : []), 'cpu/estimate', 'batch wall', 'batch cpu', 'batch cpu/estimate', 'test score'],
      out.map((r) => [
        r.dataset,
        r.model,
        r.members,
        ...(baseline ? [f1(r.baseline_estimated_us)] : []),
        f1(r.estimated_us),
        f1(r.single_wall_us),
        f1(r.single_cpu_us),
        ...(baseline ? [(r.single_cpu_us / (r.baseline_estimated_us as number)).toFixed(2)] : []),
        (r.single_cpu_us / r.estimated_us).toFixed(2),
        f1(r.batch_wall_us_per_row),
        f1(r.batch_cpu_us_per_row),
        (r.batch_cpu_us_per_row / r.estimated_us).toFixed(2),
        r.test_score === undefined ? '-' : r.test_score.toFixed(4),
      ]),
    ),
  );
  console.log("ratios use CPU time (on a shared machine, wall time adds the waits for a core); test score: the dataset's primary metric on its test split");
  summary(out, baseline !== undefined);
  if (values.json) writeFileSync(values.json, JSON.stringify(out, null, 2));
}

await main();

/**
 * `npm run bench:search-order -- [--datasets credit_g,pima_diabetes] [--parallelism 2,4] [--seconds 60] [--seed 1] [--strategy auto] [--json OUT]`
 * What the reproducible order of proposals (durable/search-order: trial k waits for the trials whose
 * results it sees) costs a time-budgeted job: trials completed within --seconds, with and without it.
 *
 * Each job runs in process with the coordinator's own launch step (trial-launch, over a journal state
 * as the coordinator keeps it) and --parallelism virtual slots on a virtual clock: a launched trial runs
 * at once, for real (runTrial, as the trial consumer runs it), and its CPU time is how long it holds
 * its slot; its result reaches the coordinator when that time has passed on the virtual clock, the
 * trial ending first reporting first. So the slots run in parallel as queue invocations do, whatever
 * the cores of this machine, and the figures do not move with its load. Nothing is launched after the
 * budget; a trial still running then may report within the grace period, as in the coordinator.
 *
 * Per job: trials completed, slot use (busy slot-seconds over parallelism × the job's duration), and
 * the best out-of-fold score found (the metric's direction), the last a reading only: the two orders
 * search differently from the first result on, so their trials differ in cost too. `--strategy random`
 * proposes without looking at results: both orders then run the very same trials, and the difference
 * in trials completed is the wait alone.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CoordinatorHost } from '../src/durable/coordinator-host';
import { applyOp, emptyState, type JobState, type JournalOp } from '../src/durable/job-journal';
import type { JobConfig, TrialReport } from '../src/durable/protocol';
import { launchTrials, screenedSampler } from '../src/durable/trial-launch';
import { GRACE_MS } from '../src/durable/trial-leases';
import { MODEL_FAMILIES, seedFrom } from '../src/engine';
import { METRICS } from '../src/engine/eval/metrics';
import type { ModelFamily } from '../src/engine/models/model';
import { runTrial } from '../src/engine/run-trial';
import { detachedJobConfig } from '../test/fixtures/job-config';
import { type JobSplit, loadJobSplit } from './lib/job-split';
import { formatTable } from './lib/tables';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data') },
    datasets: { type: 'string', default: 'credit_g,pima_diabetes' },
    parallelism: { type: 'string', default: '2,4' },
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string', default: '1' },
    strategy: { type: 'string', default: 'auto' },
    json: { type: 'string' },
  },
});

interface JobRun {
  readonly dataset: string;
  readonly parallelism: number;
  readonly reproducible: boolean;
  readonly completed: number;
  readonly slotUse: number;
  readonly bestCv: number;
  readonly realSeconds: number;
  /** Trials completed per family. */
  readonly families: Record<string, number>;
}

/** One time-budgeted job on the virtual clock (see the module comment). */
async function runJob(name: string, split: JobSplit, parallelism: number, reproducible: boolean, seconds: number, seed: number): Promise<JobRun> {
  const greater = METRICS[split.metric].greaterIsBetter;
  const config: JobConfig = detachedJobConfig(`bench-${name}`, {
    dataset: { name, version: 1, key: 'in-process', rows: split.shape.rows, cols: split.shape.cols },
    target: split.meta.target,
    task: split.target.task,
    classes: split.target.classes,
    metric: split.metric,
    greater_is_better: greater,
    budget: { seconds },
    families: MODEL_FAMILIES,
    strategy: values.strategy as JobConfig['strategy'],
    seed,
    parallelism,
    folds: split.folds,
    created_at: 0,
    ...(reproducible ? { reproducible: true } : {}),
  });
  const state: JobState = emptyState();
  applyOp(state, { op: 'created', config });
  // The launch step reads the state and appends to it; it never reaches the bindings or the rest of the host.
  const host = { state, append: (op: JournalOp) => void applyOp(state, op) } as unknown as CoordinatorHost;
  const sampler = screenedSampler(config);
  const deadline = seconds * 1000;
  const inFlight: { id: string; start: number; end: number; report: TrialReport }[] = [];
  const started = Date.now();
  let now = 0;
  let busy = 0;
  for (;;) {
    if (now < deadline) {
      // No deadline for the launch step: the loop stops launching at the simulated budget's end itself.
      for (const { trial_id: id } of launchTrials(host, config, sampler, Number.POSITIVE_INFINITY, now, Number.POSITIVE_INFINITY).messages) {
        const t = state.trials.get(id)!;
        const cpu = process.cpuUsage();
        const outcome = await runTrial(split.ds, { family: t.family as ModelFamily, params: t.params, target: split.meta.target, task: split.target.task, metric: split.metric, seed: seedFrom(seed, id), folds: split.folds, trainFraction: t.fidelity ?? 1, bag: true });
        const used = process.cpuUsage(cpu);
        const report: TrialReport = outcome.status === 'complete' ? { status: 'complete', score: outcome.score, loss: outcome.loss, fold_scores: outcome.foldScores, fit_info: outcome.fitInfo, artifact_key: '' } : { status: 'failed', code: outcome.code, reason: outcome.reason };
        inFlight.push({ id, start: now, end: now + (used.user + used.system) / 1000, report });
      }
    }
    inFlight.sort((a, b) => a.end - b.end || a.id.localeCompare(b.id));
    const next = inFlight.shift();
    // Past the grace period the coordinator cancels whatever still runs.
    if (!next || next.end > deadline + GRACE_MS) {
      for (const t of [next, ...inFlight]) if (t) busy += Math.min(t.end, Math.max(now, deadline)) - t.start;
      now = Math.max(now, next ? deadline + GRACE_MS : now);
      break;
    }
    now = next.end;
    busy += next.end - next.start;
    applyOp(state, { op: 'trial_finished', trial_id: next.id, report: next.report, at: now });
  }
  const complete = state.order.filter((t) => t.state === 'complete' && t.report?.status === 'complete');
  const best = Math.min(...complete.map((t) => (t.report as { loss: number }).loss));
  const families: Record<string, number> = {};
  for (const t of complete) families[t.family] = (families[t.family] ?? 0) + 1;
  return {
    dataset: name,
    parallelism,
    reproducible,
    completed: state.order.filter((t) => t.state === 'complete' || t.state === 'failed').length,
    slotUse: busy / (parallelism * Math.max(now, 1)),
    bestCv: greater ? -best : best,
    realSeconds: (Date.now() - started) / 1000,
    families,
  };
}

async function main(): Promise<void> {
  await initWasmInNode();
  const seconds = Number(values.seconds);
  const seed = Number(values.seed);
  const runs: JobRun[] = [];
  for (const name of values.datasets.split(',')) {
    const split = loadJobSplit(values.data, name);
    for (const parallelism of values.parallelism.split(',').map(Number)) {
      for (const reproducible of [false, true]) {
        const run = await runJob(name, split, parallelism, reproducible, seconds, seed);
        console.error(`${name} parallelism ${parallelism} ${reproducible ? 'reproducible' : 'free order'}: ${run.completed} trials, slots ${(100 * run.slotUse).toFixed(0)}% busy, best cv ${run.bestCv.toFixed(4)} (${run.realSeconds.toFixed(0)} s) ${JSON.stringify(run.families)}`);
        runs.push(run);
      }
    }
  }
  const rows = [];
  for (const free of runs.filter((r) => !r.reproducible)) {
    const ordered = runs.find((r) => r.reproducible && r.dataset === free.dataset && r.parallelism === free.parallelism)!;
    rows.push([free.dataset, String(free.parallelism), String(free.completed), String(ordered.completed), `${((100 * ordered.completed) / free.completed).toFixed(0)}%`, `${(100 * free.slotUse).toFixed(0)}% / ${(100 * ordered.slotUse).toFixed(0)}%`, `${free.bestCv.toFixed(4)} / ${ordered.bestCv.toFixed(4)}`]);
  }
  console.log(`${seconds}-s jobs, seed ${seed}, strategy ${values.strategy}, every table family, virtual parallel slots (trial CPU time)\n`);
  console.log(formatTable(['dataset', 'parallelism', 'trials, free order', 'trials, reproducible', 'ratio', 'slots busy (free / reproducible)', 'best cv (free / reproducible)'], rows));
  if (values.json) writeFileSync(values.json, JSON.stringify(runs, null, 2));
}

await main();

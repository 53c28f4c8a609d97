/**
 * @module engine/ensemble/greedy-selection
 * Greedy ensemble selection with replacement (Caruana et al., 2004) over the out-of-fold predictions of
 * finished trials. Each round adds the candidate whose inclusion gives the best averaged out-of-fold
 * score; a candidate may be added again, so integer counts become weights. The run keeps going for all
 * rounds (an early dip is often followed by a better mix) and returns the best prefix of its picks.
 * Owns only the arithmetic on OOF matrices: building the artifact is ./build-envelope.
 */
import { EngineError } from '../core/errors';
import { outputWidth, type Task } from '../core/task';
import { fromLoss, METRICS, type MetricName, toLoss } from '../eval/metrics';

/** One finished trial offered to the ensemble. */
export interface EnsembleCandidate {
  /** A stable identifier (a trial id); reported back with the chosen members. */
  readonly id: string;
  /**
   * Out-of-fold outputs, rows * outputWidth in target-row order (as runTrial returns them). Every row
   * must hold a genuine out-of-fold prediction: a holdout trial's partial OOF is not a valid candidate
   * (a job's trials sharing one holdout are given its rows alone: select-for-job onScoredRows).
   */
  readonly oof: Float32Array;
  /** Predicted serving cost of this model (e.g. µs per row); counted once however often it is picked. */
  readonly cost?: number;
}

/** The truth the candidates are scored against. */
export interface EnsembleTarget {
  readonly y: Float32Array;
  readonly task: Task;
  /** Number of classes (ignored for regression). */
  readonly nClasses: number;
  /** Binary only: the index of the class a per-class metric (f1) speaks for (eval/positive-class); default 1. */
  readonly positive?: number;
}

export interface GreedySelectionOptions {
  /** Total picks, sorted initialisation included. */
  readonly rounds: number;
  /** Sorted initialisation: start from the best N candidates (one pick each), 0..5. 0 starts empty. */
  readonly initSize: number;
  /** Cap on distinct members; once reached, only members already chosen can be picked again. */
  readonly maxMembers: number;
  /** Cap on the cost of the distinct members (inclusive): their summed cost, or `setCost` of them. */
  readonly maxCost: number;
  /**
   * The cost of a set of distinct members (candidate indices), where it is not the sum of theirs: a
   * blend's serving estimate counts what its members' trees add to each other (serialize/serving-cache).
   * It must not fall when a member is added. Absent: the sum of the candidates' `cost`.
   */
  readonly setCost?: (members: readonly number[]) => number;
}

/** Defaults: 25 rounds without sorted initialisation and without caps (AutoGluon's and auto-sklearn's choice). */
export const GREEDY_SELECTION_DEFAULTS: GreedySelectionOptions = Object.freeze({
  rounds: 25,
  initSize: 0,
  maxMembers: Number.POSITIVE_INFINITY,
  maxCost: Number.POSITIVE_INFINITY,
});

/** Fills in defaults and refuses options the selection cannot honour. */
export function resolveGreedyOptions(options: Partial<GreedySelectionOptions> = {}): GreedySelectionOptions {
  const o = { ...GREEDY_SELECTION_DEFAULTS, ...options };
  const bad = (field: string, why: string) => new EngineError('invalid_params', `ensemble option ${field} ${why}`, { field });
  if (!Number.isInteger(o.rounds) || o.rounds < 1 || o.rounds > 1000) throw bad('rounds', 'must be an integer in 1..1000');
  if (!Number.isInteger(o.initSize) || o.initSize < 0 || o.initSize > 5) throw bad('initSize', 'must be an integer in 0..5');
  if (o.initSize > o.rounds) throw bad('initSize', 'cannot exceed rounds');
  if (!(o.maxMembers >= 1) || (Number.isFinite(o.maxMembers) && !Number.isInteger(o.maxMembers))) throw bad('maxMembers', 'must be an integer ≥ 1');
  if (!(o.maxCost >= 0)) throw bad('maxCost', 'must be ≥ 0');
  return Object.freeze(o);
}

/** A chosen member: how often it was picked and its share of the average. */
export interface SelectedMember {
  readonly id: string;
  /** Position in the candidate list. */
  readonly index: number;
  readonly count: number;
  /** count / total picks. */
  readonly weight: number;
}

export interface EnsembleSelection {
  /** Chosen members, heaviest first (ties by candidate order). */
  readonly members: readonly SelectedMember[];
  /** The ensemble's out-of-fold score, in the metric's own direction. */
  readonly score: number;
  /** The same score as a loss (lower is better). */
  readonly loss: number;
  /** Score after each pick of the full run (trajectory[t] = ensemble of the first t+1 picks). */
  readonly trajectory: readonly number[];
  /** Candidate index of every pick of the full run, in order. */
  readonly picks: readonly number[];
  /** Picks in the returned ensemble: the length of the best prefix of `picks` (1 when the best single model is returned instead). */
  readonly size: number;
  /** Cost of the distinct members (summed, or `setCost` of them). */
  readonly cost: number;
  /** The best eligible single candidate, for comparison. */
  readonly bestSingle: { readonly id: string; readonly index: number; readonly score: number };
}

/**
 * Runs greedy selection with replacement. Deterministic: no randomness, ties go to the earlier candidate
 * (and the earlier, smaller prefix). Each round costs O(candidates × rows × width) plus one metric
 * evaluation per candidate, thanks to a running sum of the picks so far.
 *
 * The returned ensemble is never worse on OOF than the best eligible single candidate: without sorted
 * initialisation the first pick is that candidate; with it, the best single model is returned instead
 * when the whole trajectory stays worse than it.
 *
 * @throws EngineError('invalid_params') on a metric that does not fit the task, misshapen OOF matrices,
 *   or when no candidate has a finite score within the cost cap.
 */
export function greedyEnsembleSelection(
  target: EnsembleTarget,
  metric: MetricName,
  candidates: readonly EnsembleCandidate[],
  options: Partial<GreedySelectionOptions> = {},
): EnsembleSelection {
  const opts = resolveGreedyOptions(options);
  const spec = METRICS[metric];
  if (!spec.tasks.includes(target.task)) throw new EngineError('invalid_params', `metric "${metric}" does not apply to a ${target.task} task`, { field: 'metric' });
  const width = outputWidth(target.task, target.nClasses);
  const size = target.y.length * width;
  candidates.forEach((c, i) => {
    if (c.oof.length !== size) {
      throw new EngineError('invalid_params', `candidate ${i} ("${c.id}") has ${c.oof.length} OOF values, expected ${target.y.length} rows × ${width}`, { candidate: c.id });
    }
  });
  const cost = (i: number) => candidates[i].cost ?? 0;
  const setCost = opts.setCost ?? ((members: readonly number[]) => members.reduce((n, i) => n + cost(i), 0));
  const lossOf = (output: Float32Array) => {
    const score = spec.score(target.y, output, target.nClasses, undefined, target.positive);
    // A NaN score (e.g. AUC of a constant prediction) must never win a comparison.
    return Number.isFinite(score) ? toLoss(metric, score) : Number.POSITIVE_INFINITY;
  };

  // Candidates too costly on their own, or unscorable, can never join.
  const singleLoss = candidates.map((c, i) => (setCost([i]) <= opts.maxCost ? lossOf(c.oof) : Number.POSITIVE_INFINITY));
  const eligible = candidates.map((_, i) => Number.isFinite(singleLoss[i]));
  let best = -1;
  for (let i = 0; i < candidates.length; i++) if (eligible[i] && (best < 0 || singleLoss[i] < singleLoss[best])) best = i;
  if (best < 0) throw new EngineError('invalid_params', 'no ensemble candidate has a finite out-of-fold score within the cost cap');

  const sum = new Float64Array(size);
  const blend = new Float32Array(size);
  const counts = new Int32Array(candidates.length);
  const picks: number[] = [];
  const losses: number[] = [];
  const distinct: number[] = [];
  // Whether a new member fits the cost cap beside the current ones; recomputed only when they change.
  let fitsBeside = new Map<number, boolean>();
  const fits = (i: number) => {
    let f = fitsBeside.get(i);
    if (f === undefined) fitsBeside.set(i, (f = setCost([...distinct, i]) <= opts.maxCost));
    return f;
  };
  /** Whether candidate i may be picked now without breaking the size or cost cap. */
  const allowed = (i: number) => eligible[i] && (counts[i] > 0 || (distinct.length + 1 <= opts.maxMembers && fits(i)));
  const add = (i: number, loss: number) => {
    if (counts[i] === 0) {
      distinct.push(i);
      fitsBeside = new Map();
    }
    counts[i]++;
    const oof = candidates[i].oof;
    for (let j = 0; j < size; j++) sum[j] += oof[j];
    picks.push(i);
    losses.push(loss);
  };
  /** Loss of the current picks plus candidate i, averaged (written into the shared blend buffer). */
  const lossWith = (i: number) => {
    const oof = candidates[i].oof;
    const n = picks.length + 1;
    for (let j = 0; j < size; j++) blend[j] = (sum[j] + oof[j]) / n;
    return lossOf(blend);
  };

  // Sorted initialisation: the best N singles that fit the caps, each once (stable sort keeps candidate order on ties).
  const bySingle = candidates.map((_, i) => i).filter((i) => eligible[i]).sort((a, b) => singleLoss[a] - singleLoss[b] || a - b);
  for (const i of bySingle) {
    if (picks.length >= opts.initSize) break;
    if (allowed(i)) add(i, lossWith(i));
  }
  const initPicks = picks.length;

  while (picks.length < opts.rounds) {
    let pick = -1;
    let pickLoss = Number.POSITIVE_INFINITY;
    for (let i = 0; i < candidates.length; i++) {
      if (!allowed(i)) continue;
      const loss = lossWith(i);
      if (pick < 0 || loss < pickLoss) {
        pick = i;
        pickLoss = loss;
      }
    }
    if (pick < 0) break;
    add(pick, pickLoss);
  }

  // The best prefix, at least as long as the initialisation; the earliest wins ties (fewer picks, same score).
  let prefix = Math.max(1, initPicks);
  for (let t = prefix; t < losses.length; t++) if (losses[t] < losses[prefix - 1]) prefix = t + 1;
  let chosen = picks.slice(0, prefix);
  let loss = losses[prefix - 1];
  if (singleLoss[best] < loss) {
    chosen = [best];
    loss = singleLoss[best];
  }

  const chosenCounts = new Map<number, number>();
  for (const i of chosen) chosenCounts.set(i, (chosenCounts.get(i) ?? 0) + 1);
  const members = [...chosenCounts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([index, count]) => ({ id: candidates[index].id, index, count, weight: count / chosen.length }));
  const toScore = (l: number) => fromLoss(metric, l);
  return {
    members,
    score: toScore(loss),
    loss,
    trajectory: losses.map(toScore),
    picks,
    size: chosen.length,
    cost: setCost(members.map((m) => m.index)),
    bestSingle: { id: candidates[best].id, index: best, score: toScore(singleLoss[best]) },
  };
}

/**
 * The reference scores of ../shared/data/REFERENCE.md, read from its markdown tables, and a bench result's
 * standing against them: the best scikit-learn default learner of its dataset (HGB, RF, Lin, XGB and, where
 * given, MLP), the tuned search (Tuned), and for a time series the best of its baselines. Issue 4's bar is
 * "better than the best default on at least 80% of datasets, never worse than Tuned beyond split noise";
 * computing it here keeps the count out of hand arithmetic. The split noise, when the bench measured it
 * (lib/split-noise), is the 95% bootstrap half-width of our own score; a gap to Tuned is called within the
 * noise when it is no larger. That half-width is of our score alone (Tuned's predictions are not at hand),
 * not of the difference, which is smaller when the two models' errors on the split are strongly correlated,
 * as they usually are: it says which gaps are plausibly chance, not which are surely real.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTable } from './tables';

/** One dataset's scores in one metric: by learner (or baseline) name. */
export interface ReferenceEntry {
  readonly dataset: string;
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  /** "learners": scikit-learn learners with a Tuned column; "baselines": a time series' forecast baselines. */
  readonly kind: 'learners' | 'baselines';
  readonly scores: Readonly<Record<string, number>>;
}

/** Entries keyed by `dataset/metric`. */
export type ReferenceScores = ReadonlyMap<string, ReferenceEntry>;

/** Columns of a learner table that are not default learners. */
const NOT_DEFAULTS = new Set(['Tuned']);
const LEARNER_SECTION = /^##\s+(binary|multiclass|regression):\s+test\s+(\w+)\s+\((higher|lower) is better\)/i;
const SERIES_SECTION = /^##\s+time series:\s+(\w+)/i;

const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

/**
 * Parses REFERENCE.md. Learner sections ("## binary: test roc_auc (higher is better)") have a row per
 * dataset and a column per learner; a time-series section ("## Time series: NAME") has a row per baseline
 * and a column per metric, all lower-is-better errors. Cells that are not numbers ("–") are left out.
 * @throws Error naming the line when a table row has a different number of cells than its header
 */
export function parseReferenceScores(markdown: string): ReferenceScores {
  const out = new Map<string, ReferenceEntry>();
  let section: { kind: 'learners'; metric: string; greaterIsBetter: boolean } | { kind: 'baselines'; dataset: string } | null = null;
  let header: string[] | null = null;
  const lines = markdown.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.startsWith('#')) {
      const learners = LEARNER_SECTION.exec(line);
      const series = SERIES_SECTION.exec(line);
      section = learners ? { kind: 'learners', metric: learners[2], greaterIsBetter: learners[3].toLowerCase() === 'higher' } : series ? { kind: 'baselines', dataset: series[1] } : null;
      header = null;
      return;
    }
    if (!section || !line.trim().startsWith('|')) return;
    const cells = cellsOf(line);
    if (!header) {
      header = cells;
      return;
    }
    if (cells.every((c) => /^:?-+:?$/.test(c))) return;
    if (cells.length !== header.length) throw new Error(`REFERENCE.md line ${i + 1}: ${cells.length} cells under a header of ${header.length}`);
    if (section.kind === 'learners') {
      const scores: Record<string, number> = {};
      header.forEach((name, j) => {
        const value = Number(cells[j]);
        if (j >= 2 && cells[j] !== '' && Number.isFinite(value)) scores[name] = value;
      });
      out.set(`${cells[0]}/${section.metric}`, { dataset: cells[0], metric: section.metric, greaterIsBetter: section.greaterIsBetter, kind: 'learners', scores });
    } else {
      const { dataset } = section;
      header.forEach((metric, j) => {
        const value = Number(cells[j]);
        if (j === 0 || cells[j] === '' || !Number.isFinite(value)) return;
        const key = `${dataset}/${metric}`;
        const entry = out.get(key);
        const scores = { ...(entry?.scores ?? {}), [cells[0]]: value };
        out.set(key, { dataset, metric, greaterIsBetter: false, kind: 'baselines', scores });
      });
    }
  });
  return out;
}

/** A bench result's standing against its dataset's references. */
export interface Standing {
  readonly dataset: string;
  readonly metric: string;
  readonly score: number;
  readonly kind: 'learners' | 'baselines';
  /** The best default learner (or best baseline) and its score. */
  readonly best: { readonly name: string; readonly score: number };
  /** Strictly better than `best` (a tie is not a win). */
  readonly beatsBest: boolean;
  /** The tuned search's score, for learner tables. */
  readonly tuned: number | null;
  /** How much worse than Tuned, as a fraction of Tuned's score (negative: better); null without Tuned. */
  readonly worseThanTuned: number | null;
  /** The score's split noise (95% bootstrap half-width, in the metric's units), when measured. */
  readonly noise: number | null;
  /** Worse than Tuned by more than `noise`; null without Tuned or a measured noise. */
  readonly beyondNoise: boolean | null;
}

/** The standing of one result, or null when REFERENCE.md has no scores for its dataset and metric. */
export function standingOf(ref: ReferenceScores, result: { dataset: string; metric: string; score: number; noise?: number }): Standing | null {
  const entry = ref.get(`${result.dataset}/${result.metric}`);
  if (!entry) return null;
  const sign = entry.greaterIsBetter ? 1 : -1;
  const candidates = Object.entries(entry.scores).filter(([name]) => !NOT_DEFAULTS.has(name));
  if (candidates.length === 0) return null;
  const [name, score] = candidates.reduce((a, b) => (sign * b[1] > sign * a[1] ? b : a));
  const tuned = entry.scores.Tuned ?? null;
  const noise = result.noise ?? null;
  const gap = tuned === null ? null : sign * (tuned - result.score);
  return {
    dataset: result.dataset,
    metric: result.metric,
    score: result.score,
    kind: entry.kind,
    best: { name, score },
    beatsBest: sign * result.score > sign * score,
    tuned,
    worseThanTuned: tuned === null || tuned === 0 ? null : (sign * (tuned - result.score)) / Math.abs(tuned),
    noise,
    beyondNoise: gap === null || noise === null ? null : gap > noise,
  };
}

/** "better than the best default on X of N (P%)" over learner tables, with the losses named. */
export function standingSummary(standings: readonly Standing[]): { wins: number; count: number; losses: string[]; line: string } {
  const tables = standings.filter((s) => s.kind === 'learners');
  const wins = tables.filter((s) => s.beatsBest).length;
  const losses = tables.filter((s) => !s.beatsBest).map((s) => `${s.dataset} ${fmt(s.score)} vs ${s.best.name} ${fmt(s.best.score)}`);
  const pct = tables.length === 0 ? 0 : (100 * wins) / tables.length;
  const measured = tables.filter((s) => s.beyondNoise !== null);
  const beyond = measured.filter((s) => s.beyondNoise).map((s) => s.dataset);
  const noiseLine = measured.length === 0 ? '' : `\nworse than Tuned beyond the split noise on ${beyond.length} of ${measured.length}${beyond.length ? ` (${beyond.join(', ')})` : ''}`;
  const line = `better than the best scikit-learn default on ${wins} of ${tables.length} datasets (${pct.toFixed(0)}%; the bar is 80%)${losses.length ? `; not on ${losses.join(', ')}` : ''}${noiseLine}`;
  return { wins, count: tables.length, losses, line };
}

/** Four significant digits: scores run from 0.0106 to 24,800. */
export const fmt = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(4));

/** The standings as a plain-text table: ours, the best default, Tuned, and the verdicts. */
export function standingTable(standings: readonly Standing[]): string {
  return formatTable(
    ['dataset', 'metric', 'ours', '± 95%', 'best default', 'beats it', 'Tuned', 'vs Tuned'],
    standings.map((s) => [
      s.dataset,
      s.metric,
      fmt(s.score),
      s.noise === null ? '-' : fmt(s.noise),
      `${fmt(s.best.score)} (${s.best.name})`,
      s.beatsBest ? 'yes' : 'no',
      s.tuned === null ? '-' : fmt(s.tuned),
      s.worseThanTuned === null ? '-' : `${s.worseThanTuned > 0 ? 'worse' : 'better'} ${(100 * Math.abs(s.worseThanTuned)).toFixed(1)}%${s.worseThanTuned > 0 && s.beyondNoise !== null ? (s.beyondNoise ? ', beyond the noise' : ', within the noise') : ''}`,
    ]),
  );
}

/** Reads DIR/REFERENCE.md, or null when the directory has none. */
export function readReferenceScores(dir: string): ReferenceScores | null {
  const path = join(dir, 'REFERENCE.md');
  return existsSync(path) ? parseReferenceScores(readFileSync(path, 'utf8')) : null;
}

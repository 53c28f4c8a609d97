/**
 * @module engine/predictor
 * Serving: a loaded artifact (one model, or an ensemble of models) that turns JSON rows into labels,
 * probabilities or values. Loading does all the work that can be done once (pipeline rebuild, model
 * load), so each request only encodes its rows and runs the models. An ensemble predicts the weighted
 * average of its members' raw outputs (probabilities or values), or for a log-linear pool the pool of its
 * groups' averages (ensemble/log-linear-pool), then labels them exactly like one model.
 * It also explains rows (per-column contributions, see explain/explanation), building its explainer on
 * the first request so that serving predictions never pays for it.
 */
import { EngineError } from './core/errors';
import { outputWidth, type Task } from './core/task';
import type { Dataset } from './data/dataset';
import { logLinearPool } from './ensemble/log-linear-pool';
import type { ExplanationShape } from './explain/explain-cost';
import { RowExplainer } from './explain/explain-rows';
import { type ExplainResult, explainUnavailable } from './explain/explanation';
import { type FeaturePipeline, type InputColumn, loadPipeline } from './features/pipeline';
import type { CsvColumns } from './data/csv-columns';
import { cellsToDataset } from './features/cells-to-dataset';
import { rowsToDataset, rowsWithColumnsToDataset } from './features/rows-to-dataset';
import { type UnseenCategory, unseenCategories } from './features/unseen-categories';
import { type AbsentColumn, absentInHeader, absentInRows } from './features/absent-columns';
import type { FittedModel } from './models/model';
import { getModelSpec } from './models/registry';
import { type AnyEnvelope, ENSEMBLE_FORMAT, type EnsembleEnvelope, type EnsembleMember, memberShares, type ModelEnvelope, parseAnyEnvelope } from './serialize/envelope';

export interface PredictionResult {
  readonly predictions: (string | number)[];
  readonly probabilities?: Record<string, number>[];
  /** Category cells the model never saw, read as missing (features/unseen-categories); absent when none. */
  readonly unseen?: UnseenCategory[];
  readonly unseen_total?: number;
  /** Columns the model reads that rows of the request did not send, read as missing (features/absent-columns); absent when none. */
  readonly absent_columns?: AbsentColumn[];
  readonly absent_columns_total?: number;
}

/** A loaded member: its normalised weight, pipeline and model, and which decoded input set it reads. */
interface LoadedMember {
  /** Share of the average: of the whole ensemble, or in a log-linear pool of its group. */
  readonly weight: number;
  /** Its group in a log-linear pool (0 in an average). */
  readonly group: number;
  readonly pipeline: FeaturePipeline;
  readonly model: FittedModel;
  /** Index into the predictor's input sets: members with identical input schemas share one decoded dataset per request. */
  readonly inputSet: number;
}

export class Predictor {
  /** Built on the first explainRows call; most predictors never explain. */
  private rowExplainer: RowExplainer | undefined;
  /** readColumns, built on the first request. */
  private read: readonly string[] | undefined;

  private constructor(
    /**
     * The model envelope. For an ensemble this is a view for describing the model, not for predicting:
     * the primary (first, heaviest) member's envelope with the ensemble's metric and columns. Its
     * `pipeline` therefore lists the primary member's input columns and `model` is that member's.
     * The full artifact is in `artifact`.
     */
    readonly envelope: ModelEnvelope,
    /** The artifact as loaded: a model envelope or an ensemble envelope. */
    readonly artifact: AnyEnvelope,
    private readonly members: readonly LoadedMember[],
    private readonly inputSets: readonly (readonly InputColumn[])[],
    private readonly known: ReadonlySet<string>,
    /** A log-linear pool's group exponents; undefined for one model or an average. */
    private readonly pool: readonly number[] | undefined,
  ) {}

  /** Loads a model or ensemble artifact (parsed JSON); throws EngineError('bad_artifact') on unknown formats or versions. */
  static async load(json: unknown): Promise<Predictor> {
    const artifact = parseAnyEnvelope(json);
    const parts = artifact.format === ENSEMBLE_FORMAT ? artifact.members : [{ weight: 1, envelope: artifact }];
    const pool = artifact.format === ENSEMBLE_FORMAT && artifact.combine === 'log_linear' ? artifact.groups : undefined;
    // Renormalised (per group in a pool) so averages stay averages even if stored weights drift from summing to exactly 1.
    const shares = artifact.format === ENSEMBLE_FORMAT ? memberShares(artifact) : [1];
    const inputSets: (readonly InputColumn[])[] = [];
    const inputKeys: string[] = [];
    const members: LoadedMember[] = [];
    try {
      for (const [i, part] of parts.entries()) {
        const key = JSON.stringify(part.envelope.pipeline.inputs);
        let inputSet = inputKeys.indexOf(key);
        if (inputSet < 0) {
          inputSet = inputKeys.push(key) - 1;
          inputSets.push(part.envelope.pipeline.inputs);
        }
        const pipeline = loadPipeline(part.envelope.pipeline);
        const model = await getModelSpec(part.envelope.model.family).load(part.envelope.model);
        members.push({ weight: shares[i], group: pool ? (part as EnsembleMember).group ?? 0 : 0, pipeline, model, inputSet });
      }
    } catch (err) {
      // Free what was loaded (tfjs tensors) before giving up on a broken ensemble.
      for (const m of members) m.model.dispose();
      throw err;
    }
    const envelope = artifact.format === ENSEMBLE_FORMAT ? ensembleView(artifact) : artifact;
    return new Predictor(envelope, artifact, members, inputSets, new Set(artifact.columns), pool);
  }

  get task(): Task {
    return this.artifact.task;
  }

  /** Raw outputs (rows * outputWidth) for rows: one model's, or the ensemble's weighted average. */
  predictRaw(rows: readonly unknown[]): Float32Array {
    return this.rawOutputs(this.decode(rows));
  }

  /**
   * Predictions for a CSV batch read into columns: the same answer, bit for bit, and the same errors as
   * predictRows on the row objects the CSV route builds (engine/features/cells-to-dataset), without
   * building them.
   */
  /** The first of a file's column names the training data did not have (an unknown column), or undefined. */
  unknownColumn(header: readonly string[]): string | undefined {
    return header.find((name) => !this.known.has(name));
  }

  predictTable(table: CsvColumns): PredictionResult {
    if (table.rows === 0) throw new EngineError('invalid_input', 'rows must hold at least one row', { field: 'rows' });
    const datasets = this.inputSets.map((inputs) => cellsToDataset(inputs, this.known, table));
    const unseen = unseenCategories(datasets, (row, column) => table.columns[table.header.indexOf(column)]?.[row] ?? '');
    const absent = absentInHeader(this.readColumns, table.header, table.rows);
    return { ...this.labelled(this.rawOutputs(datasets), table.rows), ...unseen, ...absent };
  }

  private rawOutputs(datasets: readonly Dataset[]): Float32Array {
    if (this.pool) return this.pooledOutputs(datasets, this.pool);
    if (this.members.length === 1) {
      // One model: its output as-is, bit for bit (no averaging arithmetic).
      const m = this.members[0];
      return m.model.predict(m.pipeline.transform(datasets[m.inputSet]));
    }
    let sum: Float64Array | undefined;
    for (const m of this.members) {
      const out = m.model.predict(m.pipeline.transform(datasets[m.inputSet]));
      sum ??= new Float64Array(out.length);
      if (out.length !== sum.length) throw new EngineError('bad_artifact', 'ensemble members disagree on the output width');
      for (let i = 0; i < out.length; i++) sum[i] += m.weight * out[i];
    }
    return Float32Array.from(sum as Float64Array);
  }

  /** A log-linear pool: each group's average, then the groups pooled with their exponents. */
  private pooledOutputs(datasets: readonly Dataset[], exponents: readonly number[]): Float32Array {
    const sums: (Float64Array | undefined)[] = exponents.map(() => undefined);
    for (const m of this.members) {
      const out = m.model.predict(m.pipeline.transform(datasets[m.inputSet]));
      const sum = (sums[m.group] ??= new Float64Array(out.length));
      if (out.length !== sum.length) throw new EngineError('bad_artifact', 'ensemble members disagree on the output width');
      for (let i = 0; i < out.length; i++) sum[i] += m.weight * out[i];
    }
    const averages = sums.map((s) => Float32Array.from(s as Float64Array));
    return logLinearPool(averages, exponents, this.artifact.classes.length);
  }

  predictRows(rows: readonly unknown[]): PredictionResult {
    if (rows.length === 0) throw new EngineError('invalid_input', 'rows must hold at least one row', { field: 'rows' });
    const datasets = this.decode(rows);
    const unseen = unseenCategories(datasets, (row, column) => String((rows[row] as Record<string, unknown>)[column]));
    return { ...this.labelled(this.rawOutputs(datasets), rows.length), ...unseen, ...absentInRows(this.readColumns, datasets) };
  }

  /** The columns some member reads, in the order of the training data's columns (each once). */
  private get readColumns(): readonly string[] {
    if (this.read === undefined) {
      const names = new Set(this.inputSets.flatMap((inputs) => inputs.map((c) => c.name)));
      this.read = this.artifact.columns.filter((c) => names.has(c));
    }
    return this.read;
  }

  /**
   * predictRows for rows whose `given` numeric columns arrive as arrays, row i's value at [i] (an image
   * batch's pixels), the rest of each row in `rows`: the same answer, without an object of thousands of
   * properties per row (0.8 MB for a 64x64 RGB image; 96 KB in arrays). Undefined when a member reads a
   * given column other than as a number: the caller predicts on whole rows then.
   */
  predictWithColumns(rows: readonly unknown[], given: ReadonlyMap<string, Float64Array>): PredictionResult | undefined {
    if (rows.length === 0) throw new EngineError('invalid_input', 'rows must hold at least one row', { field: 'rows' });
    const datasets: Dataset[] = [];
    for (const inputs of this.inputSets) {
      const ds = rowsWithColumnsToDataset(inputs, this.known, rows, given);
      if (!ds) return undefined;
      datasets.push(ds);
    }
    const unseen = unseenCategories(datasets, (row, column) => String((rows[row] as Record<string, unknown>)[column]));
    return { ...this.labelled(this.rawOutputs(datasets), rows.length), ...unseen, ...absentInRows(this.readColumns, datasets) };
  }

  /** Labels (and probabilities, for classification) of n rows' raw outputs. */
  private labelled(out: Float32Array, n: number): PredictionResult {
    const { task, classes } = this.artifact;
    if (task === 'regression') return { predictions: Array.from(out, (v) => v) };
    const k = outputWidth(task, classes.length);
    const predictions: string[] = [];
    const probabilities: Record<string, number>[] = [];
    // A class named "__proto__" would hit Object.prototype's setter on a plain object and be lost from
    // the answer; only then are the rows' objects made without a prototype (those are slower to build).
    const bare = classes.includes('__proto__');
    for (let i = 0; i < n; i++) {
      const p: Record<string, number> = bare ? Object.create(null) : {};
      if (task === 'binary') {
        p[classes[0]] = 1 - out[i];
        p[classes[1]] = out[i];
        predictions.push(out[i] >= 0.5 ? classes[1] : classes[0]);
      } else {
        let best = 0;
        for (let c = 0; c < k; c++) {
          p[classes[c]] = out[i * k + c];
          if (out[i * k + c] > out[i * k + best]) best = c;
        }
        predictions.push(classes[best]);
      }
      probabilities.push(p);
    }
    return { predictions, probabilities };
  }

  /**
   * Explains each row: the model's output in the explanation's space split into a base plus one
   * contribution per input column (shapes and spaces in explain/explanation). Throws
   * EngineError('unsupported_task') with details.reason 'explain_unavailable' when the model (or an
   * ensemble member) cannot be explained: an MLP or kNN, an artifact stored before explanations existed,
   * or a multiclass ensemble with a margin member (see explain/explain-rows).
   */
  explainRows(rows: readonly unknown[]): ExplainResult {
    if (rows.length === 0) throw new EngineError('invalid_input', 'rows must hold at least one row', { field: 'rows' });
    return this.explainer().explain(this.decode(rows));
  }

  /** The steps explaining one row takes (explain-cost prices them); throws as explainRows does for a model without explanations. */
  explainWorkPerRow(): number {
    return this.explainer().workPerRow;
  }

  /** The sizes of one row's explanation (explain-cost prices its memory); throws as explainWorkPerRow does. */
  explanationShape(): ExplanationShape {
    return this.explainer().shape;
  }

  private explainer(): RowExplainer {
    // Contributions add up in one output space; a log-linear pool of averaged groups has none they add in.
    if (this.pool) throw explainUnavailable('this model is a log-linear pool of several models, whose contributions do not add up; explanations are available for single models and averaged ensembles', { combine: 'log_linear' });
    this.rowExplainer ??= RowExplainer.build(this.members, this.task, this.artifact.classes);
    return this.rowExplainer;
  }

  dispose(): void {
    for (const m of this.members) m.model.dispose();
  }

  /** The request rows decoded once per distinct input schema (members sharing a schema share a dataset). */
  private decode(rows: readonly unknown[]): Dataset[] {
    return this.inputSets.map((inputs) => rowsToDataset(inputs, this.known, rows));
  }
}

/** The describing view of an ensemble (see Predictor.envelope). */
function ensembleView(ensemble: EnsembleEnvelope): ModelEnvelope {
  return { ...ensemble.members[0].envelope, metric: ensemble.metric, columns: ensemble.columns };
}

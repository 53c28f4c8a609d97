/**
 * @module engine/explain/explain-rows
 * Explanations of a loaded artifact (one model or an ensemble) in terms of the columns a user sends.
 * Each member's feature-level contributions are summed back onto its input columns through the
 * pipeline's provenance (one-hot indicators, date parts and text buckets onto their column, a constructed
 * pair half onto each of its two columns), then members are added with their ensemble weights. That sum
 * is exact for the ensemble's output only when the members' outputs are what the Predictor averages
 * position by position: probabilities, values, or one model's margin. Several members of a binary model
 * with any log-odds member among them (a gbdt fold bag, a gbdt + linear blend, a mix with forests) are
 * therefore explained in probability space (explain/probability-rescale), since the average of sigmoids is
 * not the sigmoid of the average margin; a multiclass model of several members with a margin member is
 * refused (a softmax has no such restatement), as are members with no exact explanation. See
 * explain/explanation for the shapes returned.
 */
import { EngineError } from '../core/errors';
import type { Task } from '../core/task';
import type { Dataset } from '../data/dataset';
import type { FeaturePipeline } from '../features/pipeline';
import type { FeatureProvenance } from '../features/provenance';
import type { FittedModel } from '../models/model';
import type { ExplanationShape } from './explain-cost';
import { explainerFor } from './explainer-for';
import { type ExplainResult, explainUnavailable, type ExplanationSpace, type RowExplanation } from './explanation';
import type { ModelExplainer } from './model-explainer';
import { inProbabilitySpace } from './probability-rescale';

/** What explanation needs of a loaded member (the Predictor's members are exactly this). */
export interface ExplainableMember {
  /** Normalised ensemble weight (1 for a single model). */
  readonly weight: number;
  readonly pipeline: FeaturePipeline;
  readonly model: FittedModel;
  /** Which of the caller's decoded datasets this member reads. */
  readonly inputSet: number;
}

interface PreparedMember {
  readonly weight: number;
  readonly pipeline: FeaturePipeline;
  readonly inputSet: number;
  readonly explainer: ModelExplainer;
  readonly provenance: FeatureProvenance;
  /** Position in the explanation's column list of each of the member's input columns. */
  readonly columnOf: Int32Array;
}

/** Explains rows of one artifact; built once per loaded artifact, then reused for every request. */
export class RowExplainer {
  private constructor(
    private readonly task: Task,
    private readonly classes: readonly string[],
    private readonly space: ExplanationSpace,
    private readonly width: number,
    /** Every input column of every member, first-seen order. */
    private readonly columns: readonly string[],
    private readonly members: readonly PreparedMember[],
    private readonly base: Float64Array,
  ) {}

  /** @throws EngineError (explain_unavailable) when a member has no exact explanation, or a multiclass ensemble has a margin member. */
  static build(members: readonly ExplainableMember[], task: Task, classes: readonly string[]): RowExplainer {
    // A bag of one trial's fold models is one model to the user: its refusal names the family, not a member.
    const ensemble = new Set(members.map((m) => m.model.family)).size > 1;
    let explainers = members.map((m, i) => {
      try {
        return explainerFor(m.model);
      } catch (err) {
        if (!ensemble || !(err instanceof EngineError)) throw err;
        throw explainUnavailable(`ensemble member ${i} (${m.model.family}) cannot be explained: ${err.message}`, { ...err.details, member: i, family: m.model.family });
      }
    });
    let spaces = new Set(explainers.map((e) => e.space));
    // Several members of a binary model average probabilities (Predictor.rawOutputs), also when all are
    // log-odds models (a gbdt fold bag, gbdt beside linear): the average of their margins is not the
    // served probability's log-odds, so every log-odds member is restated in probability space. One model
    // alone serves σ(its margin) and keeps margin space.
    if (members.length > 1 && spaces.has('margin') && task === 'binary') {
      explainers = explainers.map((e) => (e.space === 'margin' ? inProbabilitySpace(e) : e));
      spaces = new Set(explainers.map((e) => e.space));
    }
    if (members.length > 1 && spaces.size === 1 && spaces.has('margin')) {
      throw explainUnavailable(
        `this ensemble averages the class probabilities of ${members.length} models explained in margin space (${[...new Set(explainers.map((e) => e.family))].join(', ')}); for more than two classes their contributions cannot be restated as the averaged probabilities`,
        { spaces: ['margin'], members: members.length },
      );
    }
    if (spaces.size > 1) {
      const which = explainers.map((e) => `${e.family}: ${e.space}`).join(', ');
      throw explainUnavailable(`this ensemble mixes members explained in different spaces (${which}); for more than two classes their contributions cannot be added`, {
        spaces: [...spaces],
      });
    }
    const width = explainers[0].width;
    if (explainers.some((e) => e.width !== width)) throw new EngineError('bad_artifact', 'ensemble members disagree on the output width');
    const columns: string[] = [];
    const position = new Map<string, number>();
    const prepared = members.map((m, i): PreparedMember => {
      const provenance = m.pipeline.provenance();
      if (provenance.start.length - 1 !== explainers[i].nFeatures) throw new EngineError('bad_artifact', 'the pipeline and the model disagree on the feature count');
      const columnOf = Int32Array.from(provenance.inputs, (name) => {
        let at = position.get(name);
        if (at === undefined) {
          at = columns.push(name) - 1;
          position.set(name, at);
        }
        return at;
      });
      return { weight: m.weight, pipeline: m.pipeline, inputSet: m.inputSet, explainer: explainers[i], provenance, columnOf };
    });
    const base = new Float64Array(width);
    prepared.forEach((m) => m.explainer.base.forEach((b, c) => (base[c] += m.weight * b)));
    return new RowExplainer(task, classes, [...spaces][0], width, columns, prepared, base);
  }

  /** The steps explaining one row takes, over every member (explain-cost prices them). */
  get workPerRow(): number {
    return this.members.reduce((sum, m) => sum + m.explainer.workPerRow, 0);
  }

  /** The sizes of one row's explanation (explain-cost prices its memory). */
  get shape(): ExplanationShape {
    return { features: Math.max(...this.members.map((m) => m.explainer.nFeatures)), columns: this.columns.length, width: this.width };
  }

  /** Explains every row of the decoded datasets (one per input set, as the Predictor decodes them). */
  explain(datasets: readonly Dataset[]): ExplainResult {
    const width = this.width;
    const nCols = this.columns.length;
    const rows = datasets[this.members[0].inputSet].rows;
    const contributions = new Float64Array(rows * nCols * width);
    const output = new Float64Array(rows * width);
    for (const m of this.members) {
      const X = m.pipeline.transform(datasets[m.inputSet]);
      const { phi, output: out } = m.explainer.explain(X);
      addOntoColumns(phi, rows, X.cols, width, m.provenance, m.columnOf, nCols, m.weight, contributions);
      for (let i = 0; i < out.length; i++) output[i] += m.weight * out[i];
    }
    const explanations: RowExplanation[] = [];
    for (let r = 0; r < rows; r++) explanations.push(this.shapeRow(r, output, contributions));
    return {
      space: this.space,
      ...(this.task === 'binary' ? { positiveClass: this.classes[1] } : {}),
      explanations,
    };
  }

  /** One row as JSON-ready objects (own properties even for a column named "__proto__"). */
  private shapeRow(r: number, output: Float64Array, contributions: Float64Array): RowExplanation {
    const width = this.width;
    const nCols = this.columns.length;
    const byColumn = (c: number) => Object.fromEntries(this.columns.map((name, j) => [name, contributions[(r * nCols + j) * width + c]]));
    if (this.task !== 'multiclass') return { output: output[r * width], base: this.base[0], contributions: byColumn(0) };
    const perClass = (f: (c: number) => unknown) => Object.fromEntries(this.classes.map((name, c) => [name, f(c)]));
    return {
      output: perClass((c) => output[r * width + c]) as Record<string, number>,
      base: perClass((c) => this.base[c]) as Record<string, number>,
      contributions: perClass(byColumn) as Record<string, Record<string, number>>,
    };
  }
}

/**
 * Adds `weight` × each feature's contributions onto its source columns:
 * `into[(r * nCols + column) * width + c] += weight * share * phi[(r * nFeatures + f) * width + c]`.
 */
function addOntoColumns(
  phi: Float64Array,
  rows: number,
  nFeatures: number,
  width: number,
  prov: FeatureProvenance,
  columnOf: Int32Array,
  nCols: number,
  weight: number,
  into: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < nFeatures; f++) {
      const from = (r * nFeatures + f) * width;
      for (let e = prov.start[f]; e < prov.start[f + 1]; e++) {
        const to = (r * nCols + columnOf[prov.input[e]]) * width;
        const scale = weight * prov.share[e];
        for (let c = 0; c < width; c++) into[to + c] += scale * phi[from + c];
      }
    }
  }
}

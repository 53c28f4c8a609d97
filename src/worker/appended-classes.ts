/**
 * @module worker/appended-classes
 * Warnings for rows appended with a class that a classification model reading the dataset (its schedule
 * trains on it, or its champion was trained on it: durable/dataset-classifiers) never predicted. The rows
 * are taken, as a new class may be meant, but what follows is said when they arrive: a binary model's
 * retraining will not start on three classes (before, each scheduled run was skipped with no word at the
 * append), and a multiclass model's next retraining learns the class.
 */
import type { Dataset } from '../engine';
import type { CsvTable } from '../engine/data/csv';
import { placeOf, type RowNaming } from '../engine/data/append-rows';
import { unseenClasses } from '../engine/data/unseen-classes';

/** At most this many new classes are named per model; the rest are counted. */
const NAMED = 5;

/** The warnings for `dataset` (the new version, its appended rows from row `from`, as `sent`). */
export async function appendedClassWarnings(env: Env, tenant: string, name: string, v: { dataset: Dataset; from: number; sent: CsvTable; naming: RowNaming }): Promise<string[]> {
  const warnings: string[] = [];
  for (const m of await env.REGISTRY.getByName(tenant).classifiersOf(name)) {
    const unseen = unseenClasses(v.dataset, m.target, m.classes, v.from);
    if (unseen.length === 0) continue;
    const named = unseen.slice(0, NAMED).map((u) => `"${u.label}" (${v.naming} ${placeOf(v.sent, u.row - v.from, v.naming)})`);
    const more = unseen.length > NAMED ? ` and ${unseen.length - NAMED} more` : '';
    const what = `the rows add ${unseen.length === 1 ? 'class' : 'classes'} ${named.join(', ')}${more} to column "${m.target}", which model "${m.model}" predicts with ${m.classes.length} classes (${m.classes.map((c) => `"${c}"`).join(', ')})`;
    const consequence =
      m.task === 'binary'
        ? `: as a binary task it needs exactly two, so ${m.scheduled ? 'its scheduled retraining will be skipped' : 'a retraining will not start'} on this version and later ones (a job on them publishing to "${m.model}" needs "replace_model": true, or leave the rows' target empty)`
        : `: its next retraining on this version learns ${unseen.length === 1 ? 'it' : 'them'}`;
    warnings.push(what + consequence);
  }
  return warnings;
}

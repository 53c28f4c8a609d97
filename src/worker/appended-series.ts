/**
 * @module worker/appended-series
 * Rows appended to a dataset that a forecast model reads (its retraining schedule trains on it, or its
 * champion was trained on it: durable/dataset-forecasters) must not repeat a point of the model's series:
 * a time the same group already has. A series holds one value per time, so such a row would make every
 * later job on the data refuse it, a scheduled retraining skipped at every run, and a version cannot be
 * taken back (only the whole dataset deleted). So the append is refused (400, naming the line of the file
 * sent, the time, the group and the row it repeats) before anything is written. The rule is the model's,
 * not the dataset's: a dataset no forecast model reads (a table model's) takes such rows as before, and
 * a table model sharing a forecast model's dataset is refused with it, since the rows would stop the
 * forecast model's retraining all the same. Each model's time and group columns come from its
 * champion's job (what a retraining starts from), else from its stored artifact. A row identical in every
 * column to the row it repeats is taken: jobs read the two as one point and say so in a warning.
 */
import type { CsvTable } from '../engine/data/csv';
import type { Dataset } from '../engine';
import { placeOf, type RowNaming } from '../engine/data/append-rows';
import { firstRepeatedPoint, type RepeatedPoint } from '../engine/forecast/repeated-points';
import type { DatasetForecaster } from '../durable/dataset-forecasters';
import { coordinatorFor, isJobId } from './coordinator';
import { ApiError } from './errors';
import { championContract } from './forecast-contract';

/** The new version as the append made it: its table, where the new rows start, and the rows as sent. */
export interface AppendedVersion {
  readonly name: string;
  readonly base_version: number;
  readonly dataset: Dataset;
  /** Index of the first appended row (the base version's row count). */
  readonly from: number;
  readonly sent: CsvTable;
  readonly naming: RowNaming;
}

/** Throws 400 when an appended row repeats a point of a series some forecast model reads from the dataset. */
export async function checkAppendedSeries(env: Env, tenant: string, v: AppendedVersion): Promise<void> {
  const forecasters = await env.REGISTRY.getByName(tenant).forecastersOf(v.name);
  for (const f of forecasters) {
    const columns = await seriesColumns(env, tenant, f);
    const hit = columns && firstRepeatedPoint(v.dataset, v.from, columns);
    if (hit) throw repeatedPoint(v, f, columns, hit);
  }
}

/** The model's time and group columns: its champion's job config, else its artifact; null when neither tells. */
async function seriesColumns(env: Env, tenant: string, f: DatasetForecaster): Promise<{ timeColumn: string; groupColumn?: string; target?: string; timezone?: string } | null> {
  const basis = isJobId(f.champion.job_id) ? await coordinatorFor(env, tenant, f.champion.job_id).retrainBasis(f.champion.trial_id) : null;
  const spec = basis?.config.forecast;
  // The target too: the observation of a planned row without one is no repeated point (engine/forecast/placeholder-rows).
  // And the zone, which places times written without an offset (engine/forecast/naive-local-times).
  if (spec && basis) return { timeColumn: spec.time_column, target: basis.config.target, ...(spec.group_column !== undefined ? { groupColumn: spec.group_column } : {}), ...(spec.timezone !== undefined ? { timezone: spec.timezone } : {}) };
  const contract = await championContract(env.STORE, f.champion.artifact_key, undefined);
  return contract
    ? {
        timeColumn: contract.time_column,
        ...(contract.target !== undefined ? { target: contract.target } : {}),
        ...(contract.group_column !== null ? { groupColumn: contract.group_column } : {}),
        ...(contract.timezone !== null ? { timezone: contract.timezone } : {}),
      }
    : null;
}

function repeatedPoint(v: AppendedVersion, f: DatasetForecaster, columns: { timeColumn: string; groupColumn?: string }, hit: RepeatedPoint): ApiError {
  const at = placeOf(v.sent, hit.row - v.from, v.naming);
  const timeAt = v.sent.header.indexOf(columns.timeColumn);
  const cell = timeAt >= 0 ? v.sent.rows[hit.row - v.from]?.[timeAt] : undefined;
  const time = cell !== undefined && cell.trim() !== '' ? `"${cell.trim()}"${shown(hit.time) === cell.trim() ? '' : ` (${hit.time})`}` : hit.time;
  const series = columns.groupColumn !== undefined ? ` of series "${hit.group}" (column "${columns.groupColumn}")` : '';
  const newRow = hit.earlier >= v.from;
  const earlier = newRow ? `${v.naming} ${placeOf(v.sent, hit.earlier - v.from, v.naming)} of these rows` : `data row ${hit.earlier + 1} of dataset "${v.name}" v${v.base_version}`;
  const reads = f.scheduled ? `the retraining schedule of forecast model "${f.model}" trains on dataset "${v.name}"` : `forecast model "${f.model}" (champion v${f.champion.version}) was trained on dataset "${v.name}"`;
  return new ApiError(
    400,
    'invalid_dataset',
    `${v.naming} ${at}: "${columns.timeColumn}" ${time}${series} is already at ${earlier}; ${reads}, and a series holds one value per time, so every job on the new version would refuse it` +
      `${f.scheduled ? ' and each scheduled retraining would be skipped' : ''}. Nothing was added: send the rows again without it (or with its time corrected)`,
    {
      [v.naming]: at,
      column: columns.timeColumn,
      time: hit.time,
      ...(columns.groupColumn !== undefined ? { group_column: columns.groupColumn, group: hit.group } : {}),
      ...(newRow ? { [`repeats_${v.naming}`]: placeOf(v.sent, hit.earlier - v.from, v.naming) } : { data_row: hit.earlier + 1 }),
      model: f.model,
    },
  );
}

/** A day at midnight UTC as its date alone, as files write it. */
const shown = (time: string) => time.replace('T00:00:00.000Z', '');

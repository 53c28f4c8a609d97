/**
 * @module cli/commands/predict
 * `edge-automl predict MODEL FILE.csv [--version N] [--explain] [--format table|csv]`: predicts every
 * row of a CSV (or Parquet) file with the champion (or a pinned version) and prints one line per row, in
 * order. Without --explain the file goes to the server as is (its CSV or Parquet batch); explanations need
 * JSON rows, so with --explain the file is read into rows here. `edge-automl predict MODEL a.png b.jpg …` asks an image
 * model about image files instead (PNG/JPEG by extension or by their first bytes, cli/image-files), one
 * row `{"image": base64}` per file, each line and each refusal named by its file. A file of another kind
 * (a GIF, a zip) is refused before anything is sent, and a refused table names its file (cli/predict-inputs).
 * A file over one request's 10,000 rows (or 8 MiB) is sent in batches, a CSV cut at its rows and a Parquet
 * file read into JSON rows here, and answered as one (cli/predict-batches).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { parquetMetadata } from 'hyparquet';
import { ApiClientError, type EdgeAutoMLClient, type Prediction, type Row } from '../../client';
import { action, positiveInt } from '../command-kit';
import type { Context } from '../context';
import { csvToLinedRows, parquetToRows } from '../table-rows';
import { decodeCsvFile, ENCODING_HELP, encodingOption } from '../csv-encoding';
import { HintedApiError, UsageError } from '../errors';
import { isImageFile, nameImageFile, oversizedImage } from '../image-files';
import { nameTableFile, refuseUnsendable } from '../predict-inputs';
import { forecastCommandHint } from '../forecast-hint';
import { emit } from '../output';
import { csvBatches, csvLineName, explainWithinLimit, MAX_BODY_BYTES, MAX_PREDICT_ROWS, nameFileRow, parquetRowName, predictInOrder, type RowName, rowBatches, shiftIndex, shiftPosition } from '../predict-batches';
import { absentWarning, predictionCsv, predictionTable, unseenWarning } from '../prediction-report';

/** Files sent as Parquet; any other table file is sent as CSV. */
const PARQUET_FILE = /\.(parquet|pq)$/i;
/** Tab-separated files: sent as such, so the server does not guess their separator from the header line. */
const TSV_FILE = /\.(tsv|tab)$/i;

interface PredictOptions {
  version?: number;
  explain?: boolean;
  format: string;
  encoding?: string;
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('predict every row of a CSV or Parquet file, or PNG/JPEG files for an image model')
    .argument('<model>', 'model name')
    .argument('<files...>', 'a CSV file with a header row or a Parquet file (the target column, if present, is ignored), or PNG/JPEG files for an image model')
    .option('--version <n>', 'model version (default: the champion)', positiveInt('--version'))
    .option('--explain', 'add per-row contributions (tree and linear models)')
    .option('-f, --format <format>', 'table or csv', 'table')
    .option('--encoding <name>', ENCODING_HELP, encodingOption)
    .action(
      action<PredictOptions>(async (ctx, [model, ...paths], opts) => {
        if (opts.format !== 'table' && opts.format !== 'csv') throw new UsageError(`"${opts.format}" is not an output format; use table or csv`, '--format');
        const files = await Promise.all(paths.map(async (path) => ({ path, bytes: await readBytes(path) })));
        refuseUnsendable(files);
        const isImage = files.map((f) => isImageFile(f.path, f.bytes));
        const images = paths.filter((_, i) => isImage[i]);
        if (images.length > 0 && images.length < paths.length) throw new UsageError('give either one CSV file or image files (PNG, JPEG), not both', paths.find((_, i) => !isImage[i]));
        if (images.length === 0 && paths.length > 1) throw new UsageError('give one CSV file (or several image files)', paths[1]);
        if (opts.encoding !== undefined && (images.length > 0 || PARQUET_FILE.test(paths[0]))) throw new UsageError('only for a CSV file', '--encoding');
        let result: Prediction;
        try {
          if (images.length > 0) {
            const big = oversizedImage(files, MAX_BODY_BYTES);
            if (big) throw new UsageError(big.message, big.path);
            const rows = files.map((f) => ({ image: f.bytes.toString('base64') }));
            result = await predictRows(ctx.api, model, rows, opts, { imageFiles: images });
          } else {
            const file = paths[0];
            const bytes = files[0].bytes;
            if (PARQUET_FILE.test(file)) {
              // A Parquet file over one request's limits is read here and sent as JSON rows, in batches.
              // Its rows are named from 1 then too, as the server names a Parquet body's rows.
              if (opts.explain || !fitsOneRequest(bytes)) result = await predictRows(ctx.api, model, await parquetToRows(bytes, file), opts, { rowName: parquetRowName });
              else result = await ctx.api.models.predictParquet(model, bytes, { version: opts.version });
            } else {
              const csv = decodeCsvFile(bytes, file, opts.encoding);
              const tabs = TSV_FILE.test(file);
              if (opts.explain) {
                // Sent as JSON rows, named by their lines as the server names a CSV body's rows.
                const { rows, lines } = csvToLinedRows(csv, file, tabs ? '\t' : undefined);
                result = await predictRows(ctx.api, model, rows, opts, { rowName: csvLineName(lines) });
              } else {
                result = await predictInOrder(
                  csvBatches(csv, file, undefined, tabs ? '\t' : undefined),
                  opts.version,
                  (batch, version) => ctx.api.models.predictCsv(model, batch.text, { version, ...(tabs ? { contentType: 'text/tab-separated-values' } : {}) }),
                  (err, batch) => shiftIndex(shiftPosition(err, 'line', batch.lineOffset, batch.firstRowLine), batch.rowOffset),
                );
              }
            }
          }
        } catch (err) {
          throw await withCliAdvice(images.length === 0 ? nameTableFile(err, paths[0]) : err, ctx, model);
        }
        const names = images.length > 0 ? images.map((f) => basename(f)) : undefined;
        emit(ctx, result, () => (opts.format === 'csv' ? predictionCsv(result, names) : predictionTable(result, names)));
        // The JSON answer lists them itself; on stderr, so a --format csv file stays the predictions alone.
        const unseen = ctx.json ? undefined : unseenWarning(result, names);
        if (unseen) process.stderr.write(`warning: ${unseen}\n`);
        const absent = ctx.json ? undefined : absentWarning(result);
        if (absent) process.stderr.write(`warning: ${absent}\n`);
      }),
    );
}

/**
 * JSON rows (with explanations on request), in as many requests as their count and size need. A refused
 * row (`rows[k]` of one request) is named as row k of all the rows, then by `rowName` as the file it was
 * read from names it, or by the file it is (`imageFiles`: the file of each row, for image rows).
 */
function predictRows(api: EdgeAutoMLClient, model: string, rows: Row[], opts: PredictOptions, from: { rowName?: RowName; imageFiles?: readonly string[] }): Promise<Prediction> {
  return predictInOrder(
    rowBatches(rows),
    opts.version,
    opts.explain ? explainWithinLimit((part: Row[], version) => api.models.explain(model, part, { version })) : (batch, version) => api.models.predict(model, batch.rows, { version }),
    (err, batch) => {
      const shifted = shiftPosition(err, 'row', batch.first);
      return from.imageFiles ? nameImageFile(shifted, from.imageFiles) : from.rowName ? nameFileRow(shifted, from.rowName) : shifted;
    },
  );
}

/** Whether a Parquet file can go as one request's body: within the byte cap and the row cap. */
function fitsOneRequest(bytes: Buffer): boolean {
  if (bytes.byteLength > MAX_BODY_BYTES) return false;
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return Number(parquetMetadata(buffer).num_rows) <= MAX_PREDICT_ROWS;
  } catch {
    // An unreadable footer: the server reads the file and names what is wrong with it.
    return true;
  }
}

/**
 * The server's advice names HTTP routes; at the command line the next step is a command, with the
 * --group and --covariates the model's view says a forecast of it needs.
 */
async function withCliAdvice(err: unknown, ctx: Context, model: string): Promise<unknown> {
  if (!(err instanceof ApiClientError) || err.code !== 'forecast_model') return err;
  const series = await ctx.api.models.get(model).then((view) => view.forecast, () => undefined);
  return new HintedApiError(err, forecastCommandHint(ctx.cli, model, series), err.message.split('; ask it with')[0]);
}

async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(code === 'ENOENT' ? 'no such file' : (err as Error).message, file);
  }
}

/**
 * @module cli/commands/predict
 * `edge-automl predict MODEL FILE.csv [--version N] [--explain] [--format table|csv]`: predicts every
 * row of a CSV (or Parquet) file with the champion (or a pinned version) and prints one line per row, in
 * order. Without --explain the file goes to the server as is (its CSV or Parquet batch); explanations need
 * JSON rows, so with --explain the file is read into rows here. `edge-automl predict MODEL a.png b.jpg …` asks an image
 * model about image files instead, one row `{"image": base64}` per file, each line named by its file.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { Prediction } from '../../client';
import { action, positiveInt } from '../command-kit';
import { csvToRows, parquetToRows } from '../table-rows';
import { UsageError } from '../errors';
import { emit } from '../output';
import { predictionCsv, predictionTable } from '../prediction-report';

/** Files sent as images (the formats predict decodes). */
const IMAGE_FILE = /\.(png|jpe?g)$/i;
/** Files sent as Parquet; any other table file is sent as CSV. */
const PARQUET_FILE = /\.(parquet|pq)$/i;

interface PredictOptions {
  version?: number;
  explain?: boolean;
  format: string;
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('predict every row of a CSV or Parquet file')
    .argument('<model>', 'model name')
    .argument('<files...>', 'a CSV file with a header row or a Parquet file (the target column, if present, is ignored), or PNG/JPEG files for an image model')
    .option('--version <n>', 'model version (default: the champion)', positiveInt('--version'))
    .option('--explain', 'add per-row contributions (tree and linear models)')
    .option('-f, --format <format>', 'table or csv', 'table')
    .action(
      action<PredictOptions>(async (ctx, [model, ...paths], opts) => {
        if (opts.format !== 'table' && opts.format !== 'csv') throw new UsageError(`"${opts.format}" is not an output format; use table or csv`, '--format');
        const images = paths.filter((f) => IMAGE_FILE.test(f));
        if (images.length > 0 && images.length < paths.length) throw new UsageError('give either one CSV file or image files (.png, .jpg), not both', paths.find((f) => !IMAGE_FILE.test(f)));
        if (images.length === 0 && paths.length > 1) throw new UsageError('give one CSV file (or several image files)', paths[1]);
        let result: Prediction;
        if (images.length > 0) {
          const rows = await Promise.all(images.map(async (f) => ({ image: (await readBytes(f)).toString('base64') })));
          result = opts.explain ? await ctx.api.models.explain(model, rows, { version: opts.version }) : await ctx.api.models.predict(model, rows, { version: opts.version });
        } else {
          const file = paths[0];
          const bytes = await readBytes(file);
          if (PARQUET_FILE.test(file)) {
            if (opts.explain) result = await ctx.api.models.explain(model, await parquetToRows(bytes, file), { version: opts.version });
            else result = await ctx.api.models.predictParquet(model, bytes, { version: opts.version });
          } else {
            const csv = bytes.toString('utf8');
            if (opts.explain) result = await ctx.api.models.explain(model, csvToRows(csv, file), { version: opts.version });
            else result = await ctx.api.models.predictCsv(model, csv, { version: opts.version });
          }
        }
        const names = images.length > 0 ? images.map((f) => basename(f)) : undefined;
        emit(ctx, result, () => (opts.format === 'csv' ? predictionCsv(result, names) : predictionTable(result, names)));
      }),
    );
}

async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(code === 'ENOENT' ? 'no such file' : (err as Error).message, file);
  }
}

/**
 * @module cli/commands/predict
 * `edge-automl predict MODEL FILE.csv [--version N] [--explain] [--format table|csv]`: predicts every
 * row of a CSV file with the champion (or a pinned version) and prints one line per row, in order.
 * Without --explain the file goes to the server as is (its CSV route); explanations need JSON rows, so
 * with --explain the file is read into rows here.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Prediction } from '../../client';
import { action, positiveInt } from '../command-kit';
import { csvToRows } from '../csv-rows';
import { UsageError } from '../errors';
import { emit } from '../output';
import { predictionCsv, predictionTable } from '../prediction-report';

interface PredictOptions {
  version?: number;
  explain?: boolean;
  format: string;
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('predict every row of a CSV file')
    .argument('<model>', 'model name')
    .argument('<file>', 'CSV file with a header row (the target column, if present, is ignored)')
    .option('--version <n>', 'model version (default: the champion)', positiveInt('--version'))
    .option('--explain', 'add per-row contributions (tree and linear models)')
    .option('-f, --format <format>', 'table or csv', 'table')
    .action(
      action<PredictOptions>(async (ctx, [model, file], opts) => {
        if (opts.format !== 'table' && opts.format !== 'csv') throw new UsageError(`"${opts.format}" is not an output format; use table or csv`, '--format');
        const csv = await readText(file);
        let result: Prediction;
        if (opts.explain) result = await ctx.api.models.explain(model, csvToRows(csv, file), { version: opts.version });
        else result = await ctx.api.models.predictCsv(model, csv, { version: opts.version });
        emit(ctx, result, () => (opts.format === 'csv' ? predictionCsv(result) : predictionTable(result)));
      }),
    );
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(code === 'ENOENT' ? 'no such file' : (err as Error).message, file);
  }
}

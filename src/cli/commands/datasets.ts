/**
 * @module cli/commands/datasets
 * `edge-automl datasets` (every dataset with its newest version) and `edge-automl dataset NAME
 * [--version N] [--delete]` (one version's profile with its statistics, or the whole dataset removed).
 */
import type { Command } from 'commander';
import { action, positiveInt } from '../command-kit';
import { describeDataset } from '../dataset-report';
import { UsageError } from '../errors';
import { formatTime, renderTable } from '../format';
import { emit } from '../output';

export function registerDatasets(program: Command): void {
  program
    .command('datasets')
    .description('list datasets with their newest version')
    .action(
      action(async (ctx) => {
        const list = await ctx.api.datasets.list();
        emit(ctx, list, () =>
          list.datasets.length === 0
            ? `no datasets yet: upload one with \`${ctx.cli} upload FILE.csv\``
            : renderTable(['dataset', 'newest', 'rows', 'created'], list.datasets.map((d) => [d.name, `v${d.latest_version}`, d.rows, formatTime(d.created_at)])),
        );
      }),
    );

  program
    .command('dataset')
    .description("one dataset version's columns with their statistics, or --delete the whole dataset")
    .argument('<dataset>', 'dataset name')
    .option('--version <n>', 'version (default: the newest)', positiveInt('--version'))
    .option('--delete', 'delete every version of the dataset (models trained on it keep working)')
    .action(
      action<{ version?: number; delete?: boolean }>(async (ctx, [name], opts) => {
        if (opts.delete) {
          if (opts.version !== undefined) throw new UsageError('a dataset is deleted whole, every version', '--version');
          await ctx.api.datasets.delete(name);
          emit(ctx, { deleted: true, dataset: name }, () => `dataset ${name} deleted`);
          return;
        }
        const dataset = await ctx.api.datasets.get(name, { version: opts.version });
        emit(ctx, dataset, () => describeDataset(dataset, ctx.cli, true));
      }),
    );
}

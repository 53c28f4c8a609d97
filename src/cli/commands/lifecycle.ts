/**
 * @module cli/commands/lifecycle
 * A model's champion by hand and its live inputs: `edge-automl promote MODEL VERSION`, `edge-automl
 * rollback MODEL [--reason TEXT]` and `edge-automl drift MODEL [--hours N] [--version N]` (PSI per feature
 * of the live rows sampled from predictions against the training data, with the noise a sample that size
 * gives on its own; an image's pixels as one line (`px_*`, or after its own columns: `p0..p63`) and what
 * it says of the grid, or each pixel with --pixels).
 */
import type { Command } from 'commander';
import type { ChampionChange, DriftReport, PixelDrift } from '../../client';
import { action, positiveInt } from '../command-kit';
import { UsageError } from '../errors';
import { formatNumber, renderTable } from '../format';
import { emit } from '../output';

export function registerLifecycle(program: Command): void {
  program
    .command('promote')
    .description('make a version of a model its champion (the version predictions use)')
    .argument('<model>', 'model name')
    .argument('<version>', 'version number (see: model MODEL)')
    .option('--from <n>', 'only if this version is still the champion (another client may have moved it)', positiveInt('--from'))
    .action(
      action<{ from?: number }>(async (ctx, [name, version], opts) => {
        const v = Number(version.replace(/^v/, ''));
        if (!Number.isInteger(v) || v < 1) throw new UsageError(`expected a version number such as 2, got "${version}"`, 'version');
        const change = await ctx.api.models.promote(name, v, { fromVersion: opts.from });
        emit(ctx, change, () => describeChange(change, 'promoted'));
      }),
    );

  program
    .command('rollback')
    .description('restore the champion before the current one (again: further back)')
    .argument('<model>', 'model name')
    .option('--reason <text>', 'why, recorded in the model history')
    .option('--from <n>', 'only if this version is still the champion (so a repeated rollback does not step back twice)', positiveInt('--from'))
    .action(
      action<{ reason?: string; from?: number }>(async (ctx, [name], opts) => {
        const change = await ctx.api.models.rollback(name, { reason: opts.reason, fromVersion: opts.from });
        emit(ctx, change, () => describeChange(change, 'rolled back'));
      }),
    );

  program
    .command('drift')
    .description("how the live inputs of a model's predictions moved from its training data (PSI per feature)")
    .argument('<model>', 'model name')
    .option('--hours <n>', 'window of live rows, in whole hours (default 24)', positiveInt('--hours'))
    .option('--version <n>', 'model version (default: the champion)', positiveInt('--version'))
    .option('--pixels', "an image model: every pixel column's PSI, instead of one line for the image")
    .action(
      action<{ hours?: number; version?: number; pixels?: boolean }>(async (ctx, [name], opts) => {
        const report = await ctx.api.models.drift(name, { hours: opts.hours, version: opts.version, ...(opts.pixels ? { detail: 'pixels' as const } : {}) });
        emit(ctx, report, () => describeDrift(report));
      }),
    );
}

function describeChange(c: ChampionChange, verb: string): string {
  return c.champion_version === c.previous_version ? `model ${c.name}: v${c.champion_version} is already the champion; nothing changed` : `model ${c.name}: ${verb} to v${c.champion_version} (was v${c.previous_version})`;
}

function describeDrift(r: DriftReport): string {
  const head = `model ${r.model} v${r.version}: ${r.rows_sampled} live rows sampled over ${r.window.hours} h (${r.window.from} to ${r.window.to}), against ${r.reference.rows} training rows of ${r.reference.dataset.name} v${r.reference.dataset.version}`;
  const lines = [head];
  if (r.note) lines.push(`  note     ${r.note}`);
  if (r.features.length > 0) {
    // Largest shift first; within noise says the PSI is no more than a sample this size gives by chance.
    const rows = [...r.features].sort((a, b) => (b.psi ?? -1) - (a.psi ?? -1));
    lines.push(
      renderTable(
        ['feature', 'type', 'psi', 'status', 'noise psi', 'shift'],
        rows.map((f) => [f.name, f.type, formatNumber(f.psi), f.status ?? '-', formatNumber(f.noise_psi), f.within_noise === null ? '-' : f.within_noise ? 'within noise' : 'beyond noise']),
      ),
    );
  }
  for (const f of r.features) if (f.pixels) lines.push(...describePixels(f.name, f.pixels));
  for (const s of r.skipped) lines.push(`  skipped  ${s.name} (${s.type}): ${s.reason}`);
  return lines.join('\n');
}

/** What the pixel line (`name`: `px_*`, or `p0..p63`) stands for: how many pixels moved beyond noise, the mean pixel value, the most drifted. */
function describePixels(name: string, p: PixelDrift): string[] {
  const grid = `${p.image.width}x${p.image.height}x${p.image.channels}`;
  const lines = [`  pixels   ${name} is the mean over ${p.columns} pixel columns of ${grid} images (every one: drift MODEL --pixels)`];
  if (p.drifting === null) return lines;
  const mean = p.mean_value ? `; mean pixel value ${formatNumber(p.mean_value.reference)} in training, ${formatNumber(p.mean_value.live)} live (estimated from the deciles)` : '';
  lines.push(`           ${p.drifting} of ${p.columns} read beyond their noise (about 1 in 100 does by chance)${mean}`);
  const top = p.top.filter((t) => t.within_noise === false).map((t) => `${t.name} ${formatNumber(t.psi)}`);
  if (top.length > 0) lines.push(`           most drifted: ${top.join(', ')}`);
  return lines;
}

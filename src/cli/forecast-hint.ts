/**
 * @module cli/forecast-hint
 * The forecast command a hint suggests for a forecast model (asked to `predict`): `forecast MODEL
 * --horizon N`, with `--group GROUP` when the model forecasts several series and `--covariates FILE` when
 * every forecast gives known-future covariates, each placeholder said in words (the groups it may name,
 * the columns the file holds). Without the model's view (it could not be read) the plain command.
 */
import type { Model } from '../client';

/** Groups named in the hint at most: the view lists up to 1,000. */
const SHOWN_GROUPS = 5;

export function forecastCommandHint(cli: string, model: string, series: Model['forecast'] | undefined, version?: number): string {
  const grouped = series?.group_column !== undefined;
  const covariates = (series?.covariates ?? []).map((c) => c.name);
  // A pinned version (whose view `series` is) stays in the command: its group and covariates may differ from the champion's.
  const command = `${cli} forecast ${model}${version !== undefined ? ` --version ${version}` : ''} --horizon N${grouped ? ' --group GROUP' : ''}${covariates.length > 0 ? ' --covariates FILE' : ''}`;
  const said: string[] = [];
  if (grouped) {
    const groups = series?.groups ?? [];
    const shown = groups.slice(0, SHOWN_GROUPS).map((g) => JSON.stringify(g)).join(', ') + (groups.length > SHOWN_GROUPS ? ', …' : '');
    said.push(`GROUP the series, a value of "${series?.group_column}"${groups.length > 0 ? ` (${shown})` : ''}`);
  }
  if (covariates.length > 0) said.push(`FILE a CSV with a row per step ahead and the columns ${covariates.join(', ')}`);
  return `ask it for a forecast with \`${command}\`${said.length > 0 ? `: ${said.join('; ')}` : ''}`;
}

/**
 * @module worker/job-inputs
 * What an image or a forecast job needs beyond a table job, checked before anything is recorded: the
 * image shape read from the pixel columns' names (and the optional `image` field agreeing with it), or
 * given by `image.height` and `width` for a table whose columns are not named `px_*` (read in file order), or
 * the time series (time column, groups, frequency, horizon) read from the data, plus the families each
 * kind of job may use. Every refusal names the field or column at fault.
 */
import { IMAGE_FILE_MAX_VALUE, type ImageShape } from '../engine/core/image-shape';
import { hasPixelForm, inferImageShape, isPixelColumnName, missingPixelColumns, pixelColumnNames } from '../engine/data/images/pixel-columns';
import { pixelMaxValue, pixelMinValue } from '../engine/data/images/pixel-range';
import type { Column, Dataset, NumericColumn } from '../engine/data/dataset';
import { allPositive, checkNewestFills, DEFAULT_FORECAST_FAMILIES, explainLateStart, extractSeries, FORECAST_FAMILIES, type ForecastFamily, HORIZON_CAP_FACTOR, lateShortWarnings, lateStartNote, lateStartWarnings, MAX_ORIGINS, minTrainLength, mostOrigins, naivePeriod, naturalSeason, pastFillWarnings, pastLagBound, seasonReach, type SeriesInfo, shortGroupLength, showTimeOf, validationPlan, weekPeriod } from '../engine/forecast';
import type { ForecastShape } from '../engine/forecast/types';
import { exactRepeatsWarning } from '../engine/forecast/duplicate-rows';
import { type FallbackRule, fallbackRule } from '../engine/forecast/fallback';
import { ALL_FAMILIES, IMAGE_FAMILIES, MODEL_FAMILIES } from '../engine/models/registry';
import type { ModelFamily } from '../engine/models/model';
import type { SearchFamily } from '../engine/search/trial';
import type { ForecastJobSpec } from '../durable/protocol';
import { ApiError, listSome } from './errors';
import { isImageUploadProfile } from './image-upload';
import type { CreateJobBody } from './schemas';

/** Families only an image job can use (they need the pixel layout). */
const IMAGE_ONLY_FAMILIES: ReadonlySet<string> = new Set(['cnn']);

/**
 * The image shape of an image job's data: every feature column must be a pixel column (`px_r{r}_c{c}`
 * or `px_r{r}_c{c}_{channel}`), together forming one complete grid; or, when none is named so, the job
 * gives `image.height` and `width` (and `channels`, default 1) whose product is the number of feature
 * columns, read in file order (shapeGiven). The shape also records the pixels'
 * full-intensity value: the job's `image.max_value`; else 255 for a dataset uploaded as a zip (decoded
 * files are 0..255 by construction, and a set of dark images must not make a PNG sent to predict look
 * twice as bright as its training rows); else read from the data (a CSV of pixels may be 0..16).
 * @param profile the dataset version's column profile, which tells a zip upload (image-upload) apart
 *   and what type upload gave each column
 * @param championMaxValue the pixel range of the champion a challenger or retraining job would replace,
 *   kept for a CSV of pixels on its scale (pixelMaxValue); image files are 0..255 whatever it was
 */
export function resolveImageShape(
  ds: Dataset,
  target: string,
  ignore: readonly string[],
  requested: CreateJobBody['image'],
  profile: readonly { readonly name: string; readonly type?: string; readonly image?: unknown }[] = [],
  championMaxValue?: number,
): ImageShape {
  const left = new Set([target, ...ignore]);
  const features = ds.columns.filter((c) => !left.has(c.name));
  const names = features.map((c) => c.name);
  const shape = inferImageShape(names) ?? shapeGiven(features, target, requested);
  if (!shape) throw noPixelGrid(names, ignore, target, ds.columns.map((c) => c.name), requested);
  const pixelCount = shape.height * shape.width * shape.channels;
  if (features.length !== pixelCount) {
    const stray = features.find((c) => !hasPixelForm(c.name));
    throw new ApiError(400, 'invalid_dataset', `column "${stray?.name}" is not a pixel column; leave it out with "columns": {"${stray?.name}": "ignore"}`, { field: 'columns', column: stray?.name });
  }
  const notNumeric = features.find((c) => c.storage !== 'f64');
  if (notNumeric) throw notNumericPixel(notNumeric, profile);
  for (const side of ['height', 'width', 'channels'] as const) {
    const given = requested?.[side];
    if (given !== undefined && given !== shape[side]) {
      throw new ApiError(400, 'invalid_request', `image.${side}: the pixel columns give ${side} ${shape[side]}, not ${given}`, { field: `image.${side}` });
    }
  }
  // Full intensity: given, 255 for image files, or read from the pixels (see pixel-range); predict scales
  // image files to it (and from black at minValue when the pixels go below 0).
  const files = isImageUploadProfile(profile);
  if (files && requested?.max_value !== undefined && requested.max_value !== IMAGE_FILE_MAX_VALUE) {
    throw new ApiError(400, 'invalid_request', `image.max_value: a dataset uploaded as image files holds 0..${IMAGE_FILE_MAX_VALUE} by construction; leave max_value out (it is for a CSV of pixels on another scale)`, { field: 'image.max_value' });
  }
  const maxValue = requested?.max_value ?? (files ? IMAGE_FILE_MAX_VALUE : pixelMaxValue(features as NumericColumn[], championMaxValue));
  const minValue = files ? undefined : pixelMinValue(features as NumericColumn[]);
  return { ...shape, ...(requested?.flip_invariant ? { flipInvariant: true } : {}), maxValue, ...(minValue !== undefined ? { minValue } : {}) };
}

/**
 * A table job's pixels' range (full intensity, and black when below 0), when its features hold a complete
 * `px_*` grid of numbers (read as an image job's are, resolveImageShape): predict scales an image file
 * sent to the table model to it, as to an image model (a PNG's white is 16 to a model trained on the
 * 0..16 digits). Undefined otherwise.
 */
export function tablePixelRange(ds: Dataset, target: string, ignore: readonly string[], profile: readonly { readonly name: string; readonly image?: unknown }[] = []): { max: number; min?: number } | undefined {
  const left = new Set([target, ...ignore]);
  const features = ds.columns.filter((c) => !left.has(c.name));
  const shape = inferImageShape(features.map((c) => c.name));
  if (!shape) return undefined;
  const grid = new Set(pixelColumnNames(shape));
  const pixels = features.filter((c): c is NumericColumn => grid.has(c.name) && c.storage === 'f64');
  if (pixels.length !== grid.size) return undefined;
  if (isImageUploadProfile(profile)) return { max: IMAGE_FILE_MAX_VALUE };
  const min = pixelMinValue(pixels);
  return { max: pixelMaxValue(pixels), ...(min !== undefined ? { min } : {}) };
}

/**
 * A name of the pixel form whose indices have leading zeros (`px_r00_c07`), which the scheme never writes
 * (px_r0_c7): such columns are read as the unnamed are, in file order with a shape given, and every
 * message about px_* names says why these are not taken for them.
 */
const isPaddedPixelName = (name: string) => hasPixelForm(name) && !isPixelColumnName(name);

/** Whether a header names its pixels by the px_* scheme: one name of it, and none padded (a padded header is read in file order). */
const namedPixels = (names: readonly string[]) => names.some(isPixelColumnName) && !names.some(isPaddedPixelName);

/** '; "px_r00_c00" writes its indices with leading zeros, …': why a padded header is not read by its names. */
function paddedNote(names: readonly string[]): string {
  const padded = names.find(isPaddedPixelName);
  return padded === undefined ? '' : `; "${padded}" writes its indices with leading zeros, which px_r{row}_c{col} names do not have (px_r0_c0, px_r12_c3), so such columns are read as pixels only in file order, with image.height and image.width given`;
}

/**
 * The shape the job gives a table none of whose feature columns is named `px_*` (a CSV of `p0..p63`, of
 * `pixel1..pixel784`): its columns in file order are the pixels, row by row from the top left, a pixel's
 * channels side by side, as pixelColumnNames lays them out; the shape keeps their names for predict.
 * Undefined when pixel names are used or no height and width are given; a count that does not match is
 * refused naming the shape given.
 */
function shapeGiven(features: readonly Column[], target: string, requested: CreateJobBody['image']): ImageShape | undefined {
  if (requested?.height === undefined || requested.width === undefined || namedPixels(features.map((c) => c.name))) return undefined;
  const { height, width } = requested;
  const channels = requested.channels ?? 1;
  const count = height * width * channels;
  if (features.length !== count) {
    const notNumeric = features.filter((c) => c.storage !== 'f64').map((c) => `"${c.name}"`);
    const square = squareShape(features.length);
    const extra = features.length > count ? `, or leave the columns that are no pixels out with "columns": {"name": "ignore"}${notNumeric.length > 0 ? ` (not numeric: ${listSome(notNumeric, MISSING_SHOWN)})` : ''}` : '';
    const hint = `: give a shape of ${features.length} values${square ? ` (such as ${square})` : ''}${extra}`;
    throw new ApiError(
      400,
      'invalid_dataset',
      `image: ${height}x${width}x${channels} (height x width x channels) needs ${count} pixel columns, read in file order when none is named px_r{row}_c{col}; the dataset has ${features.length} column${features.length === 1 ? '' : 's'} besides the target "${target}"${hint}`,
      { field: 'image', pixel_columns: count, columns: features.length },
    );
  }
  return { height, width, channels, columnNames: features.map((c) => c.name) };
}

/** "28x28x1" or "32x32x3": a square image of `values` values, gray first; undefined when there is none. */
function squareShape(values: number): string | undefined {
  for (const channels of [1, 3]) {
    const side = Math.round(Math.sqrt(values / channels));
    if (side * side * channels === values) return `${side}x${side}x${channels}`;
  }
  return undefined;
}

/**
 * What the job says of an image read from columns not named `px_*` (shapeGiven): which columns, and the
 * order assumed, which nothing in the data can confirm.
 */
export function imageShapeWarnings(shape: ImageShape): string[] {
  const names = shape.columnNames;
  if (!names || names.length === 0) return [];
  const span = names.length === 1 ? `"${names[0]}"` : `"${names[0]}" to "${names[names.length - 1]}"`;
  return [
    `the pixel columns are not named px_r{row}_c{col}${paddedNote(names)}: the ${names.length} columns ${span} are read as ${shape.height}x${shape.width}x${shape.channels} images in file order, row by row from the top left${shape.channels > 1 ? ", a pixel's channels side by side" : ''}; if the file orders them otherwise, the images are scrambled (name them px_r{row}_c{col} to say where each is)`,
  ];
}

/**
 * A pixel column that is not numeric, and how to make it so: the job's own `"columns"` declared it
 * otherwise (the profile typed it numeric), or upload read it as categories (more words than a few
 * stray ones), which a numeric declaration reads as missing pixels.
 */
function notNumericPixel(col: Column, profile: readonly { readonly name: string; readonly type?: string }[]): ApiError {
  const uploaded = profile.find((p) => p.name === col.name)?.type;
  const how =
    uploaded === 'numeric' || uploaded === 'constant'
      ? `the job's "columns" reads it as ${col.type}; leave it out of "columns" (cells that are no numbers are read as missing pixels)`
      : `it was read as ${col.type}; correct its cells that are no numbers, or create the job with "columns": {"${col.name}": "numeric"} to read them as missing pixels`;
  return new ApiError(400, 'invalid_dataset', `pixel column "${col.name}" is not numeric: ${how}`, { field: 'columns', column: col.name });
}

/** Most missing pixel columns a refusal lists by name. */
const MISSING_SHOWN = 10;

/**
 * Why feature columns are not one image grid: the missing pixel columns by name when that is the reason,
 * and the target itself when it is one of them (it was reported "missing", which sent users looking for a
 * column that is there).
 */
function noPixelGrid(names: readonly string[], ignore: readonly string[], target: string, all: readonly string[], requested: CreateJobBody['image']): ApiError {
  const missing = missingPixelColumns(names);
  if (missing.includes(target)) {
    const classes = all.filter((n) => n !== target && !ignore.includes(n) && !hasPixelForm(n)).map((n) => `"${n}"`);
    const hint = classes.length === 0 ? '' : ` (here ${classes.length === 1 ? classes[0] : `one of ${listSome(classes, MISSING_SHOWN)}`})`;
    return new ApiError(400, 'invalid_request', `target "${target}" is a pixel column, so it cannot be the target of an image job: an image job's target is the class column${hint}, and every pixel column is an input`, { field: 'target' });
  }
  if (missing.length === 0) {
    // Columns named otherwise are read with a shape given (shapeGiven); say how, with the count it must match.
    const named = namedPixels(names);
    const given = requested?.height !== undefined || requested?.width !== undefined;
    const shaped = named
      ? ''
      : given
        ? `; to read the ${names.length} columns besides the target "${target}" as pixels in file order, give both image.height and image.width`
        : `, or "image": {"height", "width", "channels"} whose product is the ${names.length} columns besides the target "${target}", read as pixels in file order`;
    return new ApiError(400, 'invalid_dataset', `an image job needs pixel columns named px_r{row}_c{col} (or px_r{row}_c{col}_{channel}) covering a complete grid${shaped}${paddedNote(names)}; upload a zip of class folders or a CSV of pixel columns`, {
      field: given && !named ? 'image' : 'task',
    });
  }
  const shown = listSome(missing, MISSING_SHOWN);
  const ignored = missing.filter((n) => ignore.includes(n));
  const why = ignored.length === 0 ? '' : ` (${ignored.length === missing.length ? 'left out' : `${ignored.join(', ')} left out`} by the job's "columns": "ignore")`;
  return new ApiError(
    400,
    'invalid_dataset',
    `the pixel columns do not cover a complete grid: ${shown} ${missing.length === 1 ? 'is' : 'are'} missing${why}${paddedNote(names)}; an image job needs every px_r{row}_c{col} (or px_r{row}_c{col}_{channel}) up to the largest row, column and channel`,
    { field: 'task', missing: missing.slice(0, MISSING_SHOWN) },
  );
}

/** A requested family the job's kind cannot use, and why (shown in the job view). */
export interface SkippedFamily {
  readonly family: string;
  readonly reason: string;
}

/**
 * The families a job searches: the requested ones, else the defaults of its kind, in priority order. A
 * known family that this kind of job cannot use (cnn on a table, rnn outside a forecast, a classifier-only
 * family in a forecast) is skipped and reported, so one list of every family (the contract's example)
 * serves any job; an unknown name, or a list of which nothing applies, is a 400 naming the field.
 */
export function resolveJobFamilies(kind: 'table' | 'image' | 'forecast', requested: readonly string[] | undefined): { families: SearchFamily[]; skipped: SkippedFamily[] } {
  const allowed: readonly SearchFamily[] = kind === 'forecast' ? FORECAST_FAMILIES : ALL_FAMILIES;
  const defaults: readonly SearchFamily[] = kind === 'forecast' ? DEFAULT_FORECAST_FAMILIES : kind === 'image' ? IMAGE_FAMILIES : MODEL_FAMILIES;
  if (!requested) return { families: [...defaults], skipped: [] };
  const known = new Set<string>([...ALL_FAMILIES, ...FORECAST_FAMILIES]);
  const unique = [...new Set(requested)];
  const skipped: SkippedFamily[] = [];
  for (const f of unique) {
    if (!known.has(f)) {
      throw new ApiError(400, 'invalid_request', `model family "${f}" does not exist; this job can use ${usable(kind, allowed).join(', ')}`, { field: 'models' });
    }
    if (kind === 'table' && IMAGE_ONLY_FAMILIES.has(f)) skipped.push({ family: f, reason: 'needs an image job ("task": "image" on pixel columns)' });
    else if (!allowed.includes(f as SearchFamily)) skipped.push({ family: f, reason: kind === 'forecast' ? 'not a forecast family' : 'forecast jobs only ("task": "forecast")' });
  }
  // Keep the registry's priority order so the portfolio tries the strongest family first.
  const order: readonly SearchFamily[] = kind === 'forecast' ? FORECAST_FAMILIES : [...defaults, ...ALL_FAMILIES.filter((f) => !defaults.includes(f))];
  const families = order.filter((f) => unique.includes(f) && !skipped.some((s) => s.family === f));
  if (families.length === 0) {
    const why = skipped.map((s) => `${s.family} ${s.reason}`).join('; ');
    throw new ApiError(400, 'invalid_request', `none of the requested model families can serve this job (${why}); it can use ${usable(kind, allowed).join(', ')}`, { field: 'models' });
  }
  return { families, skipped };
}

/** The families a job of this kind can be given. */
const usable = (kind: 'table' | 'image' | 'forecast', allowed: readonly SearchFamily[]) => allowed.filter((f) => kind !== 'table' || !IMAGE_ONLY_FAMILIES.has(f));

/** Most steps a job may forecast ahead by default, whatever the season. */
const DEFAULT_HORIZON_CAP = 48;

/** A forecast job's series settings, and what the job should warn about them. */
export interface ResolvedForecast {
  readonly spec: ForecastJobSpec;
  /** Steps ahead the rolling origins validate: the job's horizon, or fewer when the series is short. */
  readonly validatedHorizon: number;
  /** Missing target values filled by interpolation, per group ('' without groups). */
  readonly interpolated: Readonly<Record<string, number>>;
  /** Timestamps added in short gaps (then interpolated), per group with any, as the series shows them. */
  readonly added: Readonly<Record<string, readonly string[]>>;
  /** Rows at a series' end without a target, left out, per group with any. */
  readonly trailingMissing: Readonly<Record<string, number>>;
  /** Planned rows (no target) a later planned row of their time revised, left out, per group with any. */
  readonly revisedPlans: Readonly<Record<string, number>>;
  /** Planned rows written after the observation of their time, left out, per group with any. */
  readonly latePlans: Readonly<Record<string, number>>;
  /** The first of them as the warning names it: its data row, the revising one's, its time as the series shows it, its group. */
  readonly firstRevisedPlan?: { readonly row: number; readonly by: number; readonly time: string; readonly group: string };
  readonly leadingMissing: Readonly<Record<string, number>>;
  /** The season the frequency implies (12 for months), which a short series is searched without. */
  readonly naturalSeason: number;
  /**
   * Set when the job named no horizon and got fewer steps than the default of its frequency (a season
   * ahead, at most DEFAULT_HORIZON_CAP): that default, which a series long enough to learn the season gets.
   */
  readonly defaultHorizon?: number;
  /**
   * Set when that horizon is shorter still than the season's or the tenth's: four times what the shortest
   * series can validate, the most a forecast may reach (HORIZON_CAP_FACTOR).
   */
  readonly defaultHorizonValidated?: true;
  /** Columns besides the target, time, group and (past) covariates: a forecast learns from the series' own past, not from them. */
  readonly unused: readonly string[];
  /** Groups left out for being too short to validate on, with their lengths (those a covariate's late start cut are in lateStartWarnings instead). */
  readonly skipped: Readonly<Record<string, number>>;
  /** Of `skipped`, those a simple rule forecasts instead (engine/forecast/fallback), with the rule: the others are refused when asked for. */
  readonly fallback: Readonly<Record<string, FallbackRule>>;
  /** Set when groups were left out for being too short to learn the season most groups learn (engine/forecast/group-length): that season, in steps. */
  readonly skippedForSeason?: number;
  /** Set when every point of every series the models learn from is one number (a target that never moves): that number. */
  readonly constant?: number;
  /** When a covariate's late start shortened the shortest series: the words and details a refusal of it as too short adds. */
  readonly shortestLateStart?: { readonly words: string; readonly details: Record<string, unknown> };
  /** Set when the series is read on its local clock (engine/forecast/local-clock). */
  readonly localClock?: SeriesInfo['localClock'];
  /** What the job warns about the empty past-covariate cells it filled (engine/forecast/past-covariate-fill-warnings). */
  readonly pastFillWarnings: readonly string[];
  /** What the job warns about covariates recorded later than their series began, and the groups they left too short (engine/forecast/covariate-start-warnings). */
  readonly lateStartWarnings: readonly string[];
  /** The step the series were read with (a published forecast's clients count their horizon in it: model-conflict). */
  readonly frequency: SeriesInfo['frequency'];
  /** What the job warns about rows identical to an earlier row of their series, dropped (engine/forecast/duplicate-rows); absent: none. */
  readonly exactRepeatsWarning?: string;
}

/** The series of a forecast job, read from the data (clear 400s for anything that is not one). */
export function resolveForecast(ds: Dataset, target: string, requested: CreateJobBody['forecast']): ResolvedForecast {
  // The newest empty past-covariate cells are checked against the horizon below, once the series decide the default one.
  const columns = { target, timeColumn: requested?.time_column, groupColumn: requested?.group_column, covariates: requested?.covariates, pastCovariates: requested?.past_covariates, timezone: requested?.timezone, horizon: Number.POSITIVE_INFINITY };
  // A group too short to validate on with any season is left out when others can be forecast: one new
  // store's few months must not stop the whole chain's forecast (the job warns, the route explains), nor
  // one a covariate recorded only lately leaves that short (engine/forecast/covariate-start); one too
  // short to learn the season most groups learn is left out too (engine/forecast/group-length). Read first
  // without the groups of a single point, which are no series at all (so one left by a late start is not
  // refused before it can be left out); when none is long enough, the groups the late start cut are the
  // ones kept, and the refusal below names the column.
  const whole = extractSeries(ds, { ...columns, minLength: 2 });
  const groupLength = shortGroupLength(Object.values(whole.info.lengths), whole.info.frequency);
  const minLength = groupLength.minLength;
  const short = whole.info.skipped !== undefined || Object.values(whole.info.lengths).some((n) => n < minLength);
  const { info, series, short: shortSeries } = whole.info.groupColumn !== undefined && short ? extractSeries(ds, { ...columns, minLength }) : whole;
  const lengths = Object.values(info.lengths);
  const length = Math.min(...lengths);
  const week = weekPeriod(info.frequency, info.season);
  const reach = seasonReach(info.frequency, info.season);
  // One season ahead by default (a year of months, a week of days), else a tenth of the series.
  const seasonDefault = Math.min(DEFAULT_HORIZON_CAP, info.season > 1 ? info.season : Math.max(1, Math.round(length / 10)));
  // A series too short for its season (seasonFor) gets a tenth of its length instead, which the job says.
  const frequencyDefault = Math.min(DEFAULT_HORIZON_CAP, naturalSeason(info.frequency));
  // Refuses a series too short to validate on now, rather than failing every trial later; one that a
  // covariate's late start shortened says which and where (engine/forecast/covariate-start).
  const shortestKey = Object.keys(info.lengths).find((g) => info.lengths[g] === length) ?? '';
  const shortestGroup = info.groupColumn === undefined ? undefined : shortestKey;
  const show = showTimeOf(info);
  const shapeOf = (horizon: number): ForecastShape => ({ length, season: info.season, groups: lengths.length, horizon, ...(requested?.origins !== undefined ? { origins: requested.origins } : {}) });
  const asked = requested?.horizon ?? seasonDefault;
  const plan = explainLateStart(info.lateStarts, shortestKey, show, () => validationPlan(shapeOf(asked), requested?.origins, shortestGroup));
  // Forecasts reach at most HORIZON_CAP_FACTOR times what was validated. A default horizon is shortened to
  // that, which the job says (a job refused for a horizon it never named could not tell what to change);
  // the plan stays the one found, as it validates at most what the shorter horizon asks.
  const longest = HORIZON_CAP_FACTOR * plan.horizon;
  const horizon = requested?.horizon === undefined ? Math.min(asked, longest) : asked;
  const shape = shapeOf(horizon);
  const shortened = requested?.horizon === undefined && frequencyDefault > 1 && horizon < frequencyDefault;
  if (requested?.origins !== undefined) checkOrigins(requested.origins, shape, shortestGroup, lateStartNote(info.lateStarts, shortestKey, show));
  // The job's own horizon too is refused past that.
  if (horizon > longest) {
    throw new ApiError(
      400,
      'invalid_request',
      `forecast.horizon ${horizon} is more than ${HORIZON_CAP_FACTOR} times the ${plan.horizon} steps ahead that the shortest series (${length} points) can validate; ask for at most ${longest}, or send a longer series`,
      { field: 'forecast.horizon', max: longest },
    );
  }
  // At most the horizon's newest past-covariate cells of a series may be empty (engine/forecast/past-covariate-fill).
  if (info.pastFilled) checkNewestFills(info.pastFilled, horizon, show);
  // Past covariates are read from the horizon back: the earliest origin must keep points that reach that far.
  const late = lateStartNote(info.lateStarts, shortestKey, show);
  if (info.pastCovariates && pastLagBound(shape) < 1) {
    throw new ApiError(
      400,
      'invalid_request',
      `forecast.past_covariates are read at least forecast.horizon (${horizon}) steps back, which leaves the earliest validation fold of the shortest series (${length} points) too few points to learn from; ask for a shorter horizon, send a longer series, or leave past_covariates out${late ? `; ${late.words}` : ''}`,
      { field: 'forecast.past_covariates', horizon, ...(late ? { ...late.details, field: 'forecast.past_covariates' } : {}) },
    );
  }
  return {
    spec: {
      time_column: info.timeColumn,
      ...(info.groupColumn ? { group_column: info.groupColumn } : {}),
      ...(info.covariates ? { covariates: info.covariates.map((c) => c.name) } : {}),
      ...(info.pastCovariates ? { past_covariates: info.pastCovariates.map((c) => c.name) } : {}),
      horizon,
      season: info.season,
      length,
      groups: lengths.length,
      // log and Box-Cox need positive values: the search leaves them out of a series with a zero or below.
      positive: allPositive(series),
      // A day's season within a week (hourly, business hours): the search may read the weekday and a week back.
      ...(week > 0 ? { week } : {}),
      // Days of different hours: a seasonal difference read on the clock may reach further back than the season.
      ...(reach > info.season ? { season_reach: reach } : {}),
      ...(info.skipped ? { min_length: minLength } : {}),
      ...(info.localClock?.timezone ? { timezone: info.localClock.timezone } : {}),
      // Kept only when asked for: a retraining or challenge then asks for it again (without it, the default's fall-back to one origin stays).
      ...(requested?.origins !== undefined ? { origins: requested.origins } : {}),
    },
    skipped: Object.fromEntries(Object.entries(info.skipped ?? {}).filter(([g]) => !info.lateSkipped?.some((l) => l.group === g))),
    ...(info.skipped && groupLength.season !== undefined ? { skippedForSeason: groupLength.season } : {}),
    // A series that never moves is forecast flat by every family (no model can do better): the job runs, and says so.
    ...([...series, ...(shortSeries ?? []).flatMap((s) => (s.series ? [s.series] : []))].every((s) => s.values.every((v) => v === series[0].values[0])) ? { constant: series[0].values[0] } : {}),
    // The rule each short group that reads as a series is forecast by, as the trials decide it (engine/forecast/run-forecast-trial).
    fallback: Object.fromEntries((shortSeries ?? []).flatMap((s) => (s.series ? [[s.group, fallbackRule(s.series.values.length, naivePeriod(info.frequency, info.season))]] : []))),
    ...(late ? { shortestLateStart: late } : {}),
    validatedHorizon: plan.horizon,
    interpolated: info.interpolated,
    trailingMissing: info.trailingMissing ?? {},
    revisedPlans: info.revisedPlans ?? {},
    latePlans: info.latePlans ?? {},
    ...(info.firstRevisedPlan ? { firstRevisedPlan: { row: info.firstRevisedPlan.row + 1, by: info.firstRevisedPlan.by + 1, time: show(info.firstRevisedPlan.time), group: info.firstRevisedPlan.group } } : {}),
    leadingMissing: info.leadingMissing ?? {},
    added: Object.fromEntries(Object.entries(info.added ?? {}).map(([g, times]) => [g, times.map(show)])),
    pastFillWarnings: pastFillWarnings(info.pastFilled ?? [], horizon, show),
    lateStartWarnings: [...lateStartWarnings(info.lateStarts ?? [], show), ...lateShortWarnings(info.lateSkipped ?? [], info.skipped ?? {}, minLength, show)],
    ...(info.localClock ? { localClock: info.localClock } : {}),
    ...(info.exactRepeats ? { exactRepeatsWarning: exactRepeatsWarning(info.exactRepeats, show, info.groupColumn) } : {}),
    naturalSeason: naturalSeason(info.frequency),
    ...(shortened ? { defaultHorizon: frequencyDefault } : {}),
    ...(requested?.horizon === undefined && horizon < seasonDefault ? { defaultHorizonValidated: true } : {}),
    frequency: info.frequency,
    unused: ds.columns
      .map((c) => c.name)
      .filter((n) => n !== target && n !== info.timeColumn && n !== info.groupColumn && !(requested?.covariates ?? []).includes(n) && !(requested?.past_covariates ?? []).includes(n)),
  };
}

/**
 * Refuses forecast.origins when the shortest series cannot hold that many rolling origins, each keeping
 * the points to fit on that validationPlan requires and validating enough steps for the job's horizon
 * (at most HORIZON_CAP_FACTOR times what is validated); says the most it holds. A series too short for
 * even one origin, or a horizon too long for any, is refused by those checks instead.
 */
function checkOrigins(origins: number, shape: ForecastShape, group: string | undefined, late: { readonly words: string; readonly details: Record<string, unknown> } | undefined): void {
  const most = mostOrigins(shape, MAX_ORIGINS, Math.ceil(shape.horizon / HORIZON_CAP_FACTOR));
  if (origins <= most || most === 0) return;
  const which = group === undefined ? 'the shortest series' : `the shortest series (group "${group}")`;
  const minTrain = minTrainLength(shape.season);
  throw new ApiError(
    400,
    'invalid_request',
    `forecast.origins ${origins}: ${which} has ${shape.length} points, which hold at most ${most} rolling origin${most === 1 ? '' : 's'} (the earliest fold fits on at least ${minTrain} points, with a season of ${shape.season}, and each validates up to ${shape.horizon} steps ahead); ask for at most ${most}, or send a longer series${late ? `; ${late.words}` : ''}`,
    { field: 'forecast.origins', origins, max: most, length: shape.length, ...(group === undefined ? {} : { group }), ...(late ? { ...late.details, field: 'forecast.origins' } : {}) },
  );
}

export type { ForecastFamily, ModelFamily };

/**
 * @module worker/openapi/params
 * Path and query parameters shared by many operations. A path parameter is declared once here by name and
 * every operation whose path holds `{name}` gets it, so adding a route is one table entry. The name pattern
 * restates worker/names' rule for the document (the OpenAPI test checks both agree on sample names).
 */
import { z } from 'zod';

/** A parameter as the operations table states it. */
export interface ParamSpec {
  readonly schema: z.ZodType;
  readonly description: string;
  /** Query parameters only; path parameters are always required. */
  readonly required?: boolean;
}

/** The user-chosen name rule of API.md (datasets, models, tenants, key names); ".." is refused as well. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$';
const name = z.string().regex(new RegExp(NAME_PATTERN));

const positiveInt = z.int().min(1);

/** Every path parameter used in /v1, by the name routes give it. */
export const PATH_PARAMS: Readonly<Record<string, ParamSpec>> = {
  dataset: { schema: name, description: 'dataset name' },
  model: { schema: name, description: 'model name (the `model` of the job that published it; default the dataset name)' },
  id: { schema: z.uuid(), description: 'job id, as answered by POST /v1/jobs' },
  name: { schema: name, description: 'key name, as given when the key was created' },
  version: { schema: positiveInt, description: 'model version number' },
};

/** `?version=N` where a route reads one version instead of the newest or the champion. */
export const versionQuery = (what: string): ParamSpec => ({ schema: positiveInt, description: `${what} version to use (default: ${what === 'dataset' ? 'the newest' : 'the champion'})` });

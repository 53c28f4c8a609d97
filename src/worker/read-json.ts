/**
 * @module worker/read-json
 * Reading and validating a JSON request body against a route's schema (worker/schemas): the body's text
 * (worker/json-body: size cap while streaming, strict UTF-8, what a body that is not JSON looks like),
 * then the schema's first problem as the contract's 400, named by its field's full path. Kept apart from
 * the schemas, which the typed client imports for their types and which must not pull Workers code in.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors';
import { type JsonBodyOptions, jsonBodyText, notJson } from './json-body';
import { MAX_JSON_BYTES } from './schemas';

/** The value at `path` inside `body`, undefined where any step is missing. */
function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let at = body;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

const article = (noun: string) => (/^[aeiou]/.test(noun) ? 'an' : 'a');

/** readJson's options: worker/json-body's hints, and what an optional body that is empty reads as. */
export interface ReadJsonOptions<T> extends JsonBodyOptions {
  readonly empty?: T;
}

/** Reads the request body as JSON and validates it; throws the contract's 400/413/415 errors (worker/json-body). */
export async function readJson<T>(c: Context, schema: z.ZodType<T>, options: ReadJsonOptions<T> = {}): Promise<T> {
  const text = await jsonBodyText(c.req.raw, MAX_JSON_BYTES, options);
  if (options.empty !== undefined && text.trim() === '') return options.empty;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw notJson(text, err instanceof Error ? err.message : String(err), options);
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.join('.') || '(body)';
    if (issue.code === 'unrecognized_keys') {
      // Named by its full path (budget.foo, not foo), as every other field is.
      const keys = issue.keys.map((k) => [...issue.path, k].join('.'));
      throw new ApiError(400, 'invalid_request', `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`, { field: keys[0] });
    }
    // A required field left out reads as such, not as the validator's "expected string, received undefined"
    // (a schema's own message for it, such as the horizon's example, is kept).
    if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input') && issue.path.length > 0 && valueAt(body, issue.path) === undefined) {
      throw new ApiError(400, 'invalid_request', `${field} is required (${article(issue.expected)} ${issue.expected})`, { field });
    }
    // Messages that already start with their field's name (or a field inside it) say it once ("forecast.horizon must be …").
    const message = issue.message.startsWith(`${field} `) || issue.message.startsWith(`${field}.`) ? issue.message : `${field}: ${issue.message}`;
    throw new ApiError(400, 'invalid_request', message, { field });
  }
  return result.data;
}

/**
 * @module worker/openapi/operation
 * The shape of one entry of the operations table (worker/openapi/operations) and the small helpers that
 * keep entries short. Request bodies point at the very zod schemas the handlers validate with, so the
 * document cannot describe a body the Worker would refuse.
 */
import type { z } from 'zod';
import type { ParamSpec } from './params';
import { errorResponse } from './responses';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete';

/**
 * Who may call: `public` needs no key; `key` needs a tenant key or the admin key; `admin` the admin key.
 * The document adds the answers every authenticated route can give (401, 403, 429) from this.
 */
export type Access = 'public' | 'key' | 'admin';

/**
 * One media type of a request body: JSON validated by a zod schema (with an example "Try it out" starts
 * from), or a text / binary file described in words.
 */
export type BodyContent = { readonly json: z.ZodType; readonly example?: unknown } | { readonly text: string } | { readonly binary: string };

/** One answer: its description and, when it has a body, the body's schema and media type. */
export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Default `application/json`. */
  readonly contentType?: string;
  /** The same answer in other media types a client may ask for with Accept (e.g. `text/csv`). */
  readonly alternatives?: Readonly<Record<string, z.ZodType>>;
}

export interface Operation {
  readonly method: HttpMethod;
  /** OpenAPI style (`/v1/models/{model}`); path parameters come from params.PATH_PARAMS by name. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly access: Access;
  readonly query?: Readonly<Record<string, ParamSpec>>;
  readonly body?: { readonly required: boolean; readonly description?: string; readonly content: Readonly<Record<string, BodyContent>> };
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

/** A JSON answer. */
export const ok = (description: string, schema: z.ZodType): ResponseSpec => ({ description, schema });

/** An error answer: the shared error body; the description names the codes a client can branch on. */
export const fail = (description: string): ResponseSpec => ({ description, schema: errorResponse });

/** 204: nothing in the body. */
export const noContent = (description: string): ResponseSpec => ({ description });

/**
 * @module client/errors
 * The one error the client throws for an answered request: the HTTP status plus the contract's error
 * body `{"error": {code, message, details}}`. Answers that are not that body (a proxy's HTML page, an
 * empty 502) still become an ApiClientError, with a code made from the status, so callers switch on
 * `code` alone. Network failures (nothing answered) are left as the runtime's own TypeError/AbortError.
 */

export class ApiClientError extends Error {
  constructor(
    /** HTTP status of the answer. */
    readonly status: number,
    /** The contract's snake_case code (`model_not_found`, `invalid_request`, …). */
    readonly code: string,
    message: string,
    /** What the server named as the culprit: field, column, row, line. */
    readonly details: Record<string, unknown> = {},
    /** `METHOD /path` of the request, for messages. */
    readonly request = '',
  ) {
    super(message);
    this.name = 'ApiClientError';
  }
}

/** Codes for answers that carry no contract error body, by status. */
const FALLBACK_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'unavailable',
  504: 'gateway_timeout',
};

/** Builds the error for a non-2xx answer from its status and body text. */
export function errorFromResponse(status: number, bodyText: string, request = ''): ApiClientError {
  const parsed = parseJson(bodyText);
  const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
  if (error && typeof error.code === 'string') {
    const message = typeof error.message === 'string' ? error.message : `HTTP ${status}`;
    return new ApiClientError(status, error.code, message, isRecord(error.details) ? error.details : {}, request);
  }
  const code = FALLBACK_CODES[status] ?? (status >= 500 ? 'server_error' : 'http_error');
  const excerpt = bodyText.trim().slice(0, 200);
  return new ApiClientError(status, code, `HTTP ${status}${excerpt ? `: ${excerpt}` : ' with an empty body'}`, {}, request);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

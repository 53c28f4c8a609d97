/**
 * @module client/service-types
 * The answers about the service itself and its access: health, and the API keys a tenant makes and lists.
 * Like every client type file, written from the route code rather than imported from it (see client/types).
 */

/** `GET /health`. */
export interface Health {
  status: 'ok';
  version: string;
}

/** `POST /v1/keys` (the key is shown this once). */
export interface CreatedKey {
  key: string;
  tenant: string;
  name: string;
  id: string;
  created_at: string;
}

/** `GET /v1/keys`. */
export interface KeyList {
  keys: { name: string; id: string; created_at: string }[];
}

/**
 * @module cli/context
 * The global options every command shares, resolved once: the server URL (--url, else
 * $EDGE_AUTOML_URL, else local dev), the key (--key, else $EDGE_AUTOML_KEY, else the local dev admin key,
 * but only for a local URL: a deployed Worker never gets a guessed key), the tenant the admin key acts
 * on, and --json. The client is built on the patient fetch. `cli` is how a hint names the next command:
 * this CLI with the global options this run was given (cli/invocation).
 */
import { createClient, type EdgeAutoMLClient } from '../client';
import { UsageError } from './errors';
import { rerunCommand } from './invocation';
import { patientFetch } from './patient-fetch';

export const LOCAL_URL = 'http://127.0.0.1:8787';
export const LOCAL_DEV_KEY = 'local-dev-key';

export interface GlobalOptions {
  url?: string;
  key?: string;
  tenant?: string;
  json?: boolean;
}

export interface Context {
  readonly api: EdgeAutoMLClient;
  readonly url: string;
  /** The tenant the admin key acts on, when --tenant was given (the server's default is "default"). */
  readonly tenant?: string;
  /** Machine output: the API's JSON on stdout, no bars, errors as JSON on stderr. */
  readonly json: boolean;
  /** This CLI as the run was started, global options included (never a key): what hints print before a command. */
  readonly cli: string;
}

export function resolveContext(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Context {
  const url = (opts.url ?? env.EDGE_AUTOML_URL ?? LOCAL_URL).trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`"${url}" is not a URL (expected e.g. ${LOCAL_URL} or https://your-worker.workers.dev)`, '--url');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`"${url}" must start with http:// or https://`, '--url');
  const key = opts.key ?? env.EDGE_AUTOML_KEY ?? (isLocal(parsed) ? LOCAL_DEV_KEY : undefined);
  if (!key) throw new UsageError(`no API key for ${parsed.origin}: pass --key or set EDGE_AUTOML_KEY`, '--key');
  return { api: createClient({ url, key, tenant: opts.tenant, fetch: patientFetch() }), url, ...(opts.tenant ? { tenant: opts.tenant } : {}), json: Boolean(opts.json), cli: rerunCommand(opts, env) };
}

const isLocal = (u: URL) => u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';

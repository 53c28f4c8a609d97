/**
 * @module worker/model-versions
 * Finding the model version a request names, and the answers when it cannot be had, shared by the model
 * routes: serving routes (predict, forecast) resolve through the per-isolate version cache and stay off
 * the registry on the hot path; describing routes (artifact export, drift, evaluation) ask the registry
 * and tell a missing model from a missing version.
 */
import { EngineError } from '../engine';
import type { ModelVersionInfo, Registry } from '../durable/registry';
import { ApiError, notFound } from './errors';
import { positiveIntegerParam } from './integer-param';
import type { WaitUntil } from './refresh-ahead';
import { forgetModel, resolveVersion } from './version-cache';

export const versionNotFound = (name: string, version: number) =>
  new ApiError(404, 'model_version_not_found', `model "${name}" has no version ${version}`, { model: name, version });

/**
 * A version from the request (`?version=N`, or the `{version}` of a path): undefined when absent, else a
 * positive integer or a 400 naming the field. Every route that reads one reads it here.
 */
export function versionParam(raw: string): number;
export function versionParam(raw: string | undefined): number | undefined;
export function versionParam(raw: string | undefined): number | undefined {
  return positiveIntegerParam(raw, 'version');
}

/**
 * The version to serve (the champion, or the pinned one), through the isolate's version cache; with the
 * request's `waitUntil`, the cached champion is renewed in the background (see version-cache).
 */
export async function servedVersion(env: Env, tenant: string, name: string, version: number | undefined, waitUntil?: WaitUntil): Promise<ModelVersionInfo> {
  const resolved = await resolveVersion(tenant, name, version, () => env.REGISTRY.getByName(tenant).resolveModel(name, version), waitUntil);
  if (resolved) return resolved;
  // A miss only: a served request pays nothing for telling the two 404s apart.
  throw await missingVersion(env.REGISTRY.getByName(tenant), name, version);
}

/**
 * The version a serving request gets (servedVersion) with its model loaded by `load` (loadOrCorrupt
 * inside). A request that pinned no version may have been given a cached champion that was promoted
 * past and deleted elsewhere within the cache's second: its files are gone, and loading it answers 404
 * for a version the client never named. Such a request asks the Registry once more and is served the
 * champion of now.
 */
export async function servedModel<T>(
  env: Env,
  tenant: string,
  name: string,
  version: number | undefined,
  waitUntil: WaitUntil | undefined,
  load: (v: ModelVersionInfo) => Promise<T>,
): Promise<{ resolved: ModelVersionInfo; model: T }> {
  const resolved = await servedVersion(env, tenant, name, version, waitUntil);
  try {
    return { resolved, model: await load(resolved) };
  } catch (err) {
    if (version !== undefined || !(err instanceof ApiError && err.code === 'model_version_not_found')) throw err;
    forgetModel(tenant, name);
    const now = await servedVersion(env, tenant, name, undefined);
    if (now.version === resolved.version) throw err;
    return { resolved: now, model: await load(now) };
  }
}

/** The version a describing route asks for, from the registry; 404 names the model or the version. */
export async function describedVersion(env: Env, tenant: string, name: string, version: number | undefined): Promise<ModelVersionInfo> {
  const registry = env.REGISTRY.getByName(tenant);
  const resolved = await registry.resolveModel(name, version);
  if (resolved) return resolved;
  throw await missingVersion(registry, name, version);
}

/** The 404 for a version that did not resolve: a pinned version of a model that exists names the version, else the model. */
async function missingVersion(registry: DurableObjectStub<Registry>, name: string, version: number | undefined): Promise<ApiError> {
  if (version !== undefined && (await registry.getModel(name))) return versionNotFound(name, version);
  return notFound('model', name);
}

/**
 * Loads a version's served form; an unusable artifact (EngineError bad_artifact) becomes the contract's
 * 500 `model_artifact_corrupt` naming model and version, with `route` the thing to do with another version.
 * An artifact missing from storage because the model or the version was deleted after this request
 * resolved its version (the Registry no longer lists it) is the 404 the request would get a moment
 * later, not a 500.
 */
export async function loadOrCorrupt<T>(env: Env, tenant: string, name: string, v: ModelVersionInfo, route: 'predict' | 'forecast', load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof ApiError && err.code === 'storage_missing') {
      const registry = env.REGISTRY.getByName(tenant);
      const listed = await registry.resolveModel(name, v.version).then((r) => r !== null, () => true);
      // The model, or (durable/version-deletion) this version of it, is gone.
      if (!listed) throw await missingVersion(registry, name, v.version);
    }
    if (!(err instanceof EngineError && err.code === 'bad_artifact')) throw err;
    console.error(`model ${name} v${v.version}: ${err.message}`);
    throw new ApiError(500, 'model_artifact_corrupt', `the stored artifact of model "${name}" version ${v.version} cannot be loaded; ${route} with another version or retrain`, {
      model: name,
      version: v.version,
    });
  }
}

/**
 * @module examples/edge-app
 * A tiny edge app: a Worker that scores a loan application with the edge-automl model "credit-risk"
 * through the typed client. `POST /score` with one applicant as JSON answers the predicted class and
 * its probability; the API's refusals come back with their status and code (an unknown column is the
 * caller's mistake and stays a 400; anything else is this app's 502).
 */
import { ApiClientError, createClient } from 'edge-automl';

interface Env {
  /** Base URL of the edge-automl Worker. */
  AUTOML_URL: string;
  /** A tenant key (`edge-automl keys create --tenant T`), set with `wrangler secret put AUTOML_KEY`. */
  AUTOML_KEY: string;
  /** The model to ask; defaults to "credit-risk". */
  AUTOML_MODEL?: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (request.method !== 'POST' || url.pathname !== '/score') return Response.json({ error: 'POST /score with one applicant as JSON' }, { status: 404 });
    let applicant: Record<string, string | number | null>;
    try {
      applicant = await request.json();
    } catch {
      return Response.json({ error: 'the body must be one JSON object of column: value' }, { status: 400 });
    }
    const api = createClient({ url: env.AUTOML_URL, key: env.AUTOML_KEY });
    try {
      const result = await api.models.predict(env.AUTOML_MODEL ?? 'credit-risk', [applicant]);
      const label = String(result.predictions[0]);
      return Response.json({ decision: label, probability: result.probabilities?.[0]?.[label] ?? null, model_version: result.model.version });
    } catch (err) {
      if (!(err instanceof ApiClientError)) throw err;
      const status = err.status === 400 ? 400 : 502;
      return Response.json({ error: err.code, message: err.message, details: err.details }, { status });
    }
  },
};

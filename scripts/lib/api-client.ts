/**
 * A small client for the HTTP API used by the demo and the end-to-end scripts: JSON in and out, errors
 * raised with the contract's error code and message.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.key}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const e = json?.error;
      throw new Error(`${method} ${path} → ${res.status} ${e?.code ?? ''}: ${e?.message ?? text}`);
    }
    return json as T;
  }

  uploadCsv(name: string, csv: string) {
    return this.request<{ name: string; version: number; rows: number; columns: { name: string; type: string }[] }>('PUT', `/v1/datasets/${name}`, csv, 'text/csv');
  }

  createJob(body: Record<string, unknown>) {
    return this.request<{ id: string; status: string }>('POST', '/v1/jobs', body);
  }

  job(id: string) {
    return this.request<JobView>('GET', `/v1/jobs/${id}`);
  }

  predict(model: string, rows: Record<string, unknown>[]) {
    return this.request<{ model: { name: string; version: number }; predictions: (string | number)[]; probabilities?: Record<string, number>[] }>(
      'POST',
      `/v1/models/${model}/predict`,
      { rows },
    );
  }
}

export interface JobView {
  id: string;
  status: string;
  metric: string;
  greater_is_better: boolean;
  progress: { trials_done: number; trials_running: number; trials_failed: number; elapsed_ms: number };
  best: { trial_id: string; family: string; score: number } | null;
  leaderboard: { trial_id: string; family: string; params: Record<string, unknown>; score: number; fit_ms: number | null }[];
  model?: { name: string; version: number };
  error?: { code: string; message: string };
}

export const isTerminal = (status: string) => status === 'succeeded' || status === 'failed' || status === 'cancelled';

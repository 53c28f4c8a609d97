/**
 * Static assets: the dashboard page and the vendored browser libraries are served by the Worker's assets
 * binding, while API routes still reach the Worker (run_worker_first) with their JSON answers.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('static assets', () => {
  it('serves the dashboard page at /', async () => {
    const res = await SELF.fetch('https://example.com/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('edge-automl');
  });

  it('serves the vendored chart library copied at install time', async () => {
    const res = await SELF.fetch('https://example.com/vendor/uplot/uPlot.iife.min.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('uPlot');
  });

  it('still answers API routes from the Worker', async () => {
    const health = await SELF.fetch('https://example.com/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const unknown = await SELF.fetch('https://example.com/v1/nothing-here', { headers: { authorization: 'Bearer test-admin-key' } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

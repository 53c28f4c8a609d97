import { exports } from 'cloudflare:workers';
import { expect, it } from 'vitest';
it('worker answers', async () => {
  const res = await exports.default.fetch('http://x/health');
  expect(res.status).toBe(200);
});

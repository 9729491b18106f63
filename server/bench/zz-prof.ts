import { createTestApp, TEST_ADMIN_TOKEN } from '../src/test-support/test-app.js';
const testApp = await createTestApp({ backend: 'memory' });
const app = testApp.app;
const created = await app.inject({ method: 'POST', url: '/trpc/admin.keys.create', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'bench', rateLimit: { limit: 1_000_000_000, windowSec: 60 } }) });
const apiKey = created.json().result.data.apiKey;
async function time(name: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 500; i++) await fn();
  const t = performance.now(); const n = 2000;
  for (let i = 0; i < n; i++) await fn();
  console.log(name, ((performance.now() - t) / n).toFixed(3), 'ms');
}
await time('livez', () => app.inject({ method: 'GET', url: '/livez' }));
await time('usage.get', () => app.inject({ method: 'GET', url: '/trpc/usage.get', headers: { authorization: `Bearer ${apiKey}` } }));
await time('validate', () => app.inject({ method: 'POST', url: '/trpc/validation.validate', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, payload: JSON.stringify({ schema: { type: 'object' }, document: {} }) }));
await testApp.close();
process.exit(0);

import Fastify from 'fastify';
import { listenUntilSignalled } from './serve.js';

/**
 * The ceiling: a bare Fastify route that parses the same JSON body as the other contenders and
 * answers `{ ok: true }`. No key, no Redis, no validation. Env: PORT.
 */
const app = Fastify();
app.post('/ok', async () => ({ ok: true }));
await listenUntilSignalled(app);

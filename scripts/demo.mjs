// `pnpm demo`: the built server with its embedded worker and console, in DEMO_MODE.
// Uses Redis when REDIS_URL is set and answers; in-memory backends otherwise.
process.env.DEMO_MODE = 'true';
await import('../server/dist/main.js');

import type { FastifyInstance } from 'fastify';

/**
 * What every standalone bench server shares: its settings come from the environment (the bench
 * starts it as a child process), it listens on `PORT` on the loopback interface, announces itself
 * with a `listening on` line and stops cleanly on SIGTERM/SIGINT.
 */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} must be set`);
  return value;
}

export async function listenUntilSignalled(app: FastifyInstance, release: () => Promise<void> = async () => {}) {
  const port = Number(requiredEnv('PORT'));
  const address = await app.listen({ host: '127.0.0.1', port });
  console.log(`listening on ${address}`);
  const stop = () => {
    void app
      .close()
      .then(release)
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

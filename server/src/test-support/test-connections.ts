import { connectAndPing, createCommandConnection } from '../redis/connections.js';
import type { RedisClient } from '../redis/redis-client.js';

/**
 * A command connection of its own to a test's Redis, as another server instance would have;
 * added to `opened`, when given, so the suite closes them all at the end.
 */
export async function openTestConnection(url: string, opened?: RedisClient[]): Promise<RedisClient> {
  const connection = createCommandConnection(url, 2000);
  connection.on('error', () => undefined);
  await connectAndPing(connection, 2000);
  opened?.push(connection);
  return connection;
}

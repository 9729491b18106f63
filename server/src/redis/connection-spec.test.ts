import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config.js';
import { parseConnectionUrl, RedisConnectionSpec } from './connection-spec.js';

const token = { ADMIN_TOKEN: 'a-very-long-admin-token' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Redis Cluster connection settings (REDIS_CLUSTER)', () => {
  it('REDIS_URL lists the seed nodes; credentials and TLS apply to every node; nothing secret is shown', () => {
    const config = parseConfig({
      ...token,
      REDIS_CLUSTER: 'true',
      REDIS_URL: 'redis://app:s3cret-pass@h1:7000,h2:7001, h3:7002',
    });
    const spec = config.redis!;
    expect(spec).toMatchObject({ cluster: true, host: 'h1', port: 7000, username: 'app', tls: false, db: 0 });
    expect(spec.nodes).toEqual([
      { host: 'h1', port: 7000 },
      { host: 'h2', port: 7001 },
      { host: 'h3', port: 7002 },
    ]);
    expect(spec.password).toBe('s3cret-pass');
    expect(spec.redacted).toBe('redis://app:****@h1:7000,h2:7001,h3:7002');
    expect(spec.nodeList).toBe('h1:7000, h2:7001, h3:7002');
    expect(spec.clusterTarget()).toEqual({
      nodes: spec.nodes,
      redisOptions: { username: 'app', password: 's3cret-pass' },
    });
    expect(JSON.stringify(spec)).not.toContain('s3cret');
    expect(inspect(spec)).toBe('RedisConnectionSpec(redis://app:****@h1:7000,h2:7001,h3:7002, cluster)');
    // the URL round trip keeps the cluster (the queue's blocking connections take the URL)
    const again = RedisConnectionSpec.fromUrl(spec.url);
    expect(again.cluster).toBe(true);
    expect(again.nodes).toEqual(spec.nodes);
    expect(again.password).toBe('s3cret-pass');
  });

  it('one seed node is enough; rediss:// and TLS files go to every node', () => {
    const spec = parseConfig({ ...token, REDIS_CLUSTER: '1', REDIS_URL: 'rediss://:pw@[::1]:7000' }).redis!;
    expect(spec).toMatchObject({ cluster: true, tls: true, nodes: [{ host: '::1', port: 7000 }] });
    expect(spec.redacted).toBe('rediss://:****@[::1]:7000');
    expect(spec.clusterTarget().redisOptions).toEqual({ password: 'pw', tls: {} });
  });

  it('nodes may be written as URLs; a /db or ?option goes after the last node', () => {
    const { first, nodes } = parseConnectionUrl('redis://:pw@h1:7000,redis://h2:7001,h3/0?family=6');
    expect(nodes).toEqual([
      { host: 'h1', port: 7000 },
      { host: 'h2', port: 7001 },
      { host: 'h3', port: 6379 },
    ]);
    expect(first.pathname).toBe('/0');
    expect(first.search).toBe('?family=6');
    expect(() => parseConnectionUrl('redis://:pw@h1:7000,redis://:other@h2:7001')).toThrow(/credentials go once/);
    expect(() => parseConnectionUrl('redis://h1:7000,rediss://h2:7001')).toThrow(/same scheme/);
    expect(() => parseConnectionUrl('redis://h1:7000,h2:7001/0,h3:7002')).toThrow(/after the last node/);
  });

  it('REDIS_HOST may list seed nodes, each with an optional port (REDIS_PORT otherwise)', () => {
    const spec = parseConfig({
      ...token,
      REDIS_CLUSTER: 'true',
      REDIS_HOST: 'h1,h2:7001,[::1]:7002',
      REDIS_PORT: '7000',
      REDIS_PASSWORD: 'p@ss,word',
    }).redis!;
    expect(spec).toMatchObject({ cluster: true, source: 'REDIS_HOST' });
    expect(spec.nodes).toEqual([
      { host: 'h1', port: 7000 },
      { host: 'h2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(spec.password).toBe('p@ss,word');
    expect(spec.redacted).toBe('redis://:****@h1:7000,h2:7001,[::1]:7002');
    expect(RedisConnectionSpec.fromUrl(spec.url).password).toBe('p@ss,word');
  });

  it('several nodes without REDIS_CLUSTER, a database other than 0, and bad hosts are refused by name', () => {
    expect(problemsOf({ ...token, REDIS_URL: 'redis://h1:7000,h2:7001' })).toEqual([
      '❌ Redis validation failed: REDIS_URL lists several nodes: set REDIS_CLUSTER=true for a Redis Cluster ' +
        '(they are its seed nodes), or give one redis:// URL',
    ]);
    expect(problemsOf({ ...token, REDIS_CLUSTER: 'true', REDIS_URL: 'redis://h1:7000,h2:7001/3' })).toEqual([
      '❌ Redis validation failed: REDIS_URL selects database 3: a Redis Cluster has database 0 only',
    ]);
    expect(problemsOf({ ...token, REDIS_CLUSTER: 'true', REDIS_HOST: 'h1,h2:99999' })[0]).toContain(
      'REDIS_HOST must be host names or IP addresses, comma-separated',
    );
    expect(problemsOf({ ...token, REDIS_CLUSTER: 'yes', REDIS_URL: 'redis://h1:7000' })[0]).toContain(
      'REDIS_CLUSTER must be one of true, false, 1, 0',
    );
    const garbled = problemsOf({ ...token, REDIS_CLUSTER: 'true', REDIS_URL: 'redis://:pw@h1:7000,:7001' });
    expect(garbled[0]).toContain('REDIS_URL must look like');
    expect(garbled.join()).not.toContain(':pw@');
  });

  it('one Redis is unchanged: one URL, no cluster marker', () => {
    const spec = parseConfig({ ...token, REDIS_URL: 'redis://:pw@127.0.0.1:6380/2' }).redis!;
    expect(spec).toMatchObject({ cluster: false, db: 2, nodes: [{ host: '127.0.0.1', port: 6380 }] });
    expect(spec.url).toBe('redis://:pw@127.0.0.1:6380/2');
    expect(spec.ioredisTarget().url).toBe('redis://:pw@127.0.0.1:6380/2');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { createTollgateClient } from '../../src/client/index.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import {
  ADMIN_TOKEN,
  Processes,
  exerciseServer,
  expectJobCompletes,
  expectNoSecrets,
  pemBodyLines,
  runKeysCli,
} from './helpers.js';

/**
 * The connection settings of CONTRACT §11 end to end, on the built server, standalone worker and
 * keys CLI: TLS with a private CA (rediss:// and REDIS_TLS=true), a client certificate, ACL users
 * (with and without CONFIG), REDIS_HOST/REDIS_PORT/REDIS_PASSWORD. Secrets never reach the output.
 */
describe('Redis connection settings (built processes, real redis-server)', () => {
  const processes = new Processes();
  const redisServers: TestRedisServer[] = [];

  async function redisWith(options: Parameters<typeof TestRedisServer.start>[0]) {
    const redis = await TestRedisServer.start(options);
    redisServers.push(redis);
    return redis;
  }

  afterAll(async () => {
    await processes.destroy();
    await Promise.all(redisServers.map((redis) => redis.destroy()));
  });

  it('rediss:// with REDIS_TLS_CA_FILE: start-up, health, a guarded call, a job, the keys CLI', async () => {
    const password = 'tls-url-secret-4411';
    const redis = await redisWith({ tls: true, password });
    const tls = redis.tlsFiles!;
    const env = { REDIS_URL: redis.url, REDIS_TLS_CA_FILE: tls.caFile, ENVIRONMENT: 'production' };
    expect(env.REDIS_URL).toMatch(/^rediss:\/\//);
    const server = await processes.server(env);
    await server.ready();
    expect(server.output.filter((line) => line.startsWith('✓')).slice(0, 4)).toEqual([
      `✓ Redis counter backend connected: 127.0.0.1:${redis.port}`,
      '✓ Counter backend initialized (Redis)',
      '✓ Redis queue service connected',
      '✓ Queue service initialized (Redis)',
    ]);
    const apiKey = await exerciseServer(server);

    const cli = await runKeysCli(['create', '--name', 'over-tls'], env);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`✓ API key created in 127.0.0.1:${redis.port}`);
    const cliKey = /API key \(shown only once\): (tg_\S+)/.exec(cli.stdout)![1]!;
    const client = createTollgateClient({ url: server.url, apiKey: cliKey });
    expect((await client.usage.get.query()).key.name).toBe('over-tls');

    expectNoSecrets(server.text + cli.stderr, [password, ADMIN_TOKEN, apiKey, cliKey]);
  });

  it('REDIS_TLS=true with REDIS_HOST/REDIS_PORT/REDIS_PASSWORD and a client certificate; a standalone worker', async () => {
    const password = 'tls-host-secret-7702';
    const redis = await redisWith({ tls: { clientCerts: 'required' }, password });
    const tls = redis.tlsFiles!;
    const env = {
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redis.port),
      REDIS_PASSWORD: password,
      REDIS_TLS: 'true',
      REDIS_TLS_CA_FILE: tls.caFile,
      REDIS_TLS_CERT_FILE: tls.certFile,
      REDIS_TLS_KEY_FILE: tls.keyFile,
    };
    const [server, worker] = await Promise.all([
      processes.server({ ...env, RUN_WORKER: 'false' }),
      processes.worker({ ...env, WORKER_CONCURRENCY: '2' }),
    ]);
    await Promise.all([server.ready(), worker.waitForLine('✓ Worker started (concurrency 2)')]);
    expect(server.output).toContain(`✓ Redis counter backend connected: 127.0.0.1:${redis.port}`);
    expect(worker.output).toContain(`✓ Redis queue service connected: 127.0.0.1:${redis.port}`);
    // the job runs on the standalone worker: its blocking connections use TLS and the client certificate too
    const apiKey = await exerciseServer(server);

    // without the client certificate Redis refuses the handshake: start-up says where, never the secrets
    const refused = await processes.server({
      ...env,
      REDIS_TLS_CERT_FILE: '',
      REDIS_TLS_KEY_FILE: '',
      REDIS_CONNECT_TIMEOUT_MS: '1500',
    });
    expect((await refused.waitForExit()).code).toBe(1);
    expect(refused.text).toContain(
      `❌ Redis validation failed: Failed to connect to Redis at rediss://:****@127.0.0.1:${redis.port}`,
    );

    const output = [server.text, worker.text, refused.text].join('\n');
    expectNoSecrets(output, [password, ADMIN_TOKEN, apiKey, ...pemBodyLines(tls.keyFile)]);
  });

  it('an ACL user confined to the key prefix (redis://user:pass@…), with persistence: no warnings', async () => {
    const user = {
      name: 'tollgate-app',
      password: 'acl-user-secret-3390',
      rules: ['~tollgate:*', '&tollgate:*', '+@all', '-@admin', '+config|get'],
    };
    const redis = await redisWith({ aclUser: user, disableDefaultUser: true, appendOnly: true });
    expect(redis.url).toContain('tollgate-app:');
    const server = await processes.server({ REDIS_URL: redis.url, ENVIRONMENT: 'production' });
    await server.ready();
    const apiKey = await exerciseServer(server);
    expect(server.output.filter((line) => line.startsWith('⚠'))).toEqual([]);
    expectNoSecrets(server.text, [user.password, ADMIN_TOKEN, apiKey]);
  });

  it('an ACL user without +config (REDIS_USERNAME/REDIS_PASSWORD): says so once and carries on', async () => {
    const user = { name: 'no-config', password: 'acl-noconfig-secret-51', rules: ['~*', '&*', '+@all', '-config'] };
    const redis = await redisWith({ aclUser: user, disableDefaultUser: true });
    const server = await processes.server({
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redis.port),
      REDIS_USERNAME: user.name,
      REDIS_PASSWORD: user.password,
      ENVIRONMENT: 'production',
    });
    await server.ready();
    const refused = server.output.filter((line) => line.includes('CONFIG GET'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/^⚠ Redis refused CONFIG GET \(NOPERM/);
    expect(refused[0]).toContain('maxmemory-policy read from INFO instead (noeviction)');
    const apiKey = await exerciseServer(server);
    expectNoSecrets(server.text, [user.password, ADMIN_TOKEN, apiKey]);
  });

  it('REDIS_HOST/REDIS_PORT/REDIS_PASSWORD instead of a URL; a URL beside them wins and the mix is reported', async () => {
    const password = 'host-form-secret-6620';
    const redis = await redisWith({ password });
    const hostForm = { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(redis.port), REDIS_PASSWORD: password };
    const [server, mixed] = await Promise.all([
      processes.server(hostForm),
      processes.server({ REDIS_URL: redis.url, REDIS_HOST: 'nowhere.invalid', REDIS_PASSWORD: 'mixed-wrong-secret' }),
    ]);
    await Promise.all([server.ready(), mixed.ready()]);
    expect(server.output).toContain(`✓ Redis counter backend connected: 127.0.0.1:${redis.port}`);
    const apiKey = await exerciseServer(server);
    expect(mixed.output).toContain(
      '⚠ REDIS_URL and REDIS_HOST, REDIS_PASSWORD are both set: the URL wins, those variables are ignored',
    );
    const client = createTollgateClient({ url: mixed.url, apiKey });
    await expectJobCompletes(client);

    // a wrong password: refused at start-up, the cause named, the password never printed
    const wrong = await processes.server({ ...hostForm, REDIS_PASSWORD: 'not-the-password-99' });
    expect((await wrong.waitForExit()).code).toBe(1);
    expect(wrong.text).toContain(`Failed to connect to Redis at redis://:****@127.0.0.1:${redis.port}`);
    expect(wrong.text).toMatch(/cause: WRONGPASS/);

    const output = [server.text, mixed.text, wrong.text].join('\n');
    expectNoSecrets(output, [password, 'mixed-wrong-secret', 'not-the-password-99', ADMIN_TOKEN, apiKey]);
  });
});

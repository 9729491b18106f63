import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { freePort } from './free-port.js';

/** An ACL user (`--user name on >password rules…`). */
export interface TestAclUser {
  name: string;
  password: string;
  /** ACL rules; default `~* &* +@all` (every key and command) */
  rules?: string[];
}

export interface RedisServerOptions {
  /** requirepass: the password of the `default` user */
  password?: string;
  /** AOF with appendfsync always: what was acknowledged survives a restart */
  appendOnly?: boolean;
  /**
   * TLS only (no plain port), with a CA, a server certificate (localhost, 127.0.0.1) and a client
   * certificate generated with openssl in the server's directory. `clientCerts: 'required'` makes
   * Redis refuse clients that present no certificate signed by the CA (default `optional`).
   */
  tls?: boolean | { clientCerts: 'optional' | 'required' };
  /** an ACL user; `url` then logs in as this user */
  aclUser?: TestAclUser;
  /** turn the `default` user off, so only the ACL user gets in */
  disableDefaultUser?: boolean;
  /** default `noeviction` */
  maxmemoryPolicy?: string;
  /** RDB save points (`save`); default '' (no snapshots) */
  save?: string;
}

/** PEM files of a TLS test server: the CA, and a client certificate with its key. */
export interface TestTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/**
 * A real `redis-server` that a test started on a free loopback port, in its own temporary
 * directory. It can be stopped, killed (-9), paused (SIGSTOP), resumed and restarted on the
 * same port with the same data directory.
 */
export class TestRedisServer {
  private process: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'tollgate-redis-'));
  private recentOutput = '';
  /** the CA and a client certificate, when started with `tls` */
  readonly tlsFiles: TestTlsFiles | null;
  private readonly serverCert: { certFile: string; keyFile: string } | null;

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {
    if (options.tls === undefined || options.tls === false) {
      this.tlsFiles = null;
      this.serverCert = null;
    } else {
      const generated = generateTestCertificates(join(this.dir, 'tls'));
      this.tlsFiles = generated.client;
      this.serverCert = generated.server;
    }
  }

  static async start(options: RedisServerOptions = {}): Promise<TestRedisServer> {
    ensureRedisServerBinary();
    const server = new TestRedisServer(await freePort(), options);
    await server.launch();
    return server;
  }

  /**
   * redis[s]://[user:password@]127.0.0.1:port: `rediss` with `tls`, the ACL user's credentials
   * when there is one, else the `default` user's password.
   */
  get url(): string {
    const scheme = this.tlsFiles === null ? 'redis' : 'rediss';
    const { aclUser, password } = this.options;
    const auth =
      aclUser !== undefined
        ? `${encodeURIComponent(aclUser.name)}:${encodeURIComponent(aclUser.password)}@`
        : password === undefined
          ? ''
          : `:${encodeURIComponent(password)}@`;
    return `${scheme}://${auth}127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  private async launch(): Promise<void> {
    const args = [
      ...this.listenArgs(),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      this.options.save ?? '',
      '--maxmemory-policy',
      this.options.maxmemoryPolicy ?? 'noeviction',
      '--appendonly',
      this.options.appendOnly === true ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ];
    if (this.options.password !== undefined) args.push('--requirepass', this.options.password);
    const { aclUser } = this.options;
    if (aclUser !== undefined) {
      args.push('--user', aclUser.name, 'on', `>${aclUser.password}`, ...(aclUser.rules ?? ['~*', '&*', '+@all']));
    }
    if (this.options.disableDefaultUser === true) args.push('--user', 'default', 'off');
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    this.recentOutput = '';
    const keep = (chunk: Buffer) => {
      this.recentOutput = (this.recentOutput + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('exit', () => {
      if (this.process === child) this.process = null;
    });
    await waitForPort(this.port, 10_000, () => (child.exitCode === null ? null : this.recentOutput));
  }

  private listenArgs(): string[] {
    const tls = this.options.tls;
    if (this.serverCert === null || this.tlsFiles === null || tls === undefined || tls === false) {
      return ['--port', String(this.port)];
    }
    const clientCerts = tls === true ? 'optional' : tls.clientCerts;
    return [
      '--port',
      '0',
      '--tls-port',
      String(this.port),
      '--tls-cert-file',
      this.serverCert.certFile,
      '--tls-key-file',
      this.serverCert.keyFile,
      '--tls-ca-cert-file',
      this.tlsFiles.caFile,
      '--tls-auth-clients',
      clientCerts === 'required' ? 'yes' : 'optional',
    ];
  }

  /** Graceful shutdown (SIGTERM); resolves when the process has exited. */
  async stop(): Promise<void> {
    await this.signalAndWait('SIGTERM');
  }

  /** kill -9: no chance to save anything that was not already on disk. */
  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL');
  }

  /** SIGSTOP: the port still accepts connections, but nothing answers (a hung Redis). */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  /** Starts again on the same port and directory (the AOF, if any, is replayed). */
  async restart(): Promise<void> {
    if (this.process !== null) await this.stop();
    await this.launch();
  }

  /** Stops the server and removes its directory. */
  async destroy(): Promise<void> {
    this.resume();
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    if (child === null || child.exitCode !== null) return;
    if (signal !== 'SIGKILL') child.kill('SIGCONT');
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
    this.process = null;
  }
}

export function ensureRedisServerBinary(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      'redis-server was not found on PATH. The tests start their own Redis: install it first ' +
        '(Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis).',
    );
  }
}

/**
 * A throwaway CA, a server certificate for localhost / 127.0.0.1 and a client certificate, all
 * signed by that CA (P-256 keys: fast), written into `dir` with openssl.
 */
function generateTestCertificates(dir: string): {
  client: TestTlsFiles;
  server: { certFile: string; keyFile: string };
} {
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  const openssl = (args: string[]) => {
    const run = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (run.error !== undefined || run.status !== 0) {
      throw new Error(`openssl ${args[0]} failed (is openssl on PATH?): ${run.error?.message ?? run.stderr}`);
    }
  };
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...newKey,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=Tollgate test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const issue = (name: string, subject: string, extensions: string) => {
    writeFileSync(file(`${name}.ext`), extensions);
    openssl(['req', ...newKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject]);
    openssl([
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file(`${name}.crt`),
      '-days',
      '2',
      '-extfile',
      file(`${name}.ext`),
    ]);
    return { certFile: file(`${name}.crt`), keyFile: file(`${name}.key`) };
  };
  const server = issue(
    'server',
    '/CN=localhost',
    'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  const client = issue(
    'client',
    '/CN=tollgate-test-client',
    'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n',
  );
  return { server, client: { caFile: file('ca.crt'), ...client } };
}

export async function waitForPort(port: number, timeoutMs: number, exited: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const output = exited();
    if (output !== null) throw new Error(`redis-server exited before listening on ${port}:\n${output}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

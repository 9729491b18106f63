import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { ensureRedisServerBinary, waitForPort } from './redis-server.js';

export interface RedisClusterOptions {
  /** masters (default 3), each with `replicas` replicas (default 1) */
  masters?: number;
  replicas?: number;
  /** requirepass and masterauth of every node */
  password?: string;
  /** cluster-node-timeout: how soon a dead master is failed over (default 1000 ms) */
  nodeTimeoutMs?: number;
  /** default `noeviction` */
  maxmemoryPolicy?: string;
}

/** One node as CLUSTER NODES describes it. */
export interface ClusterNodeInfo {
  id: string;
  port: number;
  role: 'master' | 'replica';
  /** the master's id, for a replica */
  masterId: string | null;
  failed: boolean;
  /** slot ranges served, inclusive (masters) */
  slots: Array<[number, number]>;
}

/** What `killMaster` saw: the master killed, the replica promoted in its place, and how long that took. */
export interface Failover {
  killedPort: number;
  promotedPort: number;
  /** from the SIGKILL to every surviving node reporting cluster_state:ok with the replica promoted */
  ms: number;
}

interface NodeProcess {
  port: number;
  busPort: number;
  dir: string;
  process: ChildProcess | null;
  output: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A real Redis Cluster that a test started on free loopback ports: `masters` masters with
 * `replicas` replicas each (`redis-server --cluster-enabled yes` per node, AOF with appendfsync
 * always, joined by `redis-cli --cluster create`), in its own temporary directory. Never touches a
 * Redis it did not start. `killMaster` SIGKILLs a master and waits for the automatic failover.
 */
export class TestRedisCluster {
  private readonly nodes: NodeProcess[];

  private constructor(
    private readonly root: string,
    ports: Array<{ port: number; busPort: number }>,
    private readonly options: Required<Omit<RedisClusterOptions, 'password'>> & { password: string | undefined },
  ) {
    this.nodes = ports.map(({ port, busPort }) => {
      const dir = join(root, String(port));
      mkdirSync(dir, { recursive: true });
      return { port, busPort, dir, process: null, output: '' };
    });
  }

  static async start(options: RedisClusterOptions = {}): Promise<TestRedisCluster> {
    ensureRedisServerBinary();
    const settings = {
      masters: options.masters ?? 3,
      replicas: options.replicas ?? 1,
      password: options.password,
      nodeTimeoutMs: options.nodeTimeoutMs ?? 1000,
      maxmemoryPolicy: options.maxmemoryPolicy ?? 'noeviction',
    };
    const count = settings.masters * (settings.replicas + 1);
    const ports = await distinctFreePorts(count * 2);
    const cluster = new TestRedisCluster(
      mkdtempSync(join(tmpdir(), 'tollgate-cluster-')),
      Array.from({ length: count }, (_, i) => ({ port: ports[2 * i]!, busPort: ports[2 * i + 1]! })),
      settings,
    );
    try {
      await Promise.all(cluster.nodes.map((node) => cluster.launch(node)));
      cluster.create();
      await cluster.waitUntilHealthy(20_000);
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** Every node's port, in start order (the first `masters` are the seeds of `url`). */
  get ports(): number[] {
    return this.nodes.map((node) => node.port);
  }

  /** `redis://[:password@]127.0.0.1:P1,127.0.0.1:P2,…`: the seed nodes, as REDIS_URL takes them with REDIS_CLUSTER=true. */
  get url(): string {
    const auth = this.options.password === undefined ? '' : `:${encodeURIComponent(this.options.password)}@`;
    const seeds = this.nodes.slice(0, this.options.masters).map((node) => `127.0.0.1:${node.port}`);
    return `redis://${auth}${seeds.join(',')}`;
  }

  /** The nodes as a live node sees them (CLUSTER NODES). */
  async topology(): Promise<ClusterNodeInfo[]> {
    for (const node of this.liveNodes()) {
      try {
        return parseClusterNodes(String(await this.command(node.port, 'CLUSTER', 'NODES')));
      } catch {
        // try the next node
      }
    }
    throw new Error('no cluster node answers');
  }

  /** The live masters, by port. */
  async masters(): Promise<ClusterNodeInfo[]> {
    return (await this.topology()).filter((node) => node.role === 'master' && !node.failed && node.slots.length > 0);
  }

  /** The hash slot of a key (CLUSTER KEYSLOT). */
  async slotOf(key: string): Promise<number> {
    const node = this.liveNodes()[0];
    if (node === undefined) throw new Error('no live node');
    return Number(await this.command(node.port, 'CLUSTER', 'KEYSLOT', key));
  }

  /** The port of the master serving `key`'s slot. */
  async masterPortOf(key: string): Promise<number> {
    const slot = await this.slotOf(key);
    const master = (await this.masters()).find((node) => node.slots.some(([from, to]) => slot >= from && slot <= to));
    if (master === undefined) throw new Error(`no master serves slot ${slot}`);
    return master.port;
  }

  /**
   * SIGKILLs the master on `port` (nothing saved that was not already on disk) and waits until
   * one of its replicas has been promoted and every surviving node says cluster_state:ok.
   */
  async killMaster(port: number, timeoutMs = 20_000): Promise<Failover> {
    const before = await this.topology();
    const master = before.find((node) => node.port === port && node.role === 'master');
    if (master === undefined) throw new Error(`${port} is not a master`);
    const replicas = new Set(before.filter((node) => node.masterId === master.id).map((node) => node.port));
    if (replicas.size === 0) throw new Error(`master ${port} has no replica to promote`);
    const started = performance.now();
    await this.kill(port);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const promoted = await this.topology()
        .then((nodes) => nodes.find((node) => replicas.has(node.port) && node.role === 'master' && !node.failed))
        .catch(() => undefined);
      if (promoted !== undefined && (await this.allSay('cluster_state:ok'))) {
        return { killedPort: port, promotedPort: promoted.port, ms: Math.round(performance.now() - started) };
      }
      if (Date.now() > deadline) throw new Error(`no replica of ${port} was promoted within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /** SIGKILL of one node, waiting for its exit. */
  async kill(port: number): Promise<void> {
    const node = this.node(port);
    const child = node.process;
    if (child === null || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    node.process = null;
  }

  /** Starts a killed node again on its port and directory: it rejoins (a former master as a replica). */
  async restart(port: number): Promise<void> {
    const node = this.node(port);
    if (node.process !== null) return;
    await this.launch(node);
  }

  /** Kills every node and removes the cluster's directory. */
  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((node) => this.kill(node.port)));
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Waits for cluster_state:ok on every live node and every replica's link to its master up. */
  async waitUntilHealthy(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.allSay('cluster_state:ok')) && (await this.replicasInSync())) return;
      if (Date.now() > deadline) throw new Error(`the cluster was not ready within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  /** One command on one node, over a connection of its own (short timeouts, no retries). */
  async command(port: number, ...args: string[]): Promise<unknown> {
    const redis = new Redis({
      host: '127.0.0.1',
      port,
      ...(this.options.password === undefined ? {} : { password: this.options.password }),
      lazyConnect: true,
      connectTimeout: 1000,
      commandTimeout: 1000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      const [name, ...rest] = args;
      return await redis.call(name!, ...rest);
    } finally {
      redis.disconnect();
    }
  }

  private node(port: number): NodeProcess {
    const node = this.nodes.find((candidate) => candidate.port === port);
    if (node === undefined) throw new Error(`no node on ${port}`);
    return node;
  }

  private liveNodes(): NodeProcess[] {
    return this.nodes.filter((node) => node.process !== null);
  }

  private async launch(node: NodeProcess): Promise<void> {
    const args = [
      '--port',
      String(node.port),
      '--cluster-port',
      String(node.busPort),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${node.port}.conf`,
      '--cluster-node-timeout',
      String(this.options.nodeTimeoutMs),
      // a replica may always take over, however long it was cut off (fast, test-sized failovers)
      '--cluster-replica-validity-factor',
      '0',
      '--dir',
      node.dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
      '--maxmemory-policy',
      this.options.maxmemoryPolicy,
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ];
    if (this.options.password !== undefined) {
      args.push('--requirepass', this.options.password, '--masterauth', this.options.password);
    }
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    node.process = child;
    node.output = '';
    const keep = (chunk: Buffer) => {
      node.output = (node.output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('exit', () => {
      if (node.process === child) node.process = null;
    });
    await waitForPort(node.port, 10_000, () => (child.exitCode === null ? null : node.output));
  }

  /** `redis-cli --cluster create … --cluster-replicas N --cluster-yes` */
  private create(): void {
    const args = [
      '--cluster',
      'create',
      ...this.nodes.map((node) => `127.0.0.1:${node.port}`),
      '--cluster-replicas',
      String(this.options.replicas),
      '--cluster-yes',
    ];
    if (this.options.password !== undefined) args.push('-a', this.options.password, '--no-auth-warning');
    const run = spawnSync('redis-cli', args, { encoding: 'utf8', timeout: 30_000 });
    if (run.error !== undefined || run.status !== 0) {
      throw new Error(`redis-cli --cluster create failed: ${run.error?.message ?? `${run.stdout}\n${run.stderr}`}`);
    }
  }

  private async replicasInSync(): Promise<boolean> {
    const topology = await this.topology().catch(() => []);
    const replicas = topology.filter((node) => node.role === 'replica' && !node.failed);
    if (replicas.length < this.liveNodes().length - this.options.masters) return false;
    const links = await Promise.all(
      replicas.map((node) => this.command(node.port, 'INFO', 'replication').catch(() => '')),
    );
    return links.every((info) => String(info).includes('master_link_status:up'));
  }

  /** Every live node's CLUSTER INFO contains `text`. */
  private async allSay(text: string): Promise<boolean> {
    const infos = await Promise.all(
      this.liveNodes().map((node) => this.command(node.port, 'CLUSTER', 'INFO').catch(() => '')),
    );
    return infos.every((info) => String(info).includes(text));
  }
}

/** The lines of CLUSTER NODES. */
export function parseClusterNodes(text: string): ClusterNodeInfo[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id = '', address = '', flags = '', master = '-', , , , , ...slots] = line.trim().split(' ');
      const flagSet = new Set(flags.split(','));
      const port = Number(/:(\d+)@/.exec(address)?.[1] ?? /:(\d+)$/.exec(address)?.[1]);
      return {
        id,
        port,
        role: flagSet.has('master') ? ('master' as const) : ('replica' as const),
        masterId: master === '-' ? null : master,
        failed: flagSet.has('fail') || flagSet.has('noaddr'),
        slots: slots
          .filter((slot) => !slot.startsWith('['))
          .map((slot): [number, number] => {
            const [from, to] = slot.split('-').map(Number);
            return [from!, to ?? from!];
          }),
      };
    });
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

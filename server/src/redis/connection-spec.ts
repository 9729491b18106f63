import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { inspect } from 'node:util';
import { redactRedisUrl } from './redact.js';

/** PEM files for TLS to Redis: a private CA, and a client certificate with its key. */
export interface RedisTlsFiles {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

/** Which variables the connection came from (REDIS_URL, or REDIS_HOST and its companions). */
export type RedisConnectionSource = 'REDIS_URL' | 'REDIS_HOST';

/** Fragment parameters of a connection URL that carry the TLS files (ioredis never sees them). */
const TLS_PARAMS = { caFile: 'tls-ca-file', certFile: 'tls-cert-file', keyFile: 'tls-key-file' } as const;

/** Fragment parameter marking the URL's nodes as the seed nodes of a Redis Cluster. */
const CLUSTER_PARAM = 'cluster';

/** One Redis node: a host (an IPv6 address without brackets) and a port. */
export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

/** What `new Redis(url, options)` needs beyond the caller's own options. */
export interface IoredisTarget {
  url: string;
  tls?: ConnectionOptions;
}

/** What `new Cluster(nodes, { redisOptions })` needs beyond the caller's own options. */
export interface IoredisClusterTarget {
  nodes: RedisNode[];
  /** credentials and TLS of every node connection */
  redisOptions: { username?: string; password?: string; tls?: ConnectionOptions };
}

/**
 * Where and how to reach Redis — host, port, ACL user and password, db, TLS and its files, or the
 * seed nodes of a Redis Cluster (REDIS_CLUSTER) — as one value that every connection factory
 * takes, so TLS and ACL apply to the command connection, BullMQ's blocking connections and the
 * keys CLI alike.
 *
 * `url` is its complete serialization (the password included, TLS files and the cluster marker in
 * the fragment; a cluster's nodes comma-separated, `redis://:pw@h1:7000,h2:7001#cluster=1`): it is
 * what crosses module boundaries that take a string. Never print it: use `redacted` or
 * `hostPort`. JSON and `util.inspect` show the redacted form only.
 */
export class RedisConnectionSpec {
  /** the first node's host and port (the only node of one Redis) */
  readonly host: string;
  readonly port: number;
  /** one node for one Redis; the seed nodes of a cluster, as given */
  readonly nodes: readonly RedisNode[];
  /** REDIS_CLUSTER: `nodes` are seeds of a Redis Cluster, reached through an ioredis Cluster */
  readonly cluster: boolean;
  readonly db: number;
  readonly username: string | undefined;
  readonly tls: boolean;
  readonly tlsFiles: RedisTlsFiles;

  private constructor(
    readonly url: string,
    readonly source: RedisConnectionSource,
  ) {
    const parsed = parseConnectionUrl(url);
    const fragment = new URLSearchParams(parsed.first.hash.replace(/^#/, ''));
    this.cluster = fragment.get(CLUSTER_PARAM) === '1';
    if (!this.cluster && parsed.nodes.length > 1) {
      throw new TypeError(
        'a Redis URL names one host:port; several comma-separated nodes are the seeds of a Redis Cluster (REDIS_CLUSTER=true)',
      );
    }
    this.nodes = Object.freeze(parsed.nodes.map((node) => Object.freeze({ ...node })));
    this.host = parsed.nodes[0]!.host;
    this.port = parsed.nodes[0]!.port;
    const db = parsed.first.pathname.replace(/^\//, '');
    this.db = /^\d+$/.test(db) ? Number(db) : 0;
    this.username = parsed.first.username === '' ? undefined : decodeURIComponent(parsed.first.username);
    this.tls = parsed.first.protocol === 'rediss:';
    const files: { -readonly [K in keyof RedisTlsFiles]: string } = {};
    for (const [field, param] of Object.entries(TLS_PARAMS) as Array<[keyof RedisTlsFiles, string]>) {
      const path = fragment.get(param);
      if (path !== null && path !== '') files[field] = path;
    }
    this.tlsFiles = Object.freeze(files);
    Object.freeze(this);
  }

  /** A connection URL as REDIS_URL gives it, or as `url` serialized it. */
  static fromUrl(url: string, source: RedisConnectionSource = 'REDIS_URL'): RedisConnectionSpec {
    return new RedisConnectionSpec(url, source);
  }

  /**
   * The spec of separate settings (REDIS_HOST, REDIS_PORT, … or a URL plus TLS files). With
   * `cluster`, the URL may list several nodes (`redis://:pw@h1:7000,h2:7001`) and `nodes` replaces
   * `host` and `port`.
   */
  static from(parts: {
    url?: string;
    host?: string;
    port?: number;
    nodes?: readonly RedisNode[];
    username?: string;
    password?: string;
    tls?: boolean;
    tlsFiles?: RedisTlsFiles;
    cluster?: boolean;
  }): RedisConnectionSpec {
    const fragment = new URLSearchParams();
    if (parts.cluster === true) fragment.set(CLUSTER_PARAM, '1');
    for (const [field, param] of Object.entries(TLS_PARAMS) as Array<[keyof RedisTlsFiles, string]>) {
      const path = parts.tlsFiles?.[field];
      if (path !== undefined) fragment.set(param, path);
    }
    const hash = fragment.size === 0 ? '' : `#${fragment.toString()}`;
    const source = parts.url === undefined ? 'REDIS_HOST' : 'REDIS_URL';
    if (parts.url === undefined && parts.nodes === undefined) {
      const base = buildUrl(
        parts.host ?? '127.0.0.1',
        parts.port ?? 6379,
        parts.username,
        parts.password,
        parts.tls === true,
      );
      return new RedisConnectionSpec(base.toString() + hash, source);
    }
    const parsed =
      parts.url !== undefined
        ? parseConnectionUrl(parts.url)
        : {
            first: buildUrl('127.0.0.1', 6379, parts.username, parts.password, parts.tls === true),
            nodes: parts.nodes!,
          };
    if (parsed.nodes.length === 0) throw new TypeError('no Redis node given');
    if (parsed.nodes.length === 1 && parts.url !== undefined) {
      const single = new URL(parsed.first);
      single.hash = hash;
      return new RedisConnectionSpec(single.toString(), source);
    }
    return new RedisConnectionSpec(serializeNodes(parsed.first, parsed.nodes) + hash, source);
  }

  /** `host:port` of the first node, as the start-up lines name one Redis (IPv6 in brackets). */
  get hostPort(): string {
    return hostPortOf(this.nodes[0]!);
  }

  /** Every node's `host:port`, comma-separated. */
  get nodeList(): string {
    return this.nodes.map(hostPortOf).join(', ');
  }

  /** The URL with any password as `****` and without the fragment (TLS files, cluster marker). */
  get redacted(): string {
    if (this.nodes.length === 1) return redactRedisUrl(this.url);
    const { first, nodes } = parseConnectionUrl(this.url);
    if (first.password !== '') first.password = '****';
    return redactRedisUrl(serializeNodes(first, nodes)).replace(/\/$/, '');
  }

  /** The password (user-info or `?password=`), for `rememberSecrets`; never print it. */
  get password(): string | undefined {
    const { first } = parseConnectionUrl(this.url);
    if (first.password !== '') return decodeURIComponent(first.password);
    return first.searchParams.get('password') ?? undefined;
  }

  /**
   * The URL and TLS options for ioredis. Reads the PEM files now (a handful of connections per
   * process), so a rotated certificate is picked up by connections made after the rotation.
   */
  ioredisTarget(): IoredisTarget {
    const parsed = new URL(this.url);
    parsed.hash = '';
    const url = parsed.toString();
    const tls = this.tlsOptions();
    return tls === undefined ? { url } : { url, tls };
  }

  /** The seed nodes and the node connections' credentials and TLS, for an ioredis Cluster. */
  clusterTarget(): IoredisClusterTarget {
    const password = this.password;
    const tls = this.tlsOptions();
    return {
      nodes: this.nodes.map((node) => ({ ...node })),
      redisOptions: {
        ...(this.username === undefined ? {} : { username: this.username }),
        ...(password === undefined ? {} : { password }),
        ...(tls === undefined ? {} : { tls }),
      },
    };
  }

  private tlsOptions(): ConnectionOptions | undefined {
    if (!this.tls) return undefined;
    const { caFile, certFile, keyFile } = this.tlsFiles;
    return {
      ...(caFile === undefined ? {} : { ca: readFileSync(caFile) }),
      ...(certFile === undefined ? {} : { cert: readFileSync(certFile) }),
      ...(keyFile === undefined ? {} : { key: readFileSync(keyFile) }),
    };
  }

  toJSON(): Record<string, unknown> {
    return {
      url: this.redacted,
      tls: this.tls,
      username: this.username,
      source: this.source,
      ...(this.cluster ? { cluster: true } : {}),
    };
  }

  [inspect.custom](): string {
    return `RedisConnectionSpec(${this.redacted}${this.cluster ? ', cluster' : ''})`;
  }

  toString(): string {
    return this.redacted;
  }
}

/** `host:port`, IPv6 in brackets. */
export function hostPortOf(node: RedisNode): string {
  return `${node.host.includes(':') ? `[${node.host}]` : node.host}:${node.port}`;
}

const SCHEME = /^rediss?:\/\//;

/**
 * A connection URL, or a comma-separated list of nodes (`redis://:pw@h1:7000,h2:7001,h3:7002/0`):
 * the first entry is a URL carrying the scheme and credentials for every node; the others are
 * `host:port` (or URLs without other credentials); a `/db` or `?query` after the last node belongs
 * to the whole list. `first` is the first entry as a URL, with the list's path, query and fragment.
 * Throws a TypeError saying what is wrong (never quoting the credentials).
 */
export function parseConnectionUrl(text: string): { first: URL; nodes: RedisNode[] } {
  const hashAt = text.indexOf('#');
  const hash = hashAt < 0 ? '' : text.slice(hashAt);
  const entries = (hashAt < 0 ? text : text.slice(0, hashAt)).split(',').map((entry) => entry.trim());
  // the path and query after the last node belong to the whole list
  const lastEntry = entries.at(-1) ?? '';
  const schemeLength = SCHEME.exec(lastEntry)?.[0].length ?? 0;
  const cut = entries.length > 1 ? lastEntry.slice(schemeLength).search(/[/?]/) : -1;
  const suffix = cut < 0 ? '' : lastEntry.slice(schemeLength + cut);
  if (cut >= 0) entries[entries.length - 1] = lastEntry.slice(0, schemeLength + cut);

  let first: URL;
  try {
    first = new URL(`${entries[0] ?? ''}${suffix}${hash}`);
  } catch {
    throw new TypeError('a Redis connection URL must look like redis://[user:pass@]host:port[/db]');
  }
  if (first.protocol !== 'redis:' && first.protocol !== 'rediss:') {
    throw new TypeError('a Redis connection URL must start with redis:// or rediss://');
  }
  const nodes = [nodeOf(first)];
  for (const entry of entries.slice(1)) {
    let url: URL;
    try {
      url = new URL(SCHEME.test(entry) ? entry : `${first.protocol}//${entry}`);
    } catch {
      throw new TypeError(
        `a node of a Redis node list must be host:port (got ${JSON.stringify(entry.replace(/^.*@/, ''))})`,
      );
    }
    if (url.protocol !== first.protocol)
      throw new TypeError('every node of a Redis node list must use the same scheme');
    if (
      (url.username !== '' || url.password !== '') &&
      (url.username !== first.username || url.password !== first.password)
    ) {
      throw new TypeError('credentials go once, on the first node of a Redis node list');
    }
    if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '') {
      throw new TypeError('a /db or ?option goes after the last node of a Redis node list');
    }
    nodes.push(nodeOf(url));
  }
  return { first, nodes };
}

function nodeOf(url: URL): RedisNode {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw new TypeError('a Redis node needs a host');
  return { host, port: url.port === '' ? 6379 : Number(url.port) };
}

/** `scheme://[user-info@]h1:p1,h2:p2[/db][?query]` (the fragment is the caller's). */
function serializeNodes(first: URL, nodes: readonly RedisNode[]): string {
  const userInfo =
    first.username === '' && first.password === ''
      ? ''
      : `${first.username}${first.password === '' ? '' : `:${first.password}`}@`;
  const path = first.pathname === '/' ? '' : first.pathname;
  return `${first.protocol}//${userInfo}${nodes.map(hostPortOf).join(',')}${path}${first.search}`;
}

function buildUrl(
  host: string,
  port: number,
  username: string | undefined,
  password: string | undefined,
  tls: boolean,
): URL {
  const url = new URL(`${tls ? 'rediss' : 'redis'}://${host.includes(':') ? `[${host}]` : host}:${port}`);
  if (username !== undefined) url.username = encodeURIComponent(username);
  if (password !== undefined) url.password = encodeURIComponent(password);
  return url;
}

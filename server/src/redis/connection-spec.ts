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

/** What `new Redis(url, options)` needs beyond the caller's own options. */
export interface IoredisTarget {
  url: string;
  tls?: ConnectionOptions;
}

/**
 * Where and how to reach Redis — host, port, ACL user and password, db, TLS and its files — as
 * one value that every connection factory takes, so TLS and ACL apply to the command connection,
 * BullMQ's blocking connections and the keys CLI alike.
 *
 * `url` is its complete serialization (the password included, TLS files in the fragment): it is
 * what crosses module boundaries that take a string. Never print it: use `redacted` or
 * `hostPort`. JSON and `util.inspect` show the redacted form only.
 */
export class RedisConnectionSpec {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username: string | undefined;
  readonly tls: boolean;
  readonly tlsFiles: RedisTlsFiles;

  private constructor(
    readonly url: string,
    readonly source: RedisConnectionSource,
  ) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
      throw new TypeError('a Redis connection URL must start with redis:// or rediss://');
    }
    this.host = parsed.hostname.replace(/^\[|\]$/g, '');
    this.port = parsed.port === '' ? 6379 : Number(parsed.port);
    const db = parsed.pathname.replace(/^\//, '');
    this.db = /^\d+$/.test(db) ? Number(db) : 0;
    this.username = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
    this.tls = parsed.protocol === 'rediss:';
    const fragment = new URLSearchParams(parsed.hash.replace(/^#/, ''));
    const files: { -readonly [K in keyof RedisTlsFiles]: string } = {};
    for (const [field, param] of Object.entries(TLS_PARAMS) as Array<[keyof RedisTlsFiles, string]>) {
      const path = fragment.get(param);
      if (path !== null && path !== '') files[field] = path;
    }
    this.tlsFiles = Object.freeze(files);
    Object.freeze(this);
  }

  /** A connection URL as REDIS_URL gives it, or as `toUrl` serialized it. */
  static fromUrl(url: string, source: RedisConnectionSource = 'REDIS_URL'): RedisConnectionSpec {
    return new RedisConnectionSpec(url, source);
  }

  /** The spec of separate settings (REDIS_HOST, REDIS_PORT, … or a URL plus TLS files). */
  static from(parts: {
    url?: string;
    host?: string;
    port?: number;
    username?: string;
    password?: string;
    tls?: boolean;
    tlsFiles?: RedisTlsFiles;
  }): RedisConnectionSpec {
    const base =
      parts.url === undefined
        ? buildUrl(parts.host ?? '127.0.0.1', parts.port ?? 6379, parts.username, parts.password, parts.tls === true)
        : new URL(parts.url);
    const fragment = new URLSearchParams();
    for (const [field, param] of Object.entries(TLS_PARAMS) as Array<[keyof RedisTlsFiles, string]>) {
      const path = parts.tlsFiles?.[field];
      if (path !== undefined) fragment.set(param, path);
    }
    base.hash = fragment.size === 0 ? '' : fragment.toString();
    return new RedisConnectionSpec(base.toString(), parts.url === undefined ? 'REDIS_HOST' : 'REDIS_URL');
  }

  /** `host:port`, as the start-up lines name it (IPv6 in brackets). */
  get hostPort(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** The URL with any password as `****` and without the TLS file parameters. */
  get redacted(): string {
    return redactRedisUrl(this.url);
  }

  /** The password (user-info or `?password=`), for `rememberSecrets`; never print it. */
  get password(): string | undefined {
    const parsed = new URL(this.url);
    if (parsed.password !== '') return decodeURIComponent(parsed.password);
    return parsed.searchParams.get('password') ?? undefined;
  }

  /**
   * The URL and TLS options for ioredis. Reads the PEM files now (a handful of connections per
   * process), so a rotated certificate is picked up by connections made after the rotation.
   */
  ioredisTarget(): IoredisTarget {
    const parsed = new URL(this.url);
    parsed.hash = '';
    const url = parsed.toString();
    if (!this.tls) return { url };
    const { caFile, certFile, keyFile } = this.tlsFiles;
    return {
      url,
      tls: {
        ...(caFile === undefined ? {} : { ca: readFileSync(caFile) }),
        ...(certFile === undefined ? {} : { cert: readFileSync(certFile) }),
        ...(keyFile === undefined ? {} : { key: readFileSync(keyFile) }),
      },
    };
  }

  toJSON(): Record<string, unknown> {
    return { url: this.redacted, tls: this.tls, username: this.username, source: this.source };
  }

  [inspect.custom](): string {
    return `RedisConnectionSpec(${this.redacted})`;
  }

  toString(): string {
    return this.redacted;
  }
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

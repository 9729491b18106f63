import { createHash } from 'node:crypto';

/**
 * The one key builder of the response cache. A cached read, an eviction and a write-through all
 * address an entry through it, so they always meet:
 *
 *   <procedure path>|<identity>|<sha256 of the canonical input, base64url>
 *
 * `identity` is whose answer it is: `key:<API key id>`, `admin`, or `public` for procedures
 * declared `scope: 'public'` (the answer depends on the input alone). The canonical input is JSON
 * with object keys sorted at every level, so `{a, b}` and `{b, a}` are one entry; hashing keeps
 * keys short whatever the input's size.
 */

/** Whose answer an entry holds. */
export type CacheIdentity = `key:${string}` | 'admin' | 'public';

export type CacheScope = 'private' | 'public';

/** JSON with object keys sorted at every level; `undefined` (no input) is the empty string. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return canonical(value) ?? 'null';
}

function canonical(value: unknown): string | undefined {
  const plain = toJsonValue(value);
  if (plain === undefined || typeof plain === 'function' || typeof plain === 'symbol') return undefined;
  if (typeof plain === 'bigint') throw new TypeError('a cache key input must be JSON; got a bigint');
  if (plain === null || typeof plain !== 'object') return JSON.stringify(plain);
  if (Array.isArray(plain)) return `[${plain.map((item) => canonical(item) ?? 'null').join(',')}]`;
  const record = plain as Record<string, unknown>;
  const members: string[] = [];
  for (const name of Object.keys(record).sort()) {
    const member = canonical(record[name]);
    if (member !== undefined) members.push(`${JSON.stringify(name)}:${member}`);
  }
  return `{${members.join(',')}}`;
}

/** What JSON.stringify would serialise for `value` (its `toJSON()`, e.g. a Date's ISO string). */
function toJsonValue(value: unknown): unknown {
  const withToJson = value as { toJSON?: unknown } | null;
  if (typeof withToJson === 'object' && withToJson !== null && typeof withToJson.toJSON === 'function') {
    return (withToJson.toJSON as () => unknown)();
  }
  return value;
}

export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

export interface CacheKeyParts {
  /** the procedure path (`jobs.get`) */
  path: string;
  /** the parsed input (what the resolver sees) */
  input: unknown;
  identity: CacheIdentity;
}

/** The cache key of one procedure answer. */
export function cacheKey({ path, input, identity }: CacheKeyParts): string {
  return `${path}|${identity}|${digest(canonicalJson(input))}`;
}

/** The identity part of a key: the caller's for private answers, `public` for public ones. */
export function identityFor(scope: CacheScope, caller: CacheIdentity | null): CacheIdentity {
  if (scope === 'public') return 'public';
  if (caller === null || caller === 'public') {
    throw new Error('a private cache entry needs a caller identity (an API key or the admin)');
  }
  return caller;
}

const GROUP_PART = /^[A-Za-z0-9_.:/-]+$/;

/**
 * An eviction group name for `kind` and an id (`job:<id>`), valid whatever the id holds: an id
 * with characters a group cannot carry, or too long, is replaced by its digest.
 */
export function cacheGroup(kind: string, id: string): string {
  const plain = `${kind}:${id}`;
  if (GROUP_PART.test(id) && plain.length <= 100) return plain;
  return `${kind}:sha256-${digest(id)}`;
}

/**
 * Redis names of the cache. A grouped entry carries its group's Cluster hash tag
 * `{cache:<group>}` (group names cannot contain `}`), so the whole group, its member zset and its
 * locks sit in one slot and `deleteGroup` is one script; an entry without a group gets a tag of its
 * own, `{cache#<key>}`. Every name is under the configured prefix.
 *
 *   <prefix>:{cache:<group>}:v:<key>     entry: "<expiresAt>:<json>" with PX TTL
 *   <prefix>:{cache:<group>}:lock:<key>  stampede lock (token, PX)
 *   <prefix>:{cache:<group>}:members     zset entry key -> expiresAt
 *   <prefix>:{cache:<group>}:locks       zset lock key -> expiry (locks of computes in flight)
 *   <prefix>:{cache#<key>}:v             entry without a group
 *   <prefix>:{cache#<key>}:lock          its stampede lock
 *   <prefix>:cache:invalidations         pub/sub channel of the near caches
 */
export function cacheKeyNames(prefix: string) {
  const groupTag = (group: string) => `${prefix}:{cache:${group}}`;
  const ownTag = (key: string) => `${prefix}:{cache#${key}}`;
  return {
    channel: `${prefix}:cache:invalidations`,
    entry: (key: string, group: string | undefined) =>
      group === undefined ? `${ownTag(key)}:v` : `${groupTag(group)}:v:${key}`,
    lock: (key: string, group: string | undefined) =>
      group === undefined ? `${ownTag(key)}:lock` : `${groupTag(group)}:lock:${key}`,
    /** the group's member zset; for an entry without a group, an unused name in the entry's slot */
    members: (key: string, group: string | undefined) =>
      group === undefined ? `${ownTag(key)}:members` : `${groupTag(group)}:members`,
    /** the group's lock zset; for an entry without a group, an unused name in the entry's slot */
    locks: (key: string, group: string | undefined) =>
      group === undefined ? `${ownTag(key)}:locks` : `${groupTag(group)}:locks`,
    groupMembers: (group: string) => `${groupTag(group)}:members`,
    groupLocks: (group: string) => `${groupTag(group)}:locks`,
  };
}

export type CacheKeyNames = ReturnType<typeof cacheKeyNames>;

/** What the invalidation channel carries: one entry (set, delete, lock released) or a whole group. */
export type Invalidation = { kind: 'entry'; entryKey: string } | { kind: 'group'; group: string };

export const entryMessage = (entryKey: string) => `k${entryKey}`;
export const groupMessage = (group: string) => `g${group}`;

export function parseInvalidation(message: string): Invalidation | null {
  if (message.startsWith('k')) return { kind: 'entry', entryKey: message.slice(1) };
  if (message.startsWith('g')) return { kind: 'group', group: message.slice(1) };
  return null;
}

/**
 * A bounded map in least-recently-used order: `get` refreshes an entry, `set` past `capacity`
 * drops the oldest (reported to `onEvict`). One implementation for every bounded cache of the server.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();
  /** the most recently used key: a `get` of it needs no refresh (a hot key is read per request) */
  private newest: K | undefined;
  private hasNewest = false;

  constructor(
    readonly capacity: number,
    private readonly onEvict: (key: K, value: V) => void = () => undefined,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('LruMap capacity must be ≥ 1');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined || (this.hasNewest && this.newest === key)) return value;
    this.entries.delete(key);
    this.entries.set(key, value);
    this.newest = key;
    this.hasNewest = true;
    return value;
  }

  /** Reads without refreshing. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    this.newest = key;
    this.hasNewest = true;
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.entries().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value[0]);
      this.onEvict(oldest.value[0], oldest.value[1]);
    }
  }

  delete(key: K): boolean {
    if (this.hasNewest && this.newest === key) this.forgetNewest();
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.forgetNewest();
  }

  private forgetNewest(): void {
    this.newest = undefined;
    this.hasNewest = false;
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries.entries();
  }
}

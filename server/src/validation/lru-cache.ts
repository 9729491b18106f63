/** A small least-recently-used map: reading an entry refreshes it; the oldest goes past `capacity`. */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    private readonly capacity: number,
    private readonly onEvict: (key: K, value: V) => void = () => undefined,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.entries().next();
      if (oldest.done === true) break;
      const [oldestKey, oldestValue] = oldest.value;
      this.entries.delete(oldestKey);
      this.onEvict(oldestKey, oldestValue);
    }
  }
}

/**
 * Concurrent calls for one key share one run: the first caller starts `work`, the others get its
 * promise (value or rejection) until it settles; the next call after that starts afresh.
 */
export class SingleFlight<K, V> {
  private readonly flights = new Map<K, Promise<V>>();

  get inFlight(): number {
    return this.flights.size;
  }

  run(key: K, work: () => Promise<V>): Promise<V> {
    const current = this.flights.get(key);
    if (current !== undefined) return current;
    const flight = (async () => {
      try {
        return await work();
      } finally {
        this.flights.delete(key);
      }
    })();
    this.flights.set(key, flight);
    return flight;
  }
}

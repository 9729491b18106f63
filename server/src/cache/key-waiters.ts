/** Callers waiting for news of an entry: `wait` ends on `notify(key)` or after `ms`, whichever comes first. */
export class KeyWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();

  wait(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiting.get(key) ?? new Set<() => void>();
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.waiting.get(key) === set) this.waiting.delete(key);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, ms));
      set.add(wake);
      this.waiting.set(key, set);
    });
  }

  notify(key: string): void {
    const set = this.waiting.get(key);
    if (set !== undefined) for (const wake of [...set]) wake();
  }

  /** Wakes everyone (the channel was interrupted: news may have been missed). */
  notifyAll(): void {
    for (const key of [...this.waiting.keys()]) this.notify(key);
  }
}

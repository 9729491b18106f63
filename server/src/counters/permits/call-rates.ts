interface Track {
  /** index of the current slot (floor(now / slotMs)) */
  slot: number;
  current: number;
  previous: number;
  before: number;
}

/**
 * Guarded calls per key seen by this instance, in fixed slots of its monotonic clock. A key is
 * hot when each of the two last full slots saw at least `hotCallsPerSlot` calls: sustained
 * traffic, never a burst shorter than one slot, whatever its size (see ../permits.md for why a
 * burst on a fresh key must stay on the exact path). Memory is bounded by `maxKeys`.
 */
export class CallRates {
  private readonly tracks = new Map<string, Track>();

  constructor(
    private readonly slotMs: number,
    private readonly hotCallsPerSlot: number,
    private readonly maxKeys = 10_000,
  ) {}

  note(id: string, now: number): void {
    const slot = Math.floor(now / this.slotMs);
    let track = this.tracks.get(id);
    if (track === undefined) {
      if (this.tracks.size >= this.maxKeys) this.prune(slot);
      track = { slot, current: 0, previous: 0, before: 0 };
      this.tracks.set(id, track);
    }
    this.roll(track, slot);
    track.current += 1;
  }

  /** Calls per ms over the two last full slots when the key is hot there; 0 when it is not. */
  hotRate(id: string, now: number): number {
    const track = this.tracks.get(id);
    if (track === undefined) return 0;
    this.roll(track, Math.floor(now / this.slotMs));
    if (track.previous < this.hotCallsPerSlot || track.before < this.hotCallsPerSlot) return 0;
    return (track.previous + track.before) / (2 * this.slotMs);
  }

  get size(): number {
    return this.tracks.size;
  }

  private roll(track: Track, slot: number): void {
    const gap = slot - track.slot;
    if (gap <= 0) return; // same slot (a clock that stepped back keeps counting in it)
    if (gap === 1) {
      track.before = track.previous;
      track.previous = track.current;
    } else if (gap === 2) {
      track.before = track.current;
      track.previous = 0;
    } else {
      track.before = 0;
      track.previous = 0;
    }
    track.current = 0;
    track.slot = slot;
  }

  /** Forgets keys quiet for two slots; if that is not enough, forgets everything (all go cold). */
  private prune(slot: number): void {
    for (const [id, track] of this.tracks) if (slot - track.slot > 2) this.tracks.delete(id);
    if (this.tracks.size >= this.maxKeys) this.tracks.clear();
  }
}

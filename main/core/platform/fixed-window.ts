// Counts per key in fixed windows of time, held in memory and bounded: the
// per-caller rate limit (http/rate-limit.ts) and the failed-authentication
// throttle (domains/auth/failed-auth-throttle.ts) both count this way.

export interface CountWindow {
  count: number;
  resetAt: number;
}

export class FixedWindowCounter {
  private readonly windows = new Map<string, CountWindow>();

  /** At most `maxKeys` keys are held; past it expired windows go first, else the oldest-made tenth (they restart at zero). */
  constructor(private readonly windowMs: number, private readonly maxKeys: number) {}

  /** Counts one event under `key` at `now`; returns its window after counting. */
  hit(key: string, now: number): CountWindow {
    let w = this.windows.get(key);
    if (w === undefined) {
      if (this.windows.size >= this.maxKeys) this.evict(now);
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    } else if (now >= w.resetAt) {
      w.count = 0;
      w.resetAt = now + this.windowMs;
    }
    w.count++;
    return w;
  }

  /** The window `key` is in at `now` without counting, or undefined when none is open. */
  current(key: string, now: number): CountWindow | undefined {
    const w = this.windows.get(key);
    return w !== undefined && now < w.resetAt ? w : undefined;
  }

  /** Drops expired windows only: what a periodic sweep may do without resetting a live count. */
  prune(now: number): void {
    for (const [k, w] of this.windows) if (now >= w.resetAt) this.windows.delete(k);
  }

  /** Makes room: drops expired windows; when none had expired, the oldest-made tenth. */
  evict(now: number): void {
    const before = this.windows.size;
    this.prune(now);
    if (this.windows.size < before) return;
    let drop = Math.max(1, Math.floor(before / 10));
    for (const k of this.windows.keys()) {
      if (drop-- <= 0) break;
      this.windows.delete(k);
    }
  }

  get size(): number {
    return this.windows.size;
  }
}

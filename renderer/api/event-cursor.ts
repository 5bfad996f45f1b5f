// Where a subscription to the station's events stands, kept free of DOM
// APIs so it is checked on its own (and in Node): which events are new,
// where to reopen the stream, how long to wait first.
import type { EventEnvelope } from '../../contract/events';

export type { EventEnvelope };

export const STREAM_PATH = '/api/v1/events/stream';
/** Waits before reopening a dropped stream: 1 s, doubling to at most 30 s. */
export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 30_000;

/** The last seq delivered, and how many times in a row the stream has dropped. */
export class EventCursor {
  private last: number | null;
  private failures = 0;

  constructor(after: number | null = null) {
    this.last = after;
  }

  /** The seq of the last event delivered; null before the first (the stream then starts from "now"). */
  get after(): number | null {
    return this.last;
  }

  /** The position a stream said it starts from (its first frame): where to resume when no event came yet. */
  startAt(after: number): void {
    if (this.last === null && Number.isSafeInteger(after) && after >= 0) this.last = after;
  }

  /** The events not delivered yet, in seq order; moves the cursor past them. */
  accept(events: readonly EventEnvelope[]): EventEnvelope[] {
    const fresh: EventEnvelope[] = [];
    for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
      if (this.last !== null && e.seq <= this.last) continue;
      fresh.push(e);
      this.last = e.seq;
    }
    return fresh;
  }

  /** The stream's URL from where the cursor is: `after` is the last seq seen, absent before any. */
  url(types: readonly string[], path = STREAM_PATH): string {
    const q = new URLSearchParams();
    if (types.length > 0) q.set('types', types.join(','));
    if (this.last !== null) q.set('after', String(this.last));
    const qs = q.toString();
    return qs ? `${path}?${qs}` : path;
  }

  /** The stream opened: the next drop waits the shortest time again. */
  opened(): void {
    this.failures = 0;
  }

  /** The stream dropped: how long to wait before reopening it. */
  dropped(): number {
    const wait = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.failures);
    this.failures++;
    return wait;
  }
}

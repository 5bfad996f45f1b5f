import type { StoredEvent } from '../platform/write-queue';

// Live fan-out of committed events to subscribers that are not consumers
// with offsets: the server-sent event stream and the desktop window. Each
// subscriber keeps its own position and reads its own queue; one that falls
// too far behind is ended (it resumes from its last seq), so a stalled
// browser never holds the station's memory.

export interface Subscription {
  /** Waits for the next events (seq order), or null after `timeoutMs` with none; throws once ended. */
  next(timeoutMs: number): Promise<StoredEvent[] | null>;
  /** Why the subscription ended, once it has. */
  readonly endedBecause: string | null;
  close(): void;
}

interface Subscriber {
  types: Set<string> | null;
  queue: StoredEvent[];
  wake: (() => void) | null;
  ended: string | null;
}

export class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  private closed = false;

  constructor(private readonly maxQueued = 10_000) {}

  get size(): number {
    return this.subscribers.size;
  }

  publish(events: readonly StoredEvent[]): void {
    for (const s of this.subscribers) {
      for (const e of events) if (!s.types || s.types.has(e.type)) s.queue.push(e);
      if (s.queue.length > this.maxQueued) this.end(s, 'the subscriber fell too far behind; reconnect with Last-Event-ID to resume');
      else if (s.queue.length > 0) s.wake?.();
    }
  }

  subscribe(types?: readonly string[]): Subscription {
    const s: Subscriber = { types: types && types.length > 0 ? new Set(types) : null, queue: [], wake: null, ended: this.closed ? 'the station is stopping' : null };
    if (!this.closed) this.subscribers.add(s);
    return {
      next: (timeoutMs) =>
        new Promise((resolve, reject) => {
          const take = () => {
            if (s.queue.length > 0) {
              const out = s.queue;
              s.queue = [];
              return resolve(out);
            }
            if (s.ended) return reject(new Error(s.ended));
            return false;
          };
          if (take() !== false) return;
          const timer = setTimeout(() => {
            s.wake = null;
            resolve(null);
          }, timeoutMs);
          s.wake = () => {
            clearTimeout(timer);
            s.wake = null;
            take();
          };
        }),
      get endedBecause() {
        return s.ended;
      },
      close: () => this.end(s, 'closed'),
    };
  }

  /** Ends every subscription (station shutdown). */
  close(): void {
    this.closed = true;
    for (const s of [...this.subscribers]) this.end(s, 'the station is stopping');
  }

  private end(s: Subscriber, why: string): void {
    if (s.ended) return;
    s.ended = why;
    s.queue = [];
    this.subscribers.delete(s);
    s.wake?.();
  }
}

// The station's events as they happen: server-sent events in a browser
// (GET /api/v1/events/stream, the session cookie authenticates it), the
// bridge's subscription in the desktop app. Either way a dropped connection
// is reopened from the last event seen, so nothing is missed and nothing
// is delivered twice.
import type { EventEnvelope } from '../../contract/events';
import type { EventType } from '../../contract';

export type { EventEnvelope };
export type EventsListener = (events: EventEnvelope[]) => void;

export const STREAM_PATH = '/api/v1/events/stream';
/** Waits before reopening a dropped stream: 1 s, doubling to at most 30 s. */
export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 30_000;

/**
 * Where a subscription stands: the last seq delivered. Everything about
 * resuming is here, apart from the transport, so it can be checked on its
 * own: which events are new, where to reopen, how long to wait first.
 */
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

function parseEnvelope(data: string): EventEnvelope | null {
  try {
    const e = JSON.parse(data) as EventEnvelope;
    return typeof e?.seq === 'number' && typeof e.type === 'string' ? e : null;
  } catch {
    return null;
  }
}

/**
 * Follows events of `types` from after `after` (a seq; null: from now).
 * Returns the function that stops following.
 */
export function subscribe(types: readonly EventType[], after: number | null, onEvents: EventsListener): () => void {
  const cursor = new EventCursor(after);
  const deliver = (events: readonly EventEnvelope[]) => {
    const fresh = cursor.accept(events);
    if (fresh.length > 0) onEvents(fresh);
  };
  return window.smc ? viaBridge(types, cursor, deliver) : viaEventSource(types, cursor, deliver);
}

function viaEventSource(types: readonly string[], cursor: EventCursor, deliver: (events: EventEnvelope[]) => void): () => void {
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const open = () => {
    if (stopped) return;
    const es = new EventSource(cursor.url(types), { withCredentials: true });
    source = es;
    es.onopen = () => cursor.opened();
    const onFrame = (msg: MessageEvent<string>) => {
      const e = parseEnvelope(msg.data);
      if (e) deliver([e]);
    };
    // Frames carry `event: <type>`: a listener per type (onmessage only hears untyped frames).
    for (const type of types) es.addEventListener(type, onFrame as EventListener);
    es.onmessage = onFrame;
    es.onerror = () => {
      // The browser's own reconnect would reopen the first URL, from the first `after`:
      // reopen from the cursor instead, after a growing pause.
      es.close();
      if (source === es) source = null;
      if (!stopped) timer = setTimeout(open, cursor.dropped());
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
  };
}

function viaBridge(types: readonly EventType[], cursor: EventCursor, deliver: (events: EventEnvelope[]) => void): () => void {
  let end: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const open = () => {
    if (stopped) return;
    window.smc!.subscribe(types, cursor.after, (events) => deliver(events.map((e) => e as EventEnvelope))).then(
      (stop) => {
        cursor.opened();
        if (stopped) stop();
        else end = stop;
      },
      () => {
        if (!stopped) timer = setTimeout(open, cursor.dropped());
      },
    );
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    end?.();
  };
}

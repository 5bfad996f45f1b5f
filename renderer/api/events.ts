// The station's events as they happen: server-sent events in a browser
// (GET /api/v1/events/stream, the session cookie authenticates it), the
// bridge's subscription in the desktop app. Either way a dropped connection
// is reopened from the last event seen, so nothing is missed and nothing
// is delivered twice.
import { STREAM_OPEN, type EventEnvelope } from '../../contract/events';
import type { EventType } from '../../contract';
import { EventCursor } from './event-cursor';

export type { EventEnvelope };
export type EventsListener = (events: EventEnvelope[]) => void;

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
    es.addEventListener(STREAM_OPEN, ((msg: MessageEvent<string>) => {
      try {
        cursor.startAt(Number((JSON.parse(msg.data) as { after?: unknown }).after));
      } catch {
        // a malformed position frame: the cursor stays where it was
      }
    }) as EventListener);
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
    window.smc!.subscribe(types, cursor.after, (events) => deliver(events.map((e) => e as EventEnvelope)), (after) => cursor.startAt(after)).then(
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

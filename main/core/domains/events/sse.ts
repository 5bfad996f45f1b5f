import { STREAM_OPEN } from '../../../../contract/events';
import { eventToWire, type EventHub, type Outbox } from '../../backbone';
import type { StoredEvent } from '../../platform/write-queue';

// Server-sent events from the outbox: first every stored event after the
// client's position, then live ones as they commit. The live subscription
// is opened before the replay starts and anything it caught that the
// replay already sent is skipped, so nothing is missed or sent twice. A
// comment line goes out whenever nothing else has for `heartbeatMs`, so
// proxies and the browser keep the connection open. The first frame says
// where the stream starts (STREAM_OPEN), so a client that drops before its
// first event still knows where to resume.

const REPLAY_PAGE = 500;

function frame(e: StoredEvent): string {
  return `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(eventToWire(e))}\n\n`;
}

export async function* sseStream(o: { outbox: Outbox; hub: EventHub; after: number; types: readonly string[]; heartbeatMs: number; signal?: AbortSignal }): AsyncGenerator<string> {
  const sub = o.hub.subscribe(o.types);
  const onAbort = () => sub.close();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // The browser reconnects after this many ms if the stream drops, from the id it saw last.
    yield `retry: 2000\nid: ${o.after}\nevent: ${STREAM_OPEN}\ndata: {"after":${o.after}}\n\n`;
    let cursor = o.after;
    for (;;) {
      const page = o.outbox.after(cursor, REPLAY_PAGE, o.types);
      if (page.length > 0) {
        yield page.map(frame).join('');
        cursor = page[page.length - 1]!.seq;
      }
      if (page.length < REPLAY_PAGE) break;
    }
    for (;;) {
      if (o.signal?.aborted) return;
      let batch: StoredEvent[] | null;
      try {
        batch = await sub.next(o.heartbeatMs);
      } catch (err) {
        yield `: ${(err as Error).message}\n\n`;
        return;
      }
      if (batch === null) {
        yield ': heartbeat\n\n';
        continue;
      }
      const fresh = batch.filter((e) => e.seq > cursor);
      if (fresh.length === 0) continue;
      cursor = fresh[fresh.length - 1]!.seq;
      yield fresh.map(frame).join('');
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    sub.close();
  }
}

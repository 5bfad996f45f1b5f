import { randomUUID } from 'node:crypto';
import { isEventType } from '../../contract';
import type { EventEnvelope } from '../../contract/events';
import { eventToWire, type Backbone } from '../core/backbone';
import { AppError } from '../core/platform/errors';
import type { Logger } from '../core/platform/log';
import type { IpcResult } from './ipc-channels';

// The event stream over IPC, for the desktop window: the same events, in
// the same seq order, as GET /api/v1/events/stream — a subscription replays
// what came after the window's last seq, then forwards live events. No
// electron import: ipc.ts supplies the frame check and the send function.

export interface EventPush {
  subscription: string;
  events: EventEnvelope[];
}

interface Live {
  owner: number;
  close: () => void;
}

const REPLAY_PAGE = 500;

export function createEventBridge(backbone: Pick<Backbone, 'outbox' | 'hub'>, log: Logger) {
  const live = new Map<string, Live>();

  function parse(types: unknown, after: unknown): { types: string[]; after: number | null } {
    if (types !== undefined && (!Array.isArray(types) || types.length > 50 || types.some((t) => !isEventType(t)))) {
      throw new AppError('validation_failed', 'types must be a list of event types of the contract', [{ path: 'types', field: 'types', code: 'invalid', message: 'Unknown event type.' }]);
    }
    if (after !== undefined && after !== null && !(typeof after === 'number' && Number.isSafeInteger(after) && after >= 0)) {
      throw new AppError('validation_failed', 'after must be a sequence number', [{ path: 'after', field: 'after', code: 'invalid', message: 'after must be a sequence number.' }]);
    }
    return { types: (types as string[] | undefined) ?? [], after: (after as number | null | undefined) ?? null };
  }

  return {
    subscribe(owner: number, types: unknown, after: unknown, push: (msg: EventPush) => void): IpcResult<{ subscription: string; after: number }> {
      try {
        const p = parse(types, after);
        const id = randomUUID();
        const sub = backbone.hub.subscribe(p.types);
        let cursor = p.after ?? backbone.outbox.head();
        let open = true;
        const close = () => {
          open = false;
          sub.close();
          live.delete(id);
        };
        live.set(id, { owner, close });
        const start = cursor;
        void (async () => {
          try {
            for (;;) {
              const page = backbone.outbox.after(cursor, REPLAY_PAGE, p.types);
              if (page.length > 0) {
                push({ subscription: id, events: page.map(eventToWire) });
                cursor = page[page.length - 1]!.seq;
              }
              if (page.length < REPLAY_PAGE) break;
            }
            while (open) {
              const batch = await sub.next(60_000);
              if (!batch) continue;
              const fresh = batch.filter((e) => e.seq > cursor);
              if (fresh.length === 0) continue;
              cursor = fresh[fresh.length - 1]!.seq;
              push({ subscription: id, events: fresh.map(eventToWire) });
            }
          } catch (err) {
            if (open) log.info({ err: (err as Error).message, subscription: id }, 'event subscription ended');
          } finally {
            close();
          }
        })();
        return { ok: true, value: { subscription: id, after: start } };
      } catch (err) {
        if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message, status: err.status, details: err.details } };
        throw err;
      }
    },

    unsubscribe(owner: number, id: unknown): IpcResult<boolean> {
      const s = typeof id === 'string' ? live.get(id) : undefined;
      if (!s || s.owner !== owner) return { ok: true, value: false };
      s.close();
      return { ok: true, value: true };
    },

    /** A window that closes or reloads takes its subscriptions with it. */
    closeAll(owner: number): void {
      for (const s of [...live.values()]) if (s.owner === owner) s.close();
    },

    get size() {
      return live.size;
    },
  };
}

export type EventBridge = ReturnType<typeof createEventBridge>;

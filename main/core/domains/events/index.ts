import { eventsContract } from '../../../../contract/events';
import { toIso } from '../../../../contract/timestamp';
import { eventToWire, type Backbone, type DeadLetterRow } from '../../backbone';
import { AppError } from '../../platform/errors';
import type { AuditLog } from '../audit';
import { defineDomain } from '../domain';
import { sseStream } from './sse';

/** The event backbone seen from outside: pages, the live stream, dead letters. */
export function createEventsDomain(deps: { backbone: Backbone; audit: AuditLog; heartbeatMs: number }) {
  const { outbox, dispatcher, deadLetters, hub } = deps.backbone;

  function deadLetterToWire(d: DeadLetterRow) {
    const event = outbox.get(d.event_seq);
    if (!event) throw new AppError('internal', `dead letter ${d.id} refers to a missing event ${d.event_seq}`, { id: d.id });
    return {
      id: d.id,
      consumer: d.consumer,
      event: eventToWire(event),
      attempts: d.attempts,
      error: d.error,
      state: d.state,
      created_at: toIso(d.created_at),
      resolved_at: d.resolved_at === null ? null : toIso(d.resolved_at),
      resolved_by: d.resolved_by,
    };
  }

  return defineDomain(eventsContract, {
    handlers: {
      'events.list': (input) => {
        const events = outbox.after(input.after, input.limit, input.types);
        const last = events[events.length - 1];
        return { events: events.map(eventToWire), next_after: last ? last.seq : input.after };
      },

      'events.stream': (input, ctx) => ({
        contentType: 'text/event-stream; charset=utf-8',
        headers: { 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
        body: sseStream({ outbox, hub, after: input.after ?? outbox.head(), types: input.types ?? [], heartbeatMs: deps.heartbeatMs, ...(ctx.signal ? { signal: ctx.signal } : {}) }),
      }),

      'events.consumers.list': () => ({ head: outbox.head(), consumers: dispatcher.status() }),

      'events.deadLetters.list': (input) => ({
        dead_letters: deadLetters
          .list({ ...(input.state === 'all' ? {} : { state: input.state }), ...(input.consumer ? { consumer: input.consumer } : {}), limit: input.limit })
          .map(deadLetterToWire),
      }),

      'events.deadLetters.retry': async (input, ctx) => {
        const row = await dispatcher.retryDeadLetter(input.id, ctx.principal?.name ?? 'system', (tx, d) =>
          deps.audit.record(tx, ctx.principal, 'events.dead_letter.retry', d.id, { consumer: d.consumer, seq: d.event_seq }),
        );
        return deadLetterToWire(row);
      },

      'events.deadLetters.discard': async (input, ctx) => {
        const row = await dispatcher.discardDeadLetter(input.id, ctx.principal?.name ?? 'system', (tx, d) =>
          deps.audit.record(tx, ctx.principal, 'events.dead_letter.discard', d.id, { consumer: d.consumer, seq: d.event_seq }),
        );
        return deadLetterToWire(row);
      },
    },
  });
}

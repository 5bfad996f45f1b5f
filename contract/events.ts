import { z } from 'zod';
import { defineContract, defineOperation, type StreamResult } from './operation';
import { IsoTime, queryInt } from './common';

// The event backbone as the outside sees it: every event in `seq` order,
// as a page (`after` is the last seq you have) or as server-sent events
// (`id:` is the seq, so `Last-Event-ID` resumes exactly). Consumers that
// kept failing on an event leave it here as a dead letter, to retry or
// discard.

export const EVENT_TYPE_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/**
 * The first frame of every event stream: `id:` and `data: {"after": N}`
 * give the position the stream starts from, so a client that drops before
 * its first event reopens from there (Last-Event-ID, or `after`) and misses
 * nothing. It is not an event of the outbox.
 */
export const STREAM_OPEN = 'stream.open';
export const StreamOpen = z.object({ after: z.number().int().nonnegative() });

const EventTypes = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(EVENT_TYPE_RE, { message: 'event types look like readings.stored' })).max(50, { message: 'at most 50 event types' }));

const Seq = z
  .union([z.number(), z.string().regex(/^\d+$/, { message: 'after must be a sequence number (0 for the beginning)' }).transform(Number)], {
    error: 'after must be a sequence number (0 for the beginning)',
  })
  .pipe(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER));

export const EventEnvelope = z.object({
  seq: z.number(),
  id: z.string(),
  type: z.string(),
  time: IsoTime,
  correlation_id: z.string().nullable(),
  causation_id: z.string().nullable(),
  payload: z.unknown(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

export const listEvents = defineOperation({
  name: 'events.list',
  summary: 'Events after a sequence number, oldest first; pass next_after back as after for the next page.',
  tag: 'events',
  access: 'read',
  input: z.object({ after: Seq.default(0), types: EventTypes.optional(), limit: queryInt(1, 1000).default(100) }).strict(),
  output: z.object({ events: z.array(EventEnvelope), next_after: z.number() }),
  http: { method: 'GET', path: '/api/v1/events' },
});

export const streamEvents = defineOperation({
  name: 'events.stream',
  summary: 'Server-sent events: every event after `after` (or the Last-Event-ID header), then live ones; `id:` is the seq, `event:` the type; a heartbeat comment at least every 15 s. The first frame, `event: stream.open` with `data: {"after": N}` and `id: N`, is the position the stream starts from.',
  tag: 'events',
  access: 'read',
  input: z.object({ after: Seq.optional(), types: EventTypes.optional() }).strict(),
  output: z.custom<StreamResult>(),
  http: { method: 'GET', path: '/api/v1/events/stream', produces: 'text/event-stream', headers: { 'last-event-id': 'after' } },
});

export const DEAD_LETTER_STATES = ['open', 'retried', 'discarded'] as const;

export const DeadLetterWire = z.object({
  id: z.string(),
  consumer: z.string(),
  event: EventEnvelope,
  attempts: z.number(),
  error: z.string(),
  state: z.enum(DEAD_LETTER_STATES),
  created_at: IsoTime,
  resolved_at: IsoTime.nullable(),
  resolved_by: z.string().nullable(),
});

export const listDeadLetters = defineOperation({
  name: 'events.deadLetters.list',
  summary: 'Events a consumer gave up on after its retries, newest first (state=open by default).',
  tag: 'events',
  access: 'read',
  input: z.object({ state: z.enum([...DEAD_LETTER_STATES, 'all']).default('open'), consumer: z.string().max(100).optional(), limit: queryInt(1, 1000).default(100) }).strict(),
  output: z.object({ dead_letters: z.array(DeadLetterWire) }),
  http: { method: 'GET', path: '/api/v1/events/dead-letters' },
});

export const retryDeadLetter = defineOperation({
  name: 'events.deadLetters.retry',
  summary: 'Deliver a dead letter to its consumer once more, now (audited). 409 if it is not open; the consumer\'s error if it fails again.',
  tag: 'events',
  access: 'operate',
  input: z.object({ id: z.string().min(1).max(64) }).strict(),
  output: DeadLetterWire,
  http: { method: 'POST', path: '/api/v1/events/dead-letters/{id}/retry' },
});

export const discardDeadLetter = defineOperation({
  name: 'events.deadLetters.discard',
  summary: 'Give up on a dead letter for good (audited).',
  tag: 'events',
  access: 'operate',
  input: z.object({ id: z.string().min(1).max(64) }).strict(),
  output: DeadLetterWire,
  http: { method: 'POST', path: '/api/v1/events/dead-letters/{id}/discard' },
});

export const listConsumers = defineOperation({
  name: 'events.consumers.list',
  summary: 'Every consumer of the event backbone: where it is (offset), how far behind (lag), and whether it is retrying an event.',
  tag: 'events',
  access: 'read',
  input: z.object({}).strict(),
  output: z.object({
    head: z.number(),
    consumers: z.array(z.object({
      name: z.string(),
      offset: z.number(),
      lag: z.number(),
      state: z.enum(['idle', 'running', 'backoff']),
      attempts: z.number(),
      last_error: z.string().nullable(),
    })),
  }),
  http: { method: 'GET', path: '/api/v1/events/consumers' },
});

export const eventsContract = defineContract({
  domain: 'events',
  operations: [listEvents, streamEvents, listDeadLetters, retryDeadLetter, discardDeadLetter, listConsumers],
  events: [],
});

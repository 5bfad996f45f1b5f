import { afterEach, describe, expect, it } from 'vitest';
import type { Consumer } from '../../main/core/backbone';
import type { StoredEvent } from '../../main/core/platform/write-queue';
import { reading, startStation, tempDir, type TestStation } from '../helpers/station';

// The event backbone through a real station: events commit with the state
// they describe, consumers keep offsets in the same transaction as their
// writes, a failing consumer retries with backoff and then dead-letters the
// event for itself alone, and a dead letter can be retried (once) or
// discarded.

const T0 = Date.UTC(2024, 4, 1, 12);

/** A consumer that records what it handled in its own table, in the dispatcher's transaction. */
function recorder(s: TestStation, name: string, opts: { failOn?: (e: StoredEvent) => boolean; attempts?: Map<number, number[]> } = {}): Consumer & { healed: boolean } {
  s.station.db.exec(`CREATE TABLE IF NOT EXISTS effects (consumer TEXT NOT NULL, seq INTEGER NOT NULL, sensors TEXT NOT NULL)`);
  const insert = s.station.db.prepare('INSERT INTO effects (consumer, seq, sensors) VALUES (?, ?, ?)');
  const c = {
    name,
    types: ['readings.stored'] as const,
    healed: false,
    handle(e: StoredEvent) {
      const list = opts.attempts?.get(e.seq) ?? [];
      list.push(Date.now());
      opts.attempts?.set(e.seq, list);
      if (!c.healed && opts.failOn?.(e)) throw new Error(`cannot handle ${(e.payload as { sensors: string[] }).sensors.join(',')}`);
      return () => void insert.run(name, e.seq, (e.payload as { sensors: string[] }).sensors.join(','));
    },
  };
  return c;
}

/** A recorder that also takes events together; a picky one refuses a poison event, and any batch that holds one. */
function batcher(s: TestStation, name: string, calls: number[][], picky: boolean): Consumer {
  const poison = (e: StoredEvent) => picky && (e.payload as { sensors: string[] }).sensors.includes('poison');
  const one = recorder(s, name, { failOn: poison });
  return {
    ...one,
    async handleMany(events) {
      calls.push(events.map((e) => e.seq));
      if (events.some(poison)) throw new Error('a poison event in the batch');
      return events.map((e) => one.handle(e) as () => void);
    },
  };
}

function effects(s: TestStation, consumer: string): string[] {
  return (s.station.db.prepare('SELECT sensors FROM effects WHERE consumer = ? ORDER BY seq').all(consumer) as Array<{ sensors: string }>).map((r) => r.sensors);
}

describe('event backbone', () => {
  let s: TestStation | undefined;
  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });

  it('writes readings.stored once per stored batch (never for duplicates or refusals) and sensor.registered once per sensor', async () => {
    s = await startStation();
    const batch = [reading('ev-a', T0, 1), reading('ev-b', T0 + 1000, 2), reading('ev-a', T0 + 2000, 3)];
    expect((await s.request('POST', '/api/v1/data/ingest', { body: batch })).body.stored).toBe(3);
    expect((await s.request('POST', '/api/v1/data/ingest', { body: batch })).body.duplicates).toBe(3);
    expect((await s.request('POST', '/api/v1/data/ingest', { body: [{ sensor_id: 'ev-c', value: 1 }] })).status).toBe(422);
    const list = await s.request('GET', '/api/v1/events?types=readings.stored,sensor.registered');
    const types = list.body.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(['sensor.registered', 'sensor.registered', 'readings.stored']);
    const stored = list.body.events[2];
    expect(stored.payload).toEqual({ count: 3, sensors: ['ev-a', 'ev-b'], from: new Date(T0).toISOString(), to: new Date(T0 + 2000).toISOString(), source: 'ingest', import_id: null });
    expect(stored).toMatchObject({ seq: expect.any(Number), id: expect.stringMatching(/^[0-9a-f-]{36}$/), time: expect.stringMatching(/Z$/), correlation_id: expect.any(String), causation_id: null });
    expect(list.body.next_after).toBe(stored.seq);
    // Seqs increase; paging after the last gives nothing more.
    const seqs = list.body.events.map((e: { seq: number }) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect((await s.request('GET', `/api/v1/events?after=${stored.seq}&types=readings.stored`)).body.events).toEqual([]);
    // The request's correlation id follows the events it caused.
    const r = await s.request('POST', '/api/v1/data/ingest', { body: reading('ev-a', T0 + 3000, 4), headers: { 'x-correlation-id': 'gateway-batch-77' } });
    expect(r.status).toBe(200);
    const last = (await s.request('GET', `/api/v1/events?after=${stored.seq}`)).body.events;
    expect(last).toHaveLength(1);
    expect(last[0].correlation_id).toBe('gateway-batch-77');
  });

  it('announces imports chunk by chunk and when they finish', async () => {
    s = await startStation();
    const csv = ['sensor_id,timestamp,value', ...Array.from({ length: 12_000 }, (_, i) => `imp-ev,${T0 + i * 1000},${i}`)].join('\n');
    const r = await fetch(`${s.url}/api/v1/data/import?import_id=ev-import-1`, { method: 'POST', headers: { 'x-api-key': s.adminKey, 'content-type': 'text/csv' }, body: csv });
    expect(r.status).toBe(200);
    const events = (await s.request('GET', '/api/v1/events?types=readings.stored,import.finished')).body.events;
    const chunks = events.filter((e: { type: string }) => e.type === 'readings.stored');
    expect(chunks.map((e: { payload: { count: number } }) => e.payload.count)).toEqual([5000, 5000, 2000]);
    expect(chunks.every((e: { payload: { source: string; import_id: string } }) => e.payload.source === 'import' && e.payload.import_id === 'ev-import-1')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'import.finished', payload: { import_id: 'ev-import-1', status: 'completed', stored: 12_000 } });
  });

  it('retries a failing event with growing delays, dead-letters it for that consumer only, and moves on', async () => {
    s = await startStation({ eventMaxAttempts: 3 }, { station: { retryBaseMs: 40 } });
    const attempts = new Map<number, number[]>();
    const picky = recorder(s, 'test.picky', { failOn: (e) => (e.payload as { sensors: string[] }).sensors.includes('poison'), attempts });
    s.station.backbone.dispatcher.register(picky);
    s.station.backbone.dispatcher.register(recorder(s, 'test.steady'));
    for (const id of ['ok-1', 'poison', 'ok-2']) await s.request('POST', '/api/v1/data/ingest', { body: reading(id, T0, 1) });
    await s.station.backbone.dispatcher.drained();

    expect(effects(s, 'test.steady')).toEqual(['ok-1', 'poison', 'ok-2']);
    expect(effects(s, 'test.picky')).toEqual(['ok-1', 'ok-2']);
    const poisonSeq = [...attempts.entries()].find(([, v]) => v.length > 1)![0];
    const times = attempts.get(poisonSeq)!;
    expect(times).toHaveLength(3);
    // Backoff with jitter: the n-th retry waits at least half of base·2^(n-1).
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(20 - 5);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(40 - 5);

    const dead = await s.request('GET', '/api/v1/events/dead-letters');
    expect(dead.body.dead_letters).toHaveLength(1);
    const letter = dead.body.dead_letters[0];
    expect(letter).toMatchObject({ consumer: 'test.picky', attempts: 3, state: 'open', error: 'cannot handle poison', event: { seq: poisonSeq, type: 'readings.stored' } });

    // A read key sees dead letters but cannot act on them.
    const reader = await s.createKey(['read']);
    expect((await s.request('GET', '/api/v1/events/dead-letters', { key: reader })).status).toBe(200);
    expect((await s.request('POST', `/api/v1/events/dead-letters/${letter.id}/retry`, { key: reader })).status).toBe(403);

    // Still failing: the retry says why and the letter stays open.
    const again = await s.request('POST', `/api/v1/events/dead-letters/${letter.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/failed again/);
    picky.healed = true;
    const retried = await s.request('POST', `/api/v1/events/dead-letters/${letter.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ state: 'retried', resolved_by: 'bootstrap' });
    // Delivered once, in its place by seq.
    expect(effects(s, 'test.picky')).toEqual(['ok-1', 'poison', 'ok-2']);
    expect((await s.request('POST', `/api/v1/events/dead-letters/${letter.id}/retry`)).status).toBe(409);
    const audit = await s.request('GET', '/api/v1/admin/audit');
    expect(audit.body.entries.some((e: { action: string; target: string }) => e.action === 'events.dead_letter.retry' && e.target === letter.id)).toBe(true);
  });

  it('hands a backlog to handleMany at once, and goes one event at a time to find the one that fails', async () => {
    s = await startStation({ eventMaxAttempts: 2 }, { station: { retryBaseMs: 20 } });
    for (const id of ['ok-1', 'ok-2', 'ok-3']) await s.request('POST', '/api/v1/data/ingest', { body: reading(id, T0, 1) });
    const together: number[][] = [];
    s.station.backbone.dispatcher.register(batcher(s, 'test.together', together, false));
    await s.station.backbone.dispatcher.drained();
    expect(effects(s, 'test.together')).toEqual(['ok-1', 'ok-2', 'ok-3']);
    expect(together.map((c) => c.length)).toEqual([3]);

    for (const id of ['ok-4', 'poison', 'ok-5']) await s.request('POST', '/api/v1/data/ingest', { body: reading(id, T0, 1) });
    const apart: number[][] = [];
    s.station.backbone.dispatcher.register(batcher(s, 'test.apart', apart, true));
    await s.station.backbone.dispatcher.drained();
    // The batch failed as a whole; one at a time, only the poison event is a dead letter, and the rest is delivered once.
    expect(effects(s, 'test.apart')).toEqual(['ok-1', 'ok-2', 'ok-3', 'ok-4', 'ok-5']);
    expect(apart[0]).toHaveLength(6);
    const dead = (await s.request('GET', '/api/v1/events/dead-letters')).body.dead_letters as Array<{ consumer: string; event: { seq: number } }>;
    expect(dead.map((d) => d.consumer)).toEqual(['test.apart']);
    expect(dead[0]!.event.seq).toBe(apart[0]![4]);
    // Another consumer, which takes the poison event, is not held back by this one's dead letter.
    expect(effects(s, 'test.together')).toEqual(['ok-1', 'ok-2', 'ok-3', 'ok-4', 'poison', 'ok-5']);
  });

  it('discards a dead letter for good, audited', async () => {
    s = await startStation({ eventMaxAttempts: 1 }, { station: { retryBaseMs: 10 } });
    s.station.backbone.dispatcher.register(recorder(s, 'test.never', { failOn: () => true }));
    await s.request('POST', '/api/v1/data/ingest', { body: reading('bad-1', T0, 1) });
    await s.station.backbone.dispatcher.drained();
    const [letter] = (await s.request('GET', '/api/v1/events/dead-letters')).body.dead_letters;
    const discarded = await s.request('POST', `/api/v1/events/dead-letters/${letter.id}/discard`);
    expect(discarded.body).toMatchObject({ state: 'discarded' });
    expect((await s.request('GET', '/api/v1/events/dead-letters')).body.dead_letters).toEqual([]);
    expect((await s.request('GET', '/api/v1/events/dead-letters?state=discarded')).body.dead_letters).toHaveLength(1);
    expect((await s.request('POST', `/api/v1/events/dead-letters/${letter.id}/discard`)).status).toBe(409);
    expect((await s.request('POST', '/api/v1/events/dead-letters/nope/discard')).status).toBe(404);
  });

  it('keeps offsets across a restart: nothing delivered twice, what was missed delivered after', async () => {
    const dir = tempDir();
    s = await startStation({}, { dir });
    s.station.backbone.dispatcher.register(recorder(s, 'test.counter'));
    for (let i = 0; i < 5; i++) await s.request('POST', '/api/v1/data/ingest', { body: reading(`off-${i}`, T0, i) });
    await s.station.backbone.dispatcher.drained();
    await s.stop();

    // While no consumer of that name runs, more events are written.
    s = await startStation({}, { dir });
    for (let i = 5; i < 8; i++) await s.request('POST', '/api/v1/data/ingest', { body: reading(`off-${i}`, T0, i) });
    await s.stop();

    s = await startStation({}, { dir });
    s.station.backbone.dispatcher.register(recorder(s, 'test.counter'));
    await s.station.backbone.dispatcher.drained();
    expect(effects(s, 'test.counter')).toEqual(Array.from({ length: 8 }, (_, i) => `off-${i}`));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventFrames, openSse } from '../helpers/sse';
import { reading, startStation, type TestStation } from '../helpers/station';

// The event stream as server-sent events: `id:` is the seq, `event:` the
// type, `data:` the envelope; Last-Event-ID (or ?after=) resumes with
// exactly the events missed; a comment line keeps an idle stream alive.

const T0 = Date.UTC(2024, 4, 1, 12);

describe('GET /api/v1/events/stream', () => {
  let s: TestStation;
  beforeAll(async () => {
    s = await startStation({}, { station: { sseHeartbeatMs: 200 } });
  });
  afterAll(async () => {
    await s.stop();
  });

  const auth = () => ({ 'x-api-key': s.adminKey });
  const ingest = (sensor: string, n = 1) => s.request('POST', '/api/v1/data/ingest', { body: Array.from({ length: n }, (_, i) => reading(sensor, T0 + i, i)) });

  it('streams live events with seq ids and types, and heartbeats while idle', async () => {
    const c = await openSse(`${s.url}/api/v1/events/stream`, auth());
    expect(c.status).toBe(200);
    await ingest('live-1');
    const frames = await c.until((f) => eventFrames(f).length >= 2);
    const ev = eventFrames(frames);
    expect(ev.map((f) => f.event)).toEqual(['sensor.registered', 'readings.stored']);
    const data = JSON.parse(ev[1]!.data!);
    expect(data).toMatchObject({ seq: Number(ev[1]!.id), type: 'readings.stored', payload: { count: 1, sensors: ['live-1'] } });
    await c.until((f) => f.some((x) => x.comment === 'heartbeat'), 3000);
    c.close();
  });

  it('opens with the position it starts from, as an id a reconnect resumes from', async () => {
    const head = (await s.request('GET', '/api/v1/events/consumers')).body.head as number;
    const c = await openSse(`${s.url}/api/v1/events/stream`, auth());
    const [opening] = await c.until((f) => f.length >= 1);
    c.close();
    expect(opening).toEqual({ id: String(head), event: 'stream.open', data: JSON.stringify({ after: head }) });
    await ingest('opened-1');
    const again = await openSse(`${s.url}/api/v1/events/stream?types=readings.stored`, { ...auth(), 'last-event-id': opening!.id! });
    const frames = await again.until((f) => eventFrames(f).length >= 1);
    again.close();
    expect(frames[0]).toMatchObject({ event: 'stream.open', id: String(head) });
    expect(JSON.parse(eventFrames(frames)[0]!.data!).payload.sensors).toEqual(['opened-1']);
    const given = await openSse(`${s.url}/api/v1/events/stream?after=0`, auth());
    expect((await given.until((f) => f.length >= 1))[0]).toMatchObject({ id: '0', event: 'stream.open', data: '{"after":0}' });
    given.close();
  });

  it('resumes from Last-Event-ID with exactly the events missed, in order, then carries on live', async () => {
    const first = await openSse(`${s.url}/api/v1/events/stream?after=0&types=readings.stored`, auth());
    await ingest('resume-a');
    await ingest('resume-b');
    const seen = eventFrames(await first.until((f) => eventFrames(f).some((x) => JSON.parse(x.data!).payload.sensors[0] === 'resume-b')));
    const lastId = seen.at(-1)!.id!;
    first.close();

    // Missed while disconnected.
    for (const id of ['gap-1', 'gap-2', 'gap-3']) await ingest(id, 3);
    const expected = (await s.request('GET', `/api/v1/events?after=${lastId}&types=readings.stored`)).body.events.map((e: { seq: number }) => String(e.seq));
    expect(expected).toHaveLength(3);

    const second = await openSse(`${s.url}/api/v1/events/stream?types=readings.stored`, { ...auth(), 'last-event-id': lastId });
    const replayed = eventFrames(await second.until((f) => eventFrames(f).length >= 3));
    expect(replayed.map((f) => f.id)).toEqual(expected);
    await ingest('after-resume');
    const all = eventFrames(await second.until((f) => eventFrames(f).length >= 4));
    expect(JSON.parse(all[3]!.data!).payload.sensors).toEqual(['after-resume']);
    expect(new Set(all.map((f) => f.id)).size).toBe(all.length); // nothing twice
    second.close();
  });

  it('needs the read scope and refuses a bad position or type by name', async () => {
    const ingestOnly = await s.createKey(['ingest']);
    expect((await s.request('GET', '/api/v1/events/stream', { key: ingestOnly })).status).toBe(403);
    expect((await s.request('GET', '/api/v1/events/stream', { key: null })).status).toBe(401);
    const bad = await s.request('GET', '/api/v1/events/stream?after=yesterday');
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].path).toBe('after');
    expect((await s.request('GET', '/api/v1/events/stream', { headers: { 'last-event-id': 'x1' } })).status).toBe(422);
    expect((await s.request('GET', '/api/v1/events?types=Not-A-Type')).status).toBe(422);
  });

  it('lets the station stop while streams are open', async () => {
    const other = await startStation();
    const c = await openSse(`${other.url}/api/v1/events/stream`, { 'x-api-key': other.adminKey });
    await other.stop();
    c.close();
  });
});

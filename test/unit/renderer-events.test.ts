import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventCursor, FIRST_RETRY_MS, MAX_RETRY_MS, STREAM_PATH, type EventEnvelope } from '../../renderer/api/event-cursor';
import { eventFrames, openSse, type SseFrame } from '../helpers/sse';
import { ADMIN_KEY, reading, startStation, type TestStation } from '../helpers/station';

// How the console resumes the station's event stream after a drop: from
// the last seq it delivered, so a reconnect neither misses nor repeats an
// event. Checked against a real station's stream: events arrive, the
// connection drops, more are stored meanwhile, and the stream reopened
// from the cursor brings exactly those.

const envelope = (seq: number): EventEnvelope => ({ seq, id: `e${seq}`, type: 'readings.stored', time: new Date(0).toISOString(), correlation_id: null, causation_id: null, payload: {} });
const envelopes = (frames: SseFrame[]) => eventFrames(frames).map((f) => JSON.parse(f.data!) as EventEnvelope);

describe('EventCursor', () => {
  it('delivers each event once, in seq order, whatever order and repeats it is handed', () => {
    const c = new EventCursor();
    expect(c.after).toBeNull();
    expect(c.accept([envelope(3), envelope(1), envelope(2)]).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(c.after).toBe(3);
    // A replay from before the cursor (the browser reopening its first URL) brings nothing twice.
    expect(c.accept([envelope(2), envelope(3), envelope(4)]).map((e) => e.seq)).toEqual([4]);
    expect(c.accept([])).toEqual([]);
    expect(c.after).toBe(4);
  });

  it('starts after a given seq when told one', () => {
    const c = new EventCursor(10);
    expect(c.accept([envelope(9), envelope(10), envelope(11)]).map((e) => e.seq)).toEqual([11]);
  });

  it('reopens the stream from the last seq seen, and from now before any', () => {
    const c = new EventCursor();
    expect(c.url([])).toBe(STREAM_PATH);
    expect(c.url(['readings.stored'])).toBe(`${STREAM_PATH}?types=readings.stored`);
    c.accept([envelope(41)]);
    expect(c.url(['readings.stored', 'sensor.registered'])).toBe(`${STREAM_PATH}?types=readings.stored%2Csensor.registered&after=41`);
  });

  it('takes the position a stream starts from until an event moves it, and never goes back', () => {
    const c = new EventCursor();
    c.startAt(17);
    expect(c.after).toBe(17);
    expect(c.url([])).toBe(`${STREAM_PATH}?after=17`);
    c.startAt(3);
    expect(c.after).toBe(17);
    c.accept([envelope(20)]);
    c.startAt(25);
    expect(c.after).toBe(20);
    for (const bad of [-1, 1.5, Number.NaN]) {
      const d = new EventCursor();
      d.startAt(bad);
      expect(d.after).toBeNull();
    }
  });

  it('waits longer after each drop, up to a cap, and the shortest time again once a stream opened', () => {
    const c = new EventCursor();
    const waits = Array.from({ length: 8 }, () => c.dropped());
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect([FIRST_RETRY_MS, MAX_RETRY_MS]).toEqual([1000, 30_000]);
    c.opened();
    expect(c.dropped()).toBe(FIRST_RETRY_MS);
  });
});

describe('resuming a real station\'s stream', () => {
  let s: TestStation;
  const T0 = Date.UTC(2024, 4, 1, 12);
  let n = 0;
  const store = async () => {
    const r = await s.request('POST', '/api/v1/data/ingest', { body: [reading('resume-1', T0 + n++ * 1000, n)] });
    expect(r.status, r.text).toBe(200);
  };
  const open = (c: EventCursor) => openSse(s.url + c.url(['readings.stored']), { 'x-api-key': ADMIN_KEY });

  beforeAll(async () => {
    s = await startStation();
  });

  afterAll(async () => {
    await s.stop();
  });

  it('brings exactly the events stored while the connection was down, none twice', async () => {
    const cursor = new EventCursor();
    const first = await open(cursor);
    expect(first.status).toBe(200);
    // Live from now: give the stream a moment to subscribe before storing.
    await first.until((f) => f.some((x) => x.event === 'stream.open'));
    await store();
    await store();
    const seen = cursor.accept(envelopes(await first.until((f) => eventFrames(f).length >= 2)));
    expect(seen.map((e) => e.type)).toEqual(['readings.stored', 'readings.stored']);
    first.close();

    // Down: two more batches are stored meanwhile.
    await store();
    await store();
    const resumed = await open(cursor);
    const missed = cursor.accept(envelopes(await resumed.until((f) => eventFrames(f).length >= 2)));
    resumed.close();
    // Exactly what the station holds after the last event seen.
    const stored = (await s.request('GET', `/api/v1/events?types=readings.stored&after=${seen[1]!.seq}`)).body.events as EventEnvelope[];
    expect(stored).toHaveLength(2);
    expect(missed.map((e) => e.id)).toEqual(stored.map((e) => e.id));
    expect(cursor.after).toBe(stored[1]!.seq);

    // Reopening from the very first position instead replays what was already delivered: the cursor drops it.
    const replay = await openSse(`${s.url}${STREAM_PATH}?types=readings.stored&after=${seen[0]!.seq - 1}`, { 'x-api-key': ADMIN_KEY });
    const again = envelopes(await replay.until((f) => eventFrames(f).length >= 4));
    replay.close();
    expect(again.map((e) => e.seq)).toEqual([...seen, ...missed].map((e) => e.seq));
    expect(cursor.accept(again)).toEqual([]);
  });

  it('misses nothing when the stream drops before its first event', async () => {
    const cursor = new EventCursor();
    const first = await open(cursor);
    const opening = (await first.until((f) => f.some((x) => x.event === 'stream.open'))).find((x) => x.event === 'stream.open')!;
    cursor.startAt((JSON.parse(opening.data!) as { after: number }).after);
    expect(opening.id).toBe(String(cursor.after));
    first.close();

    // Stored while down, before this client ever saw an event.
    await store();
    const resumed = await open(cursor);
    const missed = cursor.accept(envelopes(await resumed.until((f) => eventFrames(f).length >= 1)));
    resumed.close();
    expect(missed).toHaveLength(1);
    expect(missed[0]!.seq).toBeGreaterThan(Number(opening.id));
  });
});

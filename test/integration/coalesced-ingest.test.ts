import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../main/core/platform/operations';
import { reading, startStation, type TestStation } from '../helpers/station';

// Single-reading requests that arrive before the same group commit are
// stored as one batch; each request must still get the answer it would
// have had alone. Calls made in one tick are sure to share a commit.

const T0 = Date.UTC(2024, 6, 1);
const GATEWAY: Principal = { kind: 'system', id: 'gateway', name: 'gateway', scopes: ['ingest', 'read'], keyId: null, sessionId: null, rateLimitPerMinute: null };

type Outcome = { ok: true; body: any } | { ok: false; code: string; message: string; details: any };

describe('single readings sent together', () => {
  let s: TestStation;
  beforeAll(async () => {
    s = await startStation();
  });
  afterAll(async () => {
    await s.stop();
  });

  /** Sends each body as its own request, all in the same tick. */
  const together = (bodies: Array<{ readings: unknown[]; partial?: boolean }>, correlation = 'c') =>
    Promise.all(
      bodies.map((b, i) =>
        s.station.invoke('data.ingest', b, GATEWAY, { correlationId: `${correlation}-${i}` }).then(
          (body): Outcome => ({ ok: true, body }),
          (err: { code: string; message: string; details: unknown }): Outcome => ({ ok: false, code: err.code, message: err.message, details: err.details }),
        ),
      ),
    );

  const storedEvents = async (after: number) => (await s.request('GET', `/api/v1/events?after=${after}&types=readings.stored`)).body.events as any[];
  const head = async () => {
    const events = (await s.request('GET', '/api/v1/events?limit=1000')).body.events as any[];
    return events.length ? events[events.length - 1].seq : 0;
  };

  it('stores them as one batch, answering each request on its own', async () => {
    const before = await head();
    const out = await together(Array.from({ length: 40 }, (_, i) => ({ readings: [reading('gw-a', T0 + i * 1000, i)] })));
    out.forEach((o, i) => {
      expect(o.ok).toBe(true);
      const body = (o as { body: any }).body;
      expect(body).toMatchObject({ received: 1, stored: 1, duplicates: 0, conflicts: [], rejected_count: 0, correlation_id: `c-${i}` });
      // The request whose reading registered the new sensor says so; the others do not.
      expect(body.sensors_registered).toEqual(i === 0 ? ['gw-a'] : []);
    });
    const events = await storedEvents(before);
    expect(events).toHaveLength(1);
    expect(events[0].payload).toMatchObject({ count: 40, sensors: ['gw-a'], from: new Date(T0).toISOString(), to: new Date(T0 + 39_000).toISOString() });
    // Several causes: the batch's event claims none of them.
    expect(events[0].correlation_id).toBeNull();

    const sensor = (await s.request('GET', '/api/v1/sensors/gw-a')).body;
    expect(sensor.reading_count).toBe(40);
    const series = (await s.request('GET', `/api/v1/sensors/gw-a/series?points=1`)).body;
    expect(series.points[0]).toMatchObject({ count: 40, min: 0, max: 39, first: 0, last: 39 });
  });

  it('keeps the correlation id of a request that was stored alone', async () => {
    const before = await head();
    const [o] = await together([{ readings: [reading('gw-solo', T0, 1)] }], 'solo');
    expect(o!.ok).toBe(true);
    const events = await storedEvents(before);
    expect(events.map((e) => e.correlation_id)).toEqual(['solo-0']);
  });

  it('answers duplicates, conflicts and contradictions per request, atomic or partial', async () => {
    await together([{ readings: [reading('gw-b', T0, 5, { unit: 'bar' })] }]);
    const out = await together([
      { readings: [reading('gw-b', T0 + 1, 6)] }, // new
      { readings: [reading('gw-b', T0, 5)] }, // the stored value again: a duplicate
      { readings: [reading('gw-b', T0, 7)] }, // another value for a stored time: a conflict
      { readings: [reading('gw-b', T0, 7)], partial: true },
      { readings: [reading('gw-b', T0 + 2, 8, { unit: 'psi' })] }, // contradicts the sensor's unit
      { readings: [reading('gw-b', T0 + 2, 8, { unit: 'psi' })], partial: true },
      { readings: [reading('gw-b', T0 + 1, 6)] }, // the same as the first of this tick: a duplicate of it
    ]);
    expect(out[0]).toMatchObject({ ok: true, body: { stored: 1, duplicates: 0 } });
    expect(out[1]).toMatchObject({ ok: true, body: { stored: 0, duplicates: 1 } });
    expect(out[2]).toMatchObject({ ok: false, code: 'conflict' });
    expect((out[2] as any).details.conflicts).toEqual([{ index: 0, sensor_id: 'gw-b', timestamp: new Date(T0).toISOString(), value: 7, stored_value: 5 }]);
    expect(out[3]).toMatchObject({ ok: true, body: { stored: 0, conflicts: [{ index: 0, value: 7, stored_value: 5 }] } });
    expect(out[4]).toMatchObject({ ok: false, code: 'validation_failed' });
    expect((out[4] as any).details).toEqual([expect.objectContaining({ index: 0, path: 'readings.0.unit', field: 'unit', code: 'sensor_mismatch' })]);
    expect(out[5]).toMatchObject({ ok: true, body: { stored: 0, rejected_count: 1, rejected: [expect.objectContaining({ index: 0, path: 'readings.0.unit' })] } });
    expect(out[6]).toMatchObject({ ok: true, body: { stored: 0, duplicates: 1 } });

    const rows = (await s.request('GET', '/api/v1/readings?sensor_id=gw-b')).body.readings;
    expect(rows.map((r: any) => [r.timestamp, r.value])).toEqual([
      [new Date(T0).toISOString(), 5],
      [new Date(T0 + 1).toISOString(), 6],
    ]);
    expect((await s.request('GET', '/api/v1/sensors/gw-b')).body).toMatchObject({ reading_count: 2, unit: 'bar' });
  });

  it('answers one new sensor sent twice with contradicting units: the first registers it, the second is refused', async () => {
    const out = await together([
      { readings: [reading('gw-c', T0, 1, { unit: 'C' })] },
      { readings: [reading('gw-c', T0 + 1, 2, { unit: 'F' })] },
    ]);
    expect(out[0]).toMatchObject({ ok: true, body: { stored: 1, sensors_registered: ['gw-c'] } });
    expect(out[1]).toMatchObject({ ok: false, code: 'validation_failed' });
  });

  it('stores them over HTTP as before: many clients at once, every reading once', async () => {
    const n = 200;
    const res = await Promise.all(Array.from({ length: n }, (_, i) => s.request('POST', '/api/v1/data/ingest', { body: reading(`gw-h${i % 4}`, T0 + Math.floor(i / 4), i) })));
    expect(res.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(res.reduce((k, r) => k + r.body.stored, 0)).toBe(n);
    for (let k = 0; k < 4; k++) expect((await s.request('GET', `/api/v1/sensors/gw-h${k}`)).body.reading_count).toBe(n / 4);
  });
});

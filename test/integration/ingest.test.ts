import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reading, startStation, type TestStation } from '../helpers/station';

const T0 = Date.UTC(2024, 4, 1, 12);
const ingest = (s: TestStation, body: unknown, query = '', headers: Record<string, string> = {}) =>
  s.request('POST', `/api/v1/data/ingest${query}`, { body, headers });

describe('POST /api/v1/data/ingest', () => {
  let s: TestStation;
  beforeAll(async () => {
    s = await startStation();
  });
  afterAll(async () => {
    await s.stop();
  });

  describe('accepted body shapes', () => {
    it('takes one reading, an array, or {readings:[...]}', async () => {
      expect((await ingest(s, reading('shape-1', T0, 1))).body).toMatchObject({ received: 1, stored: 1 });
      expect((await ingest(s, [reading('shape-2', T0, 1), reading('shape-2', T0 + 1, 2)])).body).toMatchObject({ received: 2, stored: 2 });
      expect((await ingest(s, { readings: [reading('shape-3', T0, 1)] })).body).toMatchObject({ received: 1, stored: 1 });
    });

    it('takes ISO-8601 timestamps with an offset and epoch milliseconds alike', async () => {
      const r = await ingest(s, [reading('ts-1', T0, 1), { sensor_id: 'ts-1', timestamp: '2024-05-01T14:00:00.001+02:00', value: 2 }]);
      expect(r.body).toMatchObject({ stored: 2 });
      const list = await s.request('GET', '/api/v1/sensors/readings?sensor_id=ts-1');
      expect(list.body.readings.map((x: { timestamp: string }) => x.timestamp)).toEqual(['2024-05-01T12:00:00.000Z', '2024-05-01T12:00:00.001Z']);
    });

    it('accepts backfill of old readings (the old system refused anything over 24 h old)', async () => {
      const twoYearsAgo = Date.now() - 2 * 365 * 24 * 3600_000;
      expect((await ingest(s, reading('backfill', twoYearsAgo, 5))).body).toMatchObject({ stored: 1 });
    });

    it('accepts up to 5 minutes of clock skew into the future', async () => {
      expect((await ingest(s, reading('skew', Date.now() + 4 * 60_000, 1))).status).toBe(200);
    });

    it('stores quality and metadata', async () => {
      await ingest(s, reading('meta', T0, 1, { quality: 0.5, metadata: { probe: 'A', depth: 3 } }));
      const list = await s.request('GET', '/api/v1/sensors/readings?sensor_id=meta');
      expect(list.body.readings[0]).toMatchObject({ quality: 0.5, metadata: { probe: 'A', depth: 3 } });
    });
  });

  describe('validation: 422 naming index and field, nothing stored', () => {
    const cases: Array<[string, unknown, string, RegExp]> = [
      ['missing sensor_id', { timestamp: T0, value: 1 }, 'sensor_id', /sensor_id is required/],
      ['sensor_id with a space', { sensor_id: 'a b', timestamp: T0, value: 1 }, 'sensor_id', /letters, digits/],
      ['sensor_id not a string', { sensor_id: 7, timestamp: T0, value: 1 }, 'sensor_id', /must be a string, got number/],
      ['missing timestamp', { sensor_id: 'v', value: 1 }, 'timestamp', /timestamp is required/],
      ['timestamp without offset', { sensor_id: 'v', timestamp: '2024-05-01T12:00:00', value: 1 }, 'timestamp', /no UTC offset/],
      ['timestamp not a date', { sensor_id: 'v', timestamp: '2024-13-01T00:00:00Z', value: 1 }, 'timestamp', /not a real calendar date/],
      ['epoch seconds', { sensor_id: 'v', timestamp: 1714564800, value: 1 }, 'timestamp', /milliseconds, not seconds/],
      ['timestamp far in the future', { sensor_id: 'v', timestamp: Date.now() + 3600_000, value: 1 }, 'timestamp', /in the future; at most 300 s/],
      ['missing value', { sensor_id: 'v', timestamp: T0 }, 'value', /value is required/],
      ['value as a string', { sensor_id: 'v', timestamp: T0, value: '12.5' }, 'value', /finite number, got string/],
      ['value null', { sensor_id: 'v', timestamp: T0, value: null }, 'value', /finite number, got null/],
      ['quality above 1', { sensor_id: 'v', timestamp: T0, value: 1, quality: 1.5 }, 'quality', /from 0 to 1/],
      ['quality negative', { sensor_id: 'v', timestamp: T0, value: 1, quality: -0.1 }, 'quality', /from 0 to 1/],
      ['empty unit', { sensor_id: 'v', timestamp: T0, value: 1, unit: '' }, 'unit', /must not be empty/],
      ['bad sensor_type', { sensor_id: 'v', timestamp: T0, value: 1, sensor_type: 'temp erature' }, 'sensor_type', /sensor_type must be/],
      ['metadata not an object', { sensor_id: 'v', timestamp: T0, value: 1, metadata: [1] }, 'metadata', /metadata must be an object/],
      ['metadata too large', { sensor_id: 'v', timestamp: T0, value: 1, metadata: { blob: 'x'.repeat(3000) } }, 'metadata', /at most 2048 bytes/],
      ['unknown field', { sensor_id: 'v', timestamp: T0, value: 1, valeu: 2 }, 'valeu', /unknown field 'valeu'/],
      ['a reading that is not an object', 42, 'reading', /a reading must be an object, got number/],
    ];
    it.each(cases)('%s', async (_name, bad, field, message) => {
      const r = await ingest(s, [reading('valid-neighbour', T0, 1), bad]);
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.message).toMatch(/nothing was stored/);
      const issue = r.body.error.details.find((d: { field: string }) => d.field === field);
      expect(issue, JSON.stringify(r.body.error.details)).toBeDefined();
      expect(issue).toMatchObject({ index: 1, path: `readings.1.${field}` });
      // The precise rule for integrators; a sentence without field names for the operator; a code to translate it.
      expect(issue.detail ?? issue.message).toMatch(message);
      expect(issue.code).toMatch(/^[a-z_]+$/);
      expect(issue.message).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
      const stored = await s.request('GET', '/api/v1/sensors/readings?sensor_id=valid-neighbour');
      expect(stored.body.readings).toHaveLength(0);
    });

    it('lists every bad index and field of a batch at once', async () => {
      const r = await ingest(s, [reading('multi', T0, 1), { sensor_id: 'multi', timestamp: 'x', value: 'y' }, reading('multi', T0 + 2, 1), { value: 1 }]);
      expect(r.status).toBe(422);
      const got = r.body.error.details.map((d: { index: number; field: string }) => `${d.index}:${d.field}`).sort();
      expect(got).toEqual(['1:timestamp', '1:value', '3:sensor_id', '3:timestamp']);
    });

    it('refuses empty and oversized batches and non-array readings', async () => {
      const empty = await ingest(s, []);
      expect(empty.status).toBe(422);
      expect(empty.body.error.message).toMatch(/at least one reading/);
      const big = await ingest(s, Array.from({ length: 10_001 }, (_, i) => reading('big', T0 + i, i)));
      expect(big.status).toBe(422);
      expect(big.body.error.message).toMatch(/at most 10000 readings/);
      const notArray = await ingest(s, { readings: 'lots' });
      expect(notArray.status).toBe(422);
      expect(notArray.body.error.details[0]).toMatchObject({ path: 'readings' });
    });

    it('takes exactly 10,000 readings in one batch', async () => {
      const r = await ingest(s, Array.from({ length: 10_000 }, (_, i) => reading('tenk', T0 + i, i)));
      expect(r.body).toMatchObject({ received: 10_000, stored: 10_000 });
    });

    it('answers malformed JSON with 400 and wrong content types with 415', async () => {
      const bad = await s.request('POST', '/api/v1/data/ingest', { rawBody: '{"sensor_id": "x", ', headers: { 'content-type': 'application/json' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'invalid_json' });
      const text = await s.request('POST', '/api/v1/data/ingest', { rawBody: 'sensor=1', headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBe(415);
      expect(text.body.error.message).toMatch(/application\/json/);
      const csv = await s.request('POST', '/api/v1/data/ingest', { rawBody: 'a,b\n1,2', headers: { 'content-type': 'text/csv' } });
      expect(csv.status).toBe(415);
    });
  });

  describe('sensors registered from their first reading', () => {
    it('registers type, unit and asset, and refuses contradictions', async () => {
      const first = await ingest(s, reading('reg-1', T0, 20, { sensor_type: 'Temperature', unit: 'C', asset_id: 'pump-7' }));
      expect(first.body.sensors_registered).toEqual(['reg-1']);
      const sensor = await s.request('GET', '/api/v1/sensors/reg-1');
      expect(sensor.body).toMatchObject({ id: 'reg-1', sensor_type: 'temperature', unit: 'C', asset_id: 'pump-7', reading_count: 1 });

      for (const [field, value, msg] of [
        ['unit', 'F', /unit 'F' contradicts sensor 'reg-1', registered with unit 'C'/],
        ['sensor_type', 'pressure', /sensor_type 'pressure' contradicts/],
        ['asset_id', 'pump-8', /asset_id 'pump-8' contradicts/],
      ] as const) {
        const r = await ingest(s, reading('reg-1', T0 + 1, 21, { [field]: value }));
        expect(r.status).toBe(422);
        expect(r.body.error.details[0]).toMatchObject({ index: 0, field, code: 'sensor_mismatch' });
        expect(r.body.error.details[0].detail).toMatch(msg);
      }
      // Omitting type and unit is fine: the sensor's own apply.
      expect((await ingest(s, reading('reg-1', T0 + 1, 21))).body.stored).toBe(1);
    });

    it('refuses a batch that contradicts itself', async () => {
      const r = await ingest(s, [reading('reg-2', T0, 1, { unit: 'bar' }), reading('reg-2', T0 + 1, 1, { unit: 'psi' })]);
      expect(r.status).toBe(422);
      expect(r.body.error.details[0]).toMatchObject({ index: 1, field: 'unit' });
      expect((await s.request('GET', '/api/v1/sensors/reg-2')).status).toBe(404);
    });

    it('fills in a unit the sensor did not have yet', async () => {
      await ingest(s, reading('reg-3', T0, 1));
      await ingest(s, reading('reg-3', T0 + 1, 1, { unit: 'mm/s' }));
      expect((await s.request('GET', '/api/v1/sensors/reg-3')).body.unit).toBe('mm/s');
    });
  });

  describe('idempotency', () => {
    it('counts the same (sensor, timestamp, value) again as a duplicate, not a second row', async () => {
      const batch = [reading('dup', T0, 1.25), reading('dup', T0 + 1, 2.5)];
      expect((await ingest(s, batch)).body).toMatchObject({ stored: 2, duplicates: 0 });
      expect((await ingest(s, batch)).body).toMatchObject({ stored: 0, duplicates: 2 });
      expect((await ingest(s, [...batch, reading('dup', T0 + 2, 3)])).body).toMatchObject({ stored: 1, duplicates: 2 });
      expect((await s.request('GET', '/api/v1/sensors/dup')).body.reading_count).toBe(3);
    });

    it('reports a different value for a stored (sensor, timestamp) as a conflict and keeps the stored value', async () => {
      await ingest(s, reading('conf', T0, 10));
      const r = await ingest(s, [reading('conf', T0 + 1, 11), reading('conf', T0, 99)]);
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('conflict');
      expect(r.body.error.details.conflicts).toEqual([{ index: 1, sensor_id: 'conf', timestamp: new Date(T0).toISOString(), value: 99, stored_value: 10 }]);
      const list = await s.request('GET', '/api/v1/sensors/readings?sensor_id=conf');
      expect(list.body.readings.map((x: { value: number }) => x.value)).toEqual([10]); // atomic: T0+1 not stored either

      const partial = await ingest(s, [reading('conf', T0 + 1, 11), reading('conf', T0, 99)], '?partial=true');
      expect(partial.status).toBe(200);
      expect(partial.body).toMatchObject({ stored: 1, conflicts: [{ index: 1, value: 99, stored_value: 10 }] });
      const after = await s.request('GET', '/api/v1/sensors/readings?sensor_id=conf');
      expect(after.body.readings.map((x: { value: number }) => x.value)).toEqual([10, 11]);
    });

    it('treats a conflict inside one batch the same way', async () => {
      const r = await ingest(s, [reading('conf-2', T0, 1), reading('conf-2', T0, 2)]);
      expect(r.status).toBe(409);
      expect((await s.request('GET', '/api/v1/sensors/conf-2')).status).toBe(404);
    });

    it('replays the first response for a repeated Idempotency-Key and refuses it with another body', async () => {
      const body = [reading('idem', T0, 1), reading('idem', T0 + 1, 2)];
      const first = await ingest(s, body, '', { 'idempotency-key': 'batch-0001' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ stored: 2 });
      const again = await ingest(s, body, '', { 'idempotency-key': 'batch-0001' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body); // stored: 2 again, not duplicates: 2
      expect(again.headers.get('idempotent-replayed')).toBe('true');

      const other = await ingest(s, [reading('idem', T0 + 5, 5)], '', { 'idempotency-key': 'batch-0001' });
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('idempotency_mismatch');
      expect(other.body.error.message).toMatch(/already used with a different request/);
      expect((await s.request('GET', '/api/v1/sensors/idem')).body.reading_count).toBe(2);
    });

    it('does not consume a key on a failed request, so a corrected retry may reuse it', async () => {
      const bad = await ingest(s, [{ sensor_id: 'idem-2', timestamp: T0, value: 'x' }], '', { 'idempotency-key': 'fix-me' });
      expect(bad.status).toBe(422);
      const good = await ingest(s, [reading('idem-2', T0, 1)], '', { 'idempotency-key': 'fix-me' });
      expect(good.status).toBe(200);
    });

    it('keeps keys per API key, and refuses malformed keys', async () => {
      const other = await s.createKey(['ingest']);
      const body = [reading('idem-3', T0, 1)];
      await ingest(s, body, '', { 'idempotency-key': 'shared-name' });
      const r = await s.request('POST', '/api/v1/data/ingest', { body: [reading('idem-3', T0 + 9, 1)], key: other, headers: { 'idempotency-key': 'shared-name' } });
      expect(r.status).toBe(200);
      const bad = await ingest(s, body, '', { 'idempotency-key': 'x'.repeat(201) });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details[0].path).toBe('Idempotency-Key');
    });

    it('refuses a concurrent request with the same key while the first is in progress', async () => {
      const body = Array.from({ length: 5000 }, (_, i) => reading('idem-4', T0 + i, i));
      const [a, b] = await Promise.all([
        ingest(s, body, '', { 'idempotency-key': 'race' }),
        ingest(s, body, '', { 'idempotency-key': 'race' }),
      ]);
      const statuses = [a.status, b.status].sort();
      // Either the second arrived while the first ran (409 in progress) or after it (replay).
      expect([[200, 200], [200, 409]]).toContainEqual(statuses);
      expect((await s.request('GET', '/api/v1/sensors/idem-4')).body.reading_count).toBe(5000);
    });
  });

  describe('partial batches', () => {
    it('stores the valid readings and lists the rejected ones', async () => {
      const r = await ingest(s, [reading('part', T0, 1), { sensor_id: 'part', timestamp: T0 + 1, value: 'NaN' }, reading('part', T0 + 2, 3)], '?partial=true');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ received: 3, stored: 2, duplicates: 0 });
      expect(r.body.rejected).toEqual([expect.objectContaining({ index: 1, field: 'value', path: 'readings.1.value' })]);
    });

    it('also reports sensor contradictions per reading', async () => {
      await ingest(s, reading('part-2', T0, 1, { unit: 'A' }));
      const r = await ingest(s, [reading('part-2', T0 + 1, 1, { unit: 'V' }), reading('part-2', T0 + 2, 1)], '?partial=true');
      expect(r.body).toMatchObject({ stored: 1, rejected: [{ index: 0, field: 'unit' }] });
    });

    it('validates the partial flag itself', async () => {
      const r = await ingest(s, reading('part-3', T0, 1), '?partial=maybe');
      expect(r.status).toBe(422);
      expect(r.body.error.details[0]).toMatchObject({ path: 'partial' });
    });
  });

  describe('correlation ids', () => {
    it('returns a well-formed X-Correlation-ID it was given, in the header and the body', async () => {
      const r = await ingest(s, reading('corr', T0, 1), '', { 'x-correlation-id': 'plc-gw-42.batch-7' });
      expect(r.headers.get('x-correlation-id')).toBe('plc-gw-42.batch-7');
      expect(r.body.correlation_id).toBe('plc-gw-42.batch-7');
    });

    it('generates one otherwise, also on errors', async () => {
      const r = await ingest(s, [], '', { 'x-correlation-id': 'has spaces and ; chars' });
      const id = r.headers.get('x-correlation-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.body.correlation_id).toBe(id);
    });
  });
});

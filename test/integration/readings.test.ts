import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reading, startStation, type TestStation } from '../helpers/station';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;

describe('readings API', () => {
  let s: TestStation;
  beforeAll(async () => {
    s = await startStation();
    // Three sensors on two assets, one reading a minute for 1,000 minutes each.
    const sensors = [
      { id: 'p1.temp', type: 'temperature', unit: 'C', asset: 'pump-1' },
      { id: 'p1.vib', type: 'vibration', unit: 'mm/s', asset: 'pump-1' },
      { id: 'p2.temp', type: 'temperature', unit: 'C', asset: 'pump-2' },
    ];
    for (const sn of sensors) {
      const batch = Array.from({ length: 1000 }, (_, i) =>
        reading(sn.id, T0 + i * MIN, Math.sin(i / 50) * 10 + i / 100, { sensor_type: sn.type, unit: sn.unit, asset_id: sn.asset }),
      );
      const r = await s.request('POST', '/api/v1/data/ingest', { body: batch });
      expect(r.body.stored).toBe(1000);
    }
  });
  afterAll(async () => {
    await s.stop();
  });

  it('lists sensors with asset, type, unit, count, first/last timestamp and latest value', async () => {
    const r = await s.request('GET', '/api/v1/sensors');
    expect(r.body.sensors).toHaveLength(3);
    const p1 = r.body.sensors.find((x: { id: string }) => x.id === 'p1.temp');
    expect(p1).toMatchObject({
      asset_id: 'pump-1',
      sensor_type: 'temperature',
      unit: 'C',
      reading_count: 1000,
      first_timestamp: new Date(T0).toISOString(),
      last_timestamp: new Date(T0 + 999 * MIN).toISOString(),
      last_value: Math.sin(999 / 50) * 10 + 9.99,
    });
    expect((await s.request('GET', '/api/v1/sensors?asset_id=pump-1')).body.sensors.map((x: { id: string }) => x.id)).toEqual(['p1.temp', 'p1.vib']);
    expect((await s.request('GET', '/api/v1/sensors?sensor_type=temperature')).body.sensors).toHaveLength(2);
  });

  it('keeps the latest value on the newest timestamp when old readings are backfilled', async () => {
    await s.request('POST', '/api/v1/data/ingest', { body: reading('p2.temp', T0 - 10 * MIN, -100) });
    const p2 = (await s.request('GET', '/api/v1/sensors/p2.temp')).body;
    expect(p2.last_value).toBe(Math.sin(999 / 50) * 10 + 9.99);
    expect(p2.first_timestamp).toBe(new Date(T0 - 10 * MIN).toISOString());
    expect(p2.reading_count).toBe(1001);
  });

  it('filters by sensor ids (repeated or comma-separated), type, asset and time range', async () => {
    const q = async (qs: string) => (await s.request('GET', `/api/v1/sensors/readings?${qs}`)).body.readings as Array<{ sensor_id: string; timestamp: string }>;
    const range = `from=${new Date(T0 + 10 * MIN).toISOString()}&to=${T0 + 19 * MIN}`;
    expect(await q(`sensor_id=p1.temp&${range}`)).toHaveLength(10);
    expect(await q(`sensor_id=p1.temp&sensor_id=p1.vib&${range}`)).toHaveLength(20);
    expect(await q(`sensor_id=p1.temp,p2.temp&${range}`)).toHaveLength(20);
    expect(new Set((await q(`sensor_type=temperature&${range}`)).map((r) => r.sensor_id))).toEqual(new Set(['p1.temp', 'p2.temp']));
    expect(new Set((await q(`asset_id=pump-1&${range}`)).map((r) => r.sensor_id))).toEqual(new Set(['p1.temp', 'p1.vib']));
    expect(await q('sensor_id=unknown-sensor')).toEqual([]);
    const desc = await q(`sensor_id=p1.temp&order=desc&limit=3`);
    expect(desc.map((r) => r.timestamp)).toEqual([999, 998, 997].map((i) => new Date(T0 + i * MIN).toISOString()));
  });

  it('refuses bad filters with 422 naming the parameter', async () => {
    for (const [qs, path] of [
      ['limit=0', 'limit'],
      ['limit=10001', 'limit'],
      ['limit=ten', 'limit'],
      ['order=sideways', 'order'],
      ['from=yesterday', 'from'],
      [`from=${T0 + MIN}&to=${T0}`, 'from'],
      ['cursor=not-a-cursor', 'cursor'],
      ['sensor_id=bad%20id', 'sensor_id.0'],
    ]) {
      const r = await s.request('GET', `/api/v1/sensors/readings?${qs}`);
      expect(r.status, qs).toBe(422);
      expect(r.body.error.details[0].path, qs).toBe(path);
    }
    const ascCursor = (await s.request('GET', '/api/v1/sensors/readings?limit=1')).body.next_cursor;
    const mismatch = await s.request('GET', `/api/v1/sensors/readings?order=desc&cursor=${ascCursor}`);
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.message).toMatch(/issued for order=asc/);
  });

  for (const order of ['asc', 'desc'] as const) {
    it(`pages with keyset cursors (${order}) without gaps or repeats while new readings arrive`, async () => {
      const existing = new Set<string>();
      const all = await s.request('GET', `/api/v1/sensors/readings?limit=10000`);
      for (const r of all.body.readings) existing.add(`${r.sensor_id}@${r.timestamp}`);
      expect(existing.size).toBeGreaterThanOrEqual(3001);

      const seen: string[] = [];
      let cursor: string | null = null;
      let page = 0;
      let arriving = 0;
      do {
        const res: { body: { readings: Array<{ sensor_id: string; timestamp: string }>; next_cursor: string | null } } = await s.request(
          'GET',
          `/api/v1/sensors/readings?order=${order}&limit=137${cursor ? `&cursor=${cursor}` : ''}`,
        );
        for (const r of res.body.readings) seen.push(`${r.sensor_id}@${r.timestamp}`);
        cursor = res.body.next_cursor;
        // Between pages, new readings arrive: some later than everything, some
        // in the middle of the range already paged, some at the same timestamps as
        // existing ones on new sensors (ties broken by sensor).
        const tag = `${order}-${page++}`;
        await s.request('POST', '/api/v1/data/ingest', {
          body: [
            reading(`late-${tag}`, T0 + 5000 * MIN + page, page),
            reading(`mid-${tag}`, T0 + 500 * MIN, page),
            reading(`tie-${tag}`, T0 + (page * 7) * MIN, page),
          ],
        });
        arriving += 3;
      } while (cursor);

      expect(new Set(seen).size).toBe(seen.length); // no repeats
      for (const key of existing) expect(seen.includes(key), `missing ${key}`).toBe(true); // no gaps
      const times = seen.map((k) => Date.parse(k.split('@')[1]!));
      const sorted = [...times].sort((a, b) => (order === 'asc' ? a - b : b - a));
      expect(times).toEqual(sorted);
      expect(arriving).toBeGreaterThan(60);
    });
  }

  it('returns at most N min/max/mean buckets for a chart, from the coarsest rollup that gives them', async () => {
    const r = await s.request('GET', `/api/v1/sensors/p1.vib/series?points=10&from=${T0}&to=${T0 + 999 * MIN}`);
    expect(r.status).toBe(200);
    const { points, bucket_ms } = r.body;
    expect(points.length).toBeLessThanOrEqual(10);
    // 10 points over 999 minutes want ~100-minute buckets: the hourly rollups, two hours a bucket.
    expect(r.body.source).toBe('1h');
    expect(bucket_ms).toBe(2 * 60 * MIN);
    expect(points.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(1000);
    // Each bucket agrees with the raw readings it covers.
    const values = Array.from({ length: 1000 }, (_, i) => ({ t: T0 + i * MIN, v: Math.sin(i / 50) * 10 + i / 100 }));
    for (const p of points) {
      const start = Date.parse(p.t);
      const inside = values.filter((x) => x.t >= start && x.t < start + bucket_ms).map((x) => x.v);
      expect(p.count).toBe(inside.length);
      expect(p.min).toBeCloseTo(Math.min(...inside), 9);
      expect(p.max).toBeCloseTo(Math.max(...inside), 9);
      expect(p.mean).toBeCloseTo(inside.reduce((a, b) => a + b, 0) / inside.length, 9);
    }
    const whole = await s.request('GET', '/api/v1/sensors/p1.vib/series?points=2000');
    expect(whole.body.points).toHaveLength(1000);
    expect(whole.body.from).toBe(new Date(T0).toISOString());
  });

  it('answers series questions about unknown sensors and bad ranges clearly', async () => {
    const unknown = await s.request('GET', '/api/v1/sensors/nope/series');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/no sensor with id 'nope'/);
    expect((await s.request('GET', '/api/v1/sensors/p1.vib/series?points=0')).status).toBe(422);
    expect((await s.request('GET', `/api/v1/sensors/p1.vib/series?from=${T0 + MIN}&to=${T0}`)).status).toBe(422);
  });

  it('exports a filtered reading set as streamed CSV', async () => {
    const r = await s.request('GET', `/api/v1/sensors/readings/export?sensor_id=p1.temp&to=${T0 + 2 * MIN}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="readings-\d{8}T\d{6}\.csv"$/);
    const lines = r.text.trim().split('\n');
    expect(lines[0]).toBe('sensor_id,timestamp,value,quality,sensor_type,unit,asset_id');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe(`p1.temp,${new Date(T0).toISOString()},0,,temperature,C,pump-1`);
  });

  it('exports large sets completely, in order, across internal pages', async () => {
    const res = await fetch(`${s.url}/api/v1/readings/export?sensor_type=temperature&bom=true`, { headers: { 'x-api-key': s.adminKey } });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM for Excel
    const rows = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(rows.length - 1).toBeGreaterThanOrEqual(2001);
    const times = rows.slice(1).map((l) => Date.parse(l.split(',')[1]!));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

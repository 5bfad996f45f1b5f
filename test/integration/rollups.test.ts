import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildRollups } from '../../main/core/domains/readings';
import { seededRandom } from '../../main/core/ml/runtime/random';
import { bucketOf, DAY, HOUR, MINUTE, SECOND } from '../../main/core/domains/readings/rollups/resolutions';
import { reading, startStation, type TestStation } from '../helpers/station';

// Rollups are kept in the same transaction as the readings they summarise.
// Random readings go in the ways a station receives them — live batches,
// backfilled history out of order, batches sent twice, conflicting values,
// a CSV import — and then every rollup row, and chart series over random
// ranges, must equal what aggregating the raw readings gives.

const T0 = Date.UTC(2024, 2, 30, 22, 17, 3, 250);
const SPAN = 45 * DAY;
const SENSORS = ['roll-a', 'roll-b', 'roll-c'];

type Row = { sensor_id: string; timestamp: number; value: number };

interface Bucket { count: number; min: number; max: number; sum: number; first: number; last: number }

/** The raw truth: readings of one sensor in [from, to], bucketed from `base` in steps of `width`. */
function bruteForce(rows: readonly Row[], from: number, to: number, base: number, width: number): Map<number, Bucket> {
  const out = new Map<number, Bucket>();
  const inRange = rows.filter((r) => r.timestamp >= from && r.timestamp <= to).sort((a, b) => a.timestamp - b.timestamp);
  for (const r of inRange) {
    const t = base + Math.floor((r.timestamp - base) / width) * width;
    const b = out.get(t);
    if (!b) out.set(t, { count: 1, min: r.value, max: r.value, sum: r.value, first: r.value, last: r.value });
    else {
      b.count++;
      b.min = Math.min(b.min, r.value);
      b.max = Math.max(b.max, r.value);
      b.sum += r.value;
      b.last = r.value;
    }
  }
  return out;
}

describe('chart rollups', () => {
  let s: TestStation;
  // Seeded, so a failure replays.
  const random = seededRandom(20261201);
  /** What the station holds, as the test knows it: first value stored for each (sensor, timestamp). */
  const truth = new Map<string, Map<number, number>>(SENSORS.map((id) => [id, new Map()]));
  const rowsOf = (id: string): Row[] => [...truth.get(id)!].map(([timestamp, value]) => ({ sensor_id: id, timestamp, value }));

  beforeAll(async () => {
    s = await startStation();
    // Bursts of readings at random places in the span, 100 ms to 30 min apart, so every
    // resolution has full and partial buckets, and quiet stretches leave buckets empty.
    const all: Row[] = [];
    // One sensor first streams a dense stretch in order (ten readings a second), as a live feed
    // does: judged on it at 1,000 readings, it keeps its 1 s rollups; the others, judged on
    // scattered backfill, drop them.
    const live: Row[] = [];
    for (const id of SENSORS) {
      const seen = new Set<number>();
      if (id === 'roll-a') {
        let t = T0 + Math.floor(SPAN / 3);
        for (let i = 0; i < 1200; i++) {
          t += 50 + Math.floor(random() * 100);
          seen.add(t);
          live.push({ sensor_id: id, timestamp: t, value: Math.round((random() * 200 - 100) * 1000) / 1000 });
        }
      }
      for (let burst = 0; burst < 40; burst++) {
        let t = T0 + Math.floor(random() * SPAN);
        const step = [100, 1_000, 7_000, 61_000, 1_800_000][Math.floor(random() * 5)]!;
        for (let i = 0; i < 150; i++) {
          t += 1 + Math.floor(random() * step);
          if (seen.has(t)) continue;
          seen.add(t);
          all.push({ sensor_id: id, timestamp: t, value: Math.round((random() * 200 - 100) * 1000) / 1000 });
        }
      }
    }
    // Shuffled: most batches backfill history behind readings already stored.
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    const first = await s.request('POST', '/api/v1/data/ingest', { body: live.map((x) => reading(x.sensor_id, x.timestamp, x.value)) });
    expect(first.body.stored).toBe(live.length);
    for (const x of live) truth.get(x.sensor_id)!.set(x.timestamp, x.value);
    const imported = all.splice(0, 3000);
    for (let i = 0; i < all.length; i += 1000) {
      const batch = all.slice(i, i + 1000);
      const r = await s.request('POST', '/api/v1/data/ingest', { body: batch.map((x) => reading(x.sensor_id, x.timestamp, x.value)) });
      expect(r.status).toBe(200);
      for (const x of batch) truth.get(x.sensor_id)!.set(x.timestamp, x.value);
      if (i % 3000 === 0) {
        // The same batch again: all duplicates, nothing may be counted twice.
        const again = await s.request('POST', '/api/v1/data/ingest', { body: batch.map((x) => reading(x.sensor_id, x.timestamp, x.value)) });
        expect(again.body.duplicates).toBe(batch.length);
      }
    }
    // Conflicting values for stored readings, next to new ones: the stored values stay, the new ones count.
    const stored = all.slice(0, 50);
    const fresh = Array.from({ length: 50 }, (_, i) => ({ sensor_id: 'roll-a', timestamp: T0 + SPAN + 5_000 + i * 997, value: i / 7 }));
    const mixed = await s.request('POST', '/api/v1/data/ingest?partial=true', {
      body: [...stored.map((x) => reading(x.sensor_id, x.timestamp, x.value + 1)), ...fresh.map((x) => reading(x.sensor_id, x.timestamp, x.value))],
    });
    expect(mixed.body.conflicts).toHaveLength(50);
    expect(mixed.body.stored).toBe(50);
    for (const x of fresh) truth.get(x.sensor_id)!.set(x.timestamp, x.value);
    // History from a handheld instrument, imported as CSV.
    const csv = `sensor_id,timestamp,value\n${imported.map((x) => `${x.sensor_id},${new Date(x.timestamp).toISOString()},${x.value}`).join('\n')}\n`;
    const imp = await s.request('POST', '/api/v1/data/import', { rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(imp.status).toBeLessThan(300);
    expect(imp.body.stored).toBe(imported.length);
    for (const x of imported) truth.get(x.sensor_id)!.set(x.timestamp, x.value);
  }, 60_000);
  afterAll(async () => {
    await s.stop();
  });

  it('keeps every rollup row equal to the aggregates of the raw readings', () => {
    const db = s.station.db;
    const live = db.prepare('SELECT * FROM reading_rollups ORDER BY sensor_key, res, bucket').all();
    expect(live.length).toBeGreaterThan(1000);
    db.exec('SAVEPOINT rebuild');
    try {
      rebuildRollups(db);
      const rebuilt = db.prepare('SELECT * FROM reading_rollups ORDER BY sensor_key, res, bucket').all();
      expect(live.length).toBe(rebuilt.length);
      for (let i = 0; i < live.length; i++) {
        const a = live[i] as Record<string, number>;
        const b = rebuilt[i] as Record<string, number>;
        expect({ ...a, sum_value: 0 }).toEqual({ ...b, sum_value: 0 });
        expect(a.sum_value).toBeCloseTo(b.sum_value!, 6);
      }
    } finally {
      db.exec('ROLLBACK TO rebuild; RELEASE rebuild');
    }
    // And against the test's own record of what was stored, for one resolution per sensor.
    for (const id of SENSORS) {
      const key = (db.prepare('SELECT sensor_key FROM sensors WHERE id = ?').get(id) as { sensor_key: number }).sensor_key;
      const hours = db.prepare('SELECT bucket, count, min_value, max_value, first_value, last_value FROM reading_rollups WHERE sensor_key = ? AND res = ?').all(key, HOUR) as Array<Record<string, number>>;
      const rows = rowsOf(id);
      const expected = bruteForce(rows, -Infinity, Infinity, 0, HOUR);
      expect(hours.length).toBe(expected.size);
      for (const h of hours) {
        const e = expected.get(h.bucket!)!;
        expect([h.count, h.min_value, h.max_value, h.first_value, h.last_value]).toEqual([e.count, e.min, e.max, e.first, e.last]);
      }
    }
  });

  it('answers chart series over random ranges exactly as the raw readings would', async () => {
    const keptLevels = (id: string): number[] => {
      const f = s.station.db.prepare('SELECT second_rollups, minute_rollups FROM sensors WHERE id = ?').get(id) as { second_rollups: number; minute_rollups: number };
      return [...(f.second_rollups ? [SECOND] : []), ...(f.minute_rollups ? [MINUTE] : []), HOUR, DAY];
    };
    expect(SENSORS.map((id) => keptLevels(id).includes(SECOND))).toEqual([true, false, false]);
    const sources = new Set<string>();
    for (let trial = 0; trial < 120; trial++) {
      const id = SENSORS[trial % SENSORS.length]!;
      const rows = rowsOf(id);
      // Ranges from seconds to the whole span, at ragged (unaligned) ends.
      const length = Math.floor(Math.exp(random() * Math.log(SPAN + 10 * DAY)));
      const from = T0 - 5 * DAY + Math.floor(random() * (SPAN + 5 * DAY - length));
      const to = from + length;
      const points = [1, 7, 100, 500, 1000, 3000][trial % 6]!;
      const r = await s.request('GET', `/api/v1/sensors/${id}/series?from=${from}&to=${to}&points=${points}`);
      expect(r.status).toBe(200);
      const body = r.body as { bucket_ms: number; source: string; points: Array<{ t: string; count: number; min: number; max: number; mean: number; first: number; last: number }> };
      sources.add(body.source);
      expect(body.points.length).toBeLessThanOrEqual(points);
      const res = { raw: 0, '1s': SECOND, '1m': MINUTE, '1h': HOUR, '1d': DAY }[body.source]!;
      expect(body.bucket_ms % (res || 1)).toBe(0);
      // The coarsest source that still gives the points asked for, among the levels this sensor keeps.
      const wanted = Math.ceil((to - from + 1) / points);
      const kept = keptLevels(id);
      const finest = [DAY, HOUR, MINUTE, SECOND].find((x) => x <= wanted && kept.includes(x)) ?? 0;
      expect(res).toBe(finest);
      const base = res === 0 ? from : bucketOf(from, res);
      const expected = bruteForce(rows, from, to, base, body.bucket_ms);
      expect(body.points.map((p) => Date.parse(p.t))).toEqual([...expected.keys()]);
      for (const p of body.points) {
        const e = expected.get(Date.parse(p.t))!;
        expect([p.count, p.min, p.max, p.first, p.last]).toEqual([e.count, e.min, e.max, e.first, e.last]);
        expect(p.mean).toBeCloseTo(e.sum / e.count, 6);
      }
    }
    expect(sources).toEqual(new Set(['raw', '1s', '1m', '1h', '1d']));
  }, 60_000);

  it('covers the whole stored history when no range is given', async () => {
    const r = await s.request('GET', '/api/v1/sensors/roll-b/series?points=200');
    const rows = rowsOf('roll-b');
    const total = (r.body.points as Array<{ count: number }>).reduce((n, p) => n + p.count, 0);
    expect(total).toBe(rows.length);
    expect(Date.parse(r.body.from)).toBe(Math.min(...rows.map((x) => x.timestamp)));
    expect(Date.parse(r.body.to)).toBe(Math.max(...rows.map((x) => x.timestamp)));
  });
});

describe('minute rollups of a sparse sensor', () => {
  let s: TestStation;
  beforeAll(async () => {
    s = await startStation();
  });
  afterAll(async () => {
    await s.stop();
  });

  it('drops them for a sensor read once a minute and keeps them for one read every second, with exact series either way', async () => {
    const t0 = Date.UTC(2024, 5, 1, 3, 0, 17);
    const send = async (id: string, step: number, n: number, from = 0) => {
      for (let i = from; i < from + n; i += 500) {
        const batch = Array.from({ length: Math.min(500, from + n - i) }, (_, j) => reading(id, t0 + (i + j) * step, ((i + j) * 7) % 23));
        expect((await s.request('POST', '/api/v1/data/ingest', { body: batch })).status).toBe(200);
      }
    };
    await send('slow-1', MINUTE, 1500);
    await send('fast-1', 1000, 1500);
    await send('dense-1', 50, 1500);
    const db = s.station.db;
    const rowsOf = (id: string, res: number) => (db.prepare('SELECT COUNT(*) AS n FROM reading_rollups r JOIN sensors s USING (sensor_key) WHERE s.id = ? AND r.res = ?').get(id, res) as { n: number }).n;
    const minutesOf = (id: string) => rowsOf(id, MINUTE);
    const flags = (id: string) => db.prepare('SELECT second_rollups AS s, minute_rollups AS m FROM sensors WHERE id = ?').get(id);
    // Once a minute: neither fine level summarises anything. Once a second: the seconds do not.
    // Twenty a second: both do (75 seconds, 2 minutes).
    expect([flags('slow-1'), minutesOf('slow-1'), rowsOf('slow-1', SECOND)]).toEqual([{ s: 0, m: 0 }, 0, 0]);
    expect([flags('fast-1'), rowsOf('fast-1', SECOND)]).toEqual([{ s: 0, m: 1 }, 0]);
    expect(minutesOf('fast-1')).toBe(26); // 1,500 s from 03:00:17
    expect([flags('dense-1'), rowsOf('dense-1', SECOND), minutesOf('dense-1')]).toEqual([{ s: 1, m: 1 }, 75, 2]);
    // Readings after the judgement add no minute rows for the slow sensor.
    await send('slow-1', MINUTE, 200, 1500);
    expect(minutesOf('slow-1')).toBe(0);
    // A live table that equals a rebuild: the rebuild honours the judgement.
    const live = db.prepare('SELECT * FROM reading_rollups ORDER BY sensor_key, res, bucket').all();
    db.exec('SAVEPOINT rebuild');
    try {
      rebuildRollups(db);
      expect(db.prepare('SELECT * FROM reading_rollups ORDER BY sensor_key, res, bucket').all()).toEqual(live);
    } finally {
      db.exec('ROLLBACK TO rebuild; RELEASE rebuild');
    }
    // A chart a minute a point reads the slow sensor's readings (as few rows as minutes), exactly.
    const from = t0 + 95 * MINUTE + 1234;
    const to = from + 900 * MINUTE;
    const r = (await s.request('GET', `/api/v1/sensors/slow-1/series?from=${from}&to=${to}&points=600`)).body;
    expect(r.source).toBe('raw');
    const rows = Array.from({ length: 1700 }, (_, i) => ({ sensor_id: 'slow-1', timestamp: t0 + i * MINUTE, value: (i * 7) % 23 }));
    const expected = bruteForce(rows, from, to, from, r.bucket_ms);
    expect(r.points.map((p: { t: string; count: number; min: number; max: number }) => [Date.parse(p.t), p.count, p.min, p.max])).toEqual(
      [...expected].map(([t, b]) => [t, b.count, b.min, b.max]),
    );
    // Coarser charts of it still come from its hourly rollups.
    const long = (await s.request('GET', `/api/v1/sensors/slow-1/series?from=${from}&to=${to}&points=10`)).body;
    expect(long.source).toBe('1h');
    const coarse = bruteForce(rows, from, to, bucketOf(from, HOUR), long.bucket_ms);
    expect(long.points.map((p: { count: number }) => p.count)).toEqual([...coarse.values()].map((b) => b.count));
  });
});

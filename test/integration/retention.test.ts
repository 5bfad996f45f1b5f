import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reading, startStation, type TestStation } from '../helpers/station';

// Raw-reading retention against a real database: what goes is exactly what
// is older than each sensor's cutoff, in many small write jobs, with the
// sensors' statistics true afterwards, rollups untouched, and ingest
// answered while a pass runs.

const DAY = 86_400_000;
const STEP = 10 * 60_000;
const NOW = Date.UTC(2024, 6, 1);
const PER_DAY = DAY / STEP;

/** One reading every 10 minutes from `days` days before NOW up to (not including) NOW. */
function history(sensor: string, days: number, offset = 0) {
  return Array.from({ length: days * PER_DAY }, (_, i) => reading(sensor, NOW - days * DAY + i * STEP, offset + Math.sin(i / 30)));
}

async function ingest(s: TestStation, body: unknown[]) {
  for (let i = 0; i < body.length; i += 10_000) {
    const r = await s.request('POST', '/api/v1/data/ingest', { body: body.slice(i, i + 10_000) });
    expect(r.status, r.text).toBe(200);
  }
}

interface Truth {
  id: string;
  reading_count: number;
  first_timestamp: number | null;
  last_timestamp: number | null;
  last_value: number | null;
  actual_count: number;
  actual_first: number | null;
}

function truth(s: TestStation): Truth[] {
  return s.station.db
    .prepare<[], Truth>(`
      SELECT s.id, s.reading_count, s.first_timestamp, s.last_timestamp, s.last_value,
        (SELECT COUNT(*) FROM readings r WHERE r.sensor_key = s.sensor_key) AS actual_count,
        (SELECT MIN(timestamp) FROM readings r WHERE r.sensor_key = s.sensor_key) AS actual_first
      FROM sensors s ORDER BY s.id`)
    .all();
}

/** Rollup rows whose buckets end before `before`, as they are stored. */
const rollups = (s: TestStation, before: number) =>
  s.station.db.prepare<[number], Record<string, number>>('SELECT * FROM reading_rollups WHERE bucket + res <= ? ORDER BY sensor_key, res, bucket').all(before);
const countOf = (s: TestStation, id: string) => truth(s).find((t) => t.id === id)!.actual_count;

describe('raw-reading retention', () => {
  let s: TestStation;
  beforeAll(async () => {
    s = await startStation(
      { rawRetentionDays: 30, retentionIntervalS: 3600 },
      { now: () => NOW, station: { retention: { batchRows: 200, firstDelayMs: 3600_000 } } },
    );
    await ingest(s, [...history('g.temp', 60), ...history('own.vib', 60, 10), ...history('long.level', 60, 20)]);
  });
  afterAll(async () => {
    await s.stop();
  });

  it('sets a sensor\'s own retention through sensors.update (audited), and refuses bad values by name', async () => {
    const r = await s.request('PATCH', '/api/v1/sensors/own.vib', { body: { raw_retention_days: 7 } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.raw_retention_days).toBe(7);
    expect((await s.request('PATCH', '/api/v1/sensors/long.level', { body: { raw_retention_days: 365 } })).body.raw_retention_days).toBe(365);
    expect((await s.request('GET', '/api/v1/sensors/g.temp')).body.raw_retention_days).toBeNull();
    for (const bad of [0, 36501, 1.5, '7']) {
      const b = await s.request('PATCH', '/api/v1/sensors/g.temp', { body: { raw_retention_days: bad } });
      expect(b.status, String(bad)).toBe(422);
      expect(b.body.error.details[0].path).toBe('raw_retention_days');
    }
    const audit = s.station.db.prepare<[], { details: string }>("SELECT details FROM audit_log WHERE action = 'sensors.update' AND target = 'own.vib'").all();
    expect(audit.map((a) => JSON.parse(a.details))).toContainEqual(expect.objectContaining({ raw_retention_days: 7 }));
  });

  it('deletes exactly what is older than each cutoff, in batches, keeping statistics true, rollups untouched, ingest answered', async () => {
    const before = truth(s);
    // Every bucket that ends before the readings ingested during the pass.
    const rollupsBefore = rollups(s, NOW - 2 * DAY);
    expect(rollupsBefore.length).toBeGreaterThan(0);

    // Ingest keeps arriving while the pass deletes about 12,000 rows, 200 per write job.
    let passDone = false;
    const pass = s.station.parts.retention.runOnce().finally(() => (passDone = true));
    const answeredDuringPass: boolean[] = [];
    const live = Array.from({ length: 20 }, (_, i) =>
      s.request('POST', '/api/v1/data/ingest', { body: [reading('live.flow', NOW - i * 1000, i), reading('g.temp', NOW - DAY + 1 + i, i)] }).then((r) => {
        answeredDuringPass.push(!passDone);
        return r;
      }),
    );
    const [result, responses] = await Promise.all([pass, Promise.all(live)]);
    for (const r of responses) expect(r.status, r.text).toBe(200);
    expect(answeredDuringPass.some(Boolean), 'some ingest requests were answered before the pass ended').toBe(true);

    // g.temp: the station's 30 days; own.vib: its own 7; long.level: its own 365 (nothing old enough).
    const gone = { 'g.temp': 30 * PER_DAY, 'own.vib': 53 * PER_DAY, 'long.level': 0 };
    expect(result.deleted).toBe(gone['g.temp'] + gone['own.vib']);
    expect(result.batches).toBe(Math.ceil(gone['g.temp'] / 200) + Math.ceil(gone['own.vib'] / 200));
    expect(result.sensors).toBe(2);

    const after = truth(s);
    for (const t of after) {
      expect(t.reading_count, t.id).toBe(t.actual_count);
      expect(t.first_timestamp, t.id).toBe(t.actual_first);
    }
    const byId = (list: Truth[], id: string) => list.find((t) => t.id === id)!;
    expect(byId(after, 'g.temp').actual_count).toBe(30 * PER_DAY + 20);
    expect(byId(after, 'g.temp').first_timestamp).toBe(NOW - 30 * DAY); // a reading exactly at the cutoff stays
    expect(byId(after, 'own.vib').actual_count).toBe(7 * PER_DAY);
    expect(byId(after, 'own.vib').first_timestamp).toBe(NOW - 7 * DAY);
    expect(byId(after, 'long.level')).toEqual(byId(before, 'long.level'));
    expect(byId(after, 'live.flow').actual_count).toBe(20);
    for (const id of ['g.temp', 'own.vib']) {
      expect(byId(after, id).last_timestamp).toBe(byId(before, id).last_timestamp);
      expect(byId(after, id).last_value).toBe(byId(before, id).last_value);
    }
    const older = s.station.db.prepare<[number], { n: number }>(
      "SELECT COUNT(*) AS n FROM readings r JOIN sensors s USING (sensor_key) WHERE s.id = 'g.temp' AND r.timestamp < ?",
    );
    expect(older.get(NOW - 30 * DAY)!.n).toBe(0);

    // Rollups are kept for ever, those of the deleted readings included.
    expect(rollups(s, NOW - 2 * DAY)).toEqual(rollupsBefore);

    const sensors = (await s.request('GET', '/api/v1/sensors')).body.sensors as Array<{ id: string; reading_count: number; first_timestamp: string }>;
    expect(sensors.find((x) => x.id === 'own.vib')).toMatchObject({ reading_count: 7 * PER_DAY, first_timestamp: new Date(NOW - 7 * DAY).toISOString() });

    // Each sensor's share of the pass is on record, once, after its rows are gone.
    const expired = (await s.request('GET', '/api/v1/events?types=readings.expired')).body.events as Array<{ payload: unknown }>;
    expect(expired.map((e) => e.payload)).toEqual([
      { sensor_id: 'g.temp', count: gone['g.temp'], before: new Date(NOW - 30 * DAY).toISOString(), retention_days: 30 },
      { sensor_id: 'own.vib', count: gone['own.vib'], before: new Date(NOW - 7 * DAY).toISOString(), retention_days: 7 },
    ]);
  });

  it('finds nothing more on the next pass, and applies the station setting again once a sensor\'s own is cleared', async () => {
    expect(await s.station.parts.retention.runOnce()).toMatchObject({ deleted: 0, batches: 0 });
    expect((await s.request('GET', '/api/v1/events?types=readings.expired')).body.events).toHaveLength(2);
    const r = await s.request('PATCH', '/api/v1/sensors/long.level', { body: { raw_retention_days: null } });
    expect(r.body.raw_retention_days).toBeNull();
    const pass = await s.station.parts.retention.runOnce();
    expect(pass.deleted).toBe(30 * PER_DAY);
    expect(countOf(s, 'long.level')).toBe(30 * PER_DAY);
  });

  it('reports the oldest raw reading and the setting on /health/db, by an index seek', async () => {
    const h = await s.request('GET', '/health/db');
    expect(h.body).toMatchObject({ status: 'ok', raw_retention_days: 30, oldest_raw_timestamp: new Date(NOW - 30 * DAY).toISOString() });
    const plan = s.station.db.prepare<[], { detail: string }>('EXPLAIN QUERY PLAN SELECT timestamp FROM readings ORDER BY timestamp LIMIT 1').all();
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/COVERING INDEX readings_ts/);
  });
});

describe('retention without a station setting', () => {
  let s: TestStation;
  beforeAll(async () => {
    s = await startStation({ retentionIntervalS: 3600 }, { now: () => NOW, station: { retention: { batchRows: 500, firstDelayMs: 3600_000 } } });
    await ingest(s, [...history('keep.all', 10), ...history('short', 10)]);
  });
  afterAll(async () => {
    await s.stop();
  });

  it('keeps every reading of a sensor without its own retention, and trims one that has it', async () => {
    await s.request('PATCH', '/api/v1/sensors/short', { body: { raw_retention_days: 2 } });
    const pass = await s.station.parts.retention.runOnce();
    expect(pass).toMatchObject({ deleted: 8 * PER_DAY, sensors: 1 });
    expect(countOf(s, 'keep.all')).toBe(10 * PER_DAY);
    expect(countOf(s, 'short')).toBe(2 * PER_DAY);
    const h = await s.request('GET', '/health/db');
    expect(h.body).toMatchObject({ raw_retention_days: null, oldest_raw_timestamp: new Date(NOW - 10 * DAY).toISOString(), readings: 12 * PER_DAY });
  });
});

describe('retention on its timer', () => {
  it('runs shortly after start and again every interval, until the station stops', async () => {
    let now = NOW;
    const s = await startStation({ rawRetentionDays: 1, retentionIntervalS: 1 }, { now: () => now, station: { retention: { firstDelayMs: 20 } } });
    try {
      await ingest(s, history('timed', 3));
      const until = async (n: number) => {
        for (let i = 0; i < 100 && countOf(s, 'timed') !== n; i++) await new Promise((r) => setTimeout(r, 50));
        return countOf(s, 'timed');
      };
      expect(await until(PER_DAY)).toBe(PER_DAY);
      now += DAY / 2; // half of what is left is now older than a day
      expect(await until(PER_DAY / 2)).toBe(PER_DAY / 2);
    } finally {
      await s.stop();
    }
  });
});

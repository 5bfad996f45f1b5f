import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reading, startStation, type TestStation } from '../../helpers/station';

// What the model operations make of stored readings, over real HTTP on a
// real station: a forecast's history shows the readings as stored, its
// fallback says which rule answered, and readings that would make a grid
// of 10^8 cells (one request froze the API for a minute and took 3.9 GB)
// are refused at once with a 422 naming the field.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const END = Date.now() - HOUR;

let s: TestStation;

async function ingest(readings: ReturnType<typeof reading>[]): Promise<void> {
  for (let i = 0; i < readings.length; i += 10_000) {
    const res = await s.request('POST', '/api/v1/data/ingest', { body: readings.slice(i, i + 10_000) });
    if (res.status !== 200) throw new Error(`ingest failed: ${res.status} ${res.text}`);
  }
}

/** A random walk in hundredths, starting at 61.57: the kind of sensor persistence forecasts best. */
function walk(n: number): number[] {
  let x = 6157;
  let seed = 7;
  return Array.from({ length: n }, (_, i) => {
    if (i > 0) {
      seed = (seed * 16807) % 2147483647;
      x += (seed % 7) - 3;
    }
    return x / 100;
  });
}

beforeAll(async () => {
  s = await startStation();
  const temps = walk(600);
  await ingest(temps.map((v, i) => reading('oven-2.temp', END - (599 - i) * MINUTE, v, { asset_id: 'oven-2', sensor_type: 'temperature', unit: 'C' })));
  // 4,999 readings 1 ms apart, and one 28 h before them.
  const probe = [reading('press-4.vib', END - 4998 - 28 * HOUR, 0.5, { asset_id: 'press-4' })];
  for (let i = 4998; i >= 0; i--) probe.push(reading('press-4.vib', END - i, 0.5 + (i % 5) / 10, { asset_id: 'press-4' }));
  await ingest(probe);
  // Readings 1 ms apart on either side of a 100-day gap.
  const gap = [];
  for (let i = 0; i < 2500; i++) gap.push(reading('gauge-9.level', END - 100 * DAY - 5000 + i, 1 + i / 1000));
  for (let i = 0; i < 2500; i++) gap.push(reading('gauge-9.level', END - 2500 + i, 2 + i / 1000));
  await ingest(gap);
}, 60_000);

afterAll(async () => {
  await s?.stop();
});

describe('a statistical forecast over HTTP', () => {
  it('shows the stored readings as history, names its method, and persists the last reading exactly', async () => {
    const res = await s.request('POST', '/api/v1/ml/forecast', { body: { sensor_id: 'oven-2.temp', horizon: 6, history: 600 } });
    expect(res.status, res.text).toBe(200);
    const temps = walk(600);
    expect(res.body.history.map((p: { value: number }) => p.value)).toEqual(temps);
    expect(res.body.history[0]).toEqual({ t: new Date(END - 599 * MINUTE).toISOString(), value: 61.57 });
    expect(res.body.model_info).toMatchObject({ fallback: true, method: 'persistence' });
    for (const p of res.body.points) {
      expect(p.value).toBe(temps[599]);
      expect(p.lower).toBeLessThan(p.value);
      expect(p.upper).toBeGreaterThan(p.value);
    }
    // The body as sent: no float32 spelt out as float64 anywhere in it.
    expect(res.text).not.toMatch(/\d\.\d*(9999|0000)\d/);
  });
});

describe('grids past the cap', () => {
  it('refuses a forecast over 4,999 readings 1 ms apart after one 28 h earlier, quickly, naming sensor_id', async () => {
    const started = performance.now();
    const res = await s.request('POST', '/api/v1/ml/forecast', { body: { sensor_id: 'press-4.vib' } });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.message).toMatch(/^sensor press-4\.vib's readings span 28 h at a 1 ms step: 100,804,999 cells, more than the 4,000,000 a model input may hold; choose a shorter range$/);
    expect(res.body.error.details).toMatchObject([{ field: 'sensor_id' }]);
  });

  it('refuses anomaly detection on the same readings, naming asset_id', async () => {
    const started = performance.now();
    const res = await s.request('POST', '/api/v1/ml/detect_anomaly', { body: { asset_id: 'press-4' } });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.message).toMatch(/span 28 h at a 1 ms step/);
    expect(res.body.error.details).toMatchObject([{ field: 'asset_id' }]);
  });

  it('answers a forecast across a 100-day gap with a 422, not a 500', async () => {
    const res = await s.request('POST', '/api/v1/ml/forecast', { body: { sensor_id: 'gauge-9.level' } });
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.message).toMatch(/^sensor gauge-9\.level's readings span 100 days at a 1 ms step/);
  });

  it('keeps serving other requests', async () => {
    expect((await s.request('GET', '/health')).status).toBe(200);
    expect((await s.request('POST', '/api/v1/ml/forecast', { body: { sensor_id: 'oven-2.temp' } })).status).toBe(200);
  });
});

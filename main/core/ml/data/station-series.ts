import type { Db } from '../../platform/db';
import { tooFewRows } from '../ml-errors';

// Readings of a station, shaped for models. Sensors are sampled irregularly
// and not in step with each other, so models see them on a regular grid:
// the step is the sensor's median interval (the slowest sensor's, for an
// asset), each grid cell holds the mean of its readings, and an empty cell
// carries the previous value forward (a gap is not a zero).

export interface RawSeries { sensor: string; ts: Float64Array; values: Float64Array }

/** At most this many readings per sensor are used for training (the latest ones). */
export const MAX_READINGS_PER_SENSOR = 2_000_000;
const PAGE = 50_000;

/**
 * Reads a sensor's readings in pages, yielding to the event loop between
 * pages so a large history does not stall the API.
 */
export async function readSensorSeries(db: Db, sensor: { id: string; key: number }, range: { from?: number; to?: number }, limit = MAX_READINGS_PER_SENSOR): Promise<RawSeries> {
  const from = range.from ?? Number.MIN_SAFE_INTEGER;
  const to = range.to ?? Number.MAX_SAFE_INTEGER;
  const total = (db.prepare('SELECT COUNT(*) AS n FROM readings WHERE sensor_key = ? AND ts >= ? AND ts <= ?').get(sensor.key, from, to) as { n: number }).n;
  // Keep the latest `limit` readings: skip the oldest ones.
  let start = from;
  if (total > limit) {
    const row = db.prepare('SELECT ts FROM readings WHERE sensor_key = ? AND ts >= ? AND ts <= ? ORDER BY ts DESC LIMIT 1 OFFSET ?').get(sensor.key, from, to, limit - 1) as { ts: number };
    start = row.ts;
  }
  const n = Math.min(total, limit);
  const ts = new Float64Array(n);
  const values = new Float64Array(n);
  const page = db.prepare('SELECT ts, value FROM readings WHERE sensor_key = ? AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ?').raw(true);
  let i = 0;
  let cursor = start;
  while (i < n) {
    const rows = page.all(sensor.key, cursor, to, Math.min(PAGE, n - i)) as [number, number][];
    if (rows.length === 0) break;
    for (const [t, v] of rows) {
      ts[i] = t;
      values[i] = v;
      i++;
    }
    cursor = rows[rows.length - 1]![0] + 1;
    if (i < n) await new Promise((r) => setImmediate(r));
  }
  return { sensor: sensor.id, ts: ts.subarray(0, i), values: values.subarray(0, i) };
}

/** Median interval between consecutive readings (ms); 0 when fewer than two. */
export function medianStep(ts: Float64Array): number {
  if (ts.length < 2) return 0;
  const n = Math.min(ts.length - 1, 10_000);
  const offset = ts.length - 1 - n; // the most recent intervals describe the current sampling
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = ts[offset + i + 1]! - ts[offset + i]!;
  d.sort();
  return d[Math.floor(n / 2)]!;
}

/** Grid cells of `step` ms from `start` through `end`, each the mean of its readings, gaps carried forward. */
export function toGrid(s: RawSeries, start: number, end: number, step: number): Float32Array {
  const cells = Math.floor((end - start) / step) + 1;
  const sum = new Float64Array(cells);
  const count = new Uint32Array(cells);
  let lastBefore = NaN;
  for (let i = 0; i < s.ts.length; i++) {
    const t = s.ts[i]!;
    if (t < start) {
      lastBefore = s.values[i]!;
      continue;
    }
    const c = Math.floor((t - start) / step);
    if (c >= cells) break;
    sum[c]! += s.values[i]!;
    count[c]!++;
  }
  const out = new Float32Array(cells);
  let prev = lastBefore;
  for (let c = 0; c < cells; c++) {
    if (count[c]! > 0) prev = sum[c]! / count[c]!;
    out[c] = prev;
  }
  return out;
}

export interface RegularSeriesOut { values: Float32Array; stepMs: number; start: number }

/** One sensor on its own regular grid. */
export function regularSeries(s: RawSeries, stepMs?: number): RegularSeriesOut {
  if (s.ts.length < 2) throw tooFewRows(`sensor ${s.sensor} has too few readings`, s.ts.length, 2, 'sensor_id');
  const step = Math.max(1, stepMs ?? medianStep(s.ts));
  const start = s.ts[0]!;
  return { values: toGrid(s, start, s.ts[s.ts.length - 1]!, step), stepMs: step, start };
}

export interface AlignedMatrix { sensors: string[]; timestamps: Float64Array; values: Float32Array; stepMs: number }

/**
 * Several sensors of one asset on a common grid over the span they all
 * cover. The step is the slowest sensor's median interval.
 */
export function alignSeries(list: RawSeries[], stepMs?: number): AlignedMatrix {
  const usable = list.filter((s) => s.ts.length >= 2);
  if (usable.length === 0) throw tooFewRows('the asset\'s sensors have too few readings', 0, 2, 'asset_id');
  const step = Math.max(1, stepMs ?? Math.max(...usable.map((s) => medianStep(s.ts))));
  const start = Math.max(...usable.map((s) => s.ts[0]!));
  const end = Math.min(...usable.map((s) => s.ts[s.ts.length - 1]!));
  if (end <= start) throw tooFewRows('the asset\'s sensors share no time span', 0, 2, 'asset_id');
  const grids = usable.map((s) => toGrid(s, start, end, step));
  const rows = grids[0]!.length;
  const k = usable.length;
  const values = new Float32Array(rows * k);
  const timestamps = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    timestamps[r] = start + r * step;
    for (let j = 0; j < k; j++) values[r * k + j] = grids[j]![r]!;
  }
  return { sensors: usable.map((s) => s.sensor), timestamps, values, stepMs: step };
}

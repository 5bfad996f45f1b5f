import type { Db } from '../../db/open';
import type { RawSeries } from './grid';

// Readings of a station, read for models; grid.ts puts them on the regular
// grid models see. The grid functions are re-exported so that callers keep
// one import.

export { alignSeries, medianStep, regularSeries, toGrid, MAX_GRID_CELLS } from './grid';
export type { AlignedMatrix, GridField, RawSeries, RegularSeriesOut } from './grid';

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

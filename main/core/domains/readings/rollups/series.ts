import type { Db } from '../../../platform/db';
import { merge, type Aggregates } from './accumulate';
import type { RollupsRepo, RollupRow } from './repository';
import { bucketOf } from './resolutions';

// A chart series of one sensor from the coarsest source that still gives
// the requested number of points: raw readings for short ranges, else the
// 1 s, 1 min, 1 h or 1 day rollups. Bucket widths are whole multiples of the
// source's resolution, so every bucket inside the range is a run of stored
// rollups; the range's two ragged ends are summed exactly from finer
// rollups and, under the finest level the sensor keeps, from the readings themselves. The result is
// what aggregating the raw readings would give.

export interface SeriesPoint {
  /** Bucket start (ms); buckets are `width` wide, the first and last may be cut by the range. */
  t: number;
  count: number;
  min: number;
  max: number;
  sum: number;
  first: number;
  last: number;
}

export interface SeriesResult {
  /** `raw` or the rollup width in ms the buckets were built from. */
  source: 'raw' | number;
  width: number;
  points: SeriesPoint[];
}

type Agg = Aggregates;

export class SeriesReader {
  private readonly rawAgg;
  private readonly rawBuckets;
  private readonly valueAt;

  constructor(db: Db, private readonly rollups: RollupsRepo) {
    this.rawAgg = db.prepare<[number, number, number]>(
      `SELECT COUNT(*), MIN(value), MAX(value), SUM(value), MIN(timestamp), MAX(timestamp) FROM readings WHERE sensor_key = ? AND timestamp >= ? AND timestamp < ?`,
    ).raw(true);
    this.rawBuckets = db.prepare<[number, number, number, number, number]>(
      `SELECT (timestamp - CAST(? AS INTEGER)) / CAST(? AS INTEGER) AS b, COUNT(*), MIN(value), MAX(value), SUM(value), MIN(timestamp), MAX(timestamp)
       FROM readings WHERE sensor_key = ? AND timestamp >= ? AND timestamp < ? GROUP BY b ORDER BY b`,
    ).raw(true);
    this.valueAt = db.prepare<[number, number]>('SELECT value FROM readings WHERE sensor_key = ? AND timestamp = ?').pluck();
  }

  /** At most `points` buckets over [from, to] (inclusive, ms), from the rollup widths this sensor keeps (finest first). */
  read(sensorKey: number, from: number, to: number, points: number, levels: readonly number[]): SeriesResult {
    const end = to + 1;
    const wanted = Math.max(1, Math.ceil((end - from) / points));
    let level = -1;
    for (let i = levels.length - 1; i >= 0; i--) {
      if (levels[i]! <= wanted) {
        level = i;
        break;
      }
    }
    if (level < 0) return { source: 'raw', width: wanted, points: this.rawSeries(sensorKey, from, end, wanted) };

    const res = levels[level]!;
    const base = bucketOf(from, res);
    let width = res * Math.ceil(wanted / res);
    // Aligning the first bucket to the resolution can add one; widen by a step until the count fits.
    while (Math.floor((to - base) / width) + 1 > points) width += res;

    // Output bucket index → its aggregates; pieces of a bucket may arrive in any order.
    const cells = new Map<number, Agg>();
    const add = (b: number, a: Agg) => {
      if (a.count === 0) return;
      const c = cells.get(b);
      if (c) combine(c, a);
      else cells.set(b, a);
    };
    const lo = Math.min(end, base === from ? from : base + res);
    const hi = Math.max(lo, bucketOf(end, res));
    add(0, this.exact(sensorKey, levels, from, lo, level - 1));
    for (const row of this.rollups.range(sensorKey, res, lo, hi)) add(Math.floor((row[0] - base) / width), fromRow(row));
    if (hi < end) add(Math.floor((hi - base) / width), this.exact(sensorKey, levels, hi, end, level - 1));
    const list = [...cells.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([b, a]) => ({ t: base + b * width, count: a.count, min: a.min, max: a.max, sum: a.sum, first: a.firstValue, last: a.lastValue }));
    return { source: res, width, points: list };
  }

  /** Aggregates of [a, b) from rollups of `level` and finer, and raw readings under the finest. */
  private exact(sensorKey: number, levels: readonly number[], a: number, b: number, level: number): Agg {
    const acc = empty();
    if (a >= b) return acc;
    if (level < 0) return this.rawAggregate(sensorKey, a, b);
    const res = levels[level]!;
    const lo = Math.min(b, bucketOf(a, res) === a ? a : bucketOf(a, res) + res);
    const hi = Math.max(lo, bucketOf(b, res));
    combine(acc, this.exact(sensorKey, levels, a, lo, level - 1));
    for (const row of this.rollups.range(sensorKey, res, lo, hi)) combine(acc, fromRow(row));
    combine(acc, this.exact(sensorKey, levels, hi, b, level - 1));
    return acc;
  }

  private rawAggregate(sensorKey: number, a: number, b: number): Agg {
    const [count, min, max, sum, firstTs, lastTs] = this.rawAgg.get(sensorKey, a, b) as [number, number, number, number, number, number];
    if (count === 0) return empty();
    if (count === 1) return { count, min, max, sum, firstTs, firstValue: min, lastTs, lastValue: min };
    // The first and last values are two more index seeks: cheaper than reading every row of the stretch.
    return { count, min, max, sum, firstTs, firstValue: this.valueAt.get(sensorKey, firstTs) as number, lastTs, lastValue: this.valueAt.get(sensorKey, lastTs) as number };
  }

  private rawSeries(sensorKey: number, from: number, end: number, width: number): SeriesPoint[] {
    // Aggregated in SQL: stepping through every row in JavaScript cost twice as much on a dense sensor.
    const rows = this.rawBuckets.all(from, width, sensorKey, from, end) as Array<[number, number, number, number, number, number, number]>;
    const points: SeriesPoint[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [b, count, min, max, sum, firstTs, lastTs] = rows[i]!;
      // First and last values: one index seek each, a few hundred at most.
      const first = count === 1 ? min : (this.valueAt.get(sensorKey, firstTs) as number);
      const last = count === 1 ? min : (this.valueAt.get(sensorKey, lastTs) as number);
      points[i] = { t: from + b * width, count, min, max, sum, first, last };
    }
    return points;
  }
}

function empty(): Agg {
  return { count: 0, min: Infinity, max: -Infinity, sum: 0, firstTs: Infinity, firstValue: NaN, lastTs: -Infinity, lastValue: NaN };
}

function fromRow(r: RollupRow): Agg {
  return { count: r[1], min: r[2], max: r[3], sum: r[4], firstTs: r[5], firstValue: r[6], lastTs: r[7], lastValue: r[8] };
}

function combine(into: Agg, a: Agg): void {
  if (a.count > 0) merge(into, a);
}

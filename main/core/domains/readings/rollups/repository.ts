import type { Statement } from 'better-sqlite3';
import type { Db } from '../../../platform/db';
import type { RollupCell } from './accumulate';
import { judgeFineRollups } from './fine-rollups';

// Every statement on the reading_rollups table: adding a batch's cells in
// its own transaction, and reading a run of buckets for a chart.

const COLUMNS = 11;
/** Cells per multi-row upsert: few calls into SQLite, well under its limit of bound parameters. */
const CHUNK = 64;

/** A rollup row as read for a chart: bucket start, count, min, max, sum, first and last (time, value). */
export type RollupRow = [bucket: number, count: number, min: number, max: number, sum: number, firstTs: number, firstValue: number, lastTs: number, lastValue: number];

export class RollupsRepo {
  private readonly upserts = new Map<number, Statement>();
  private readonly rangeStmt;
  private readonly firstBucketStmt;

  constructor(private readonly db: Db) {
    this.rangeStmt = db
      .prepare<[number, number, number, number]>(
        `SELECT bucket, count, min_value, max_value, sum_value, first_timestamp, first_value, last_timestamp, last_value
         FROM reading_rollups WHERE sensor_key = ? AND res = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`,
      )
      .raw(true);
    this.firstBucketStmt = db.prepare<[number, number], { first: number | null; last: number | null }>(
      'SELECT MIN(first_timestamp) AS first, MAX(last_timestamp) AS last FROM reading_rollups WHERE sensor_key = ? AND res = ?',
    );
  }

  /** Adds cells to their buckets; the caller's write job holds the transaction. */
  add(cells: readonly RollupCell[]): void {
    const params: unknown[] = [];
    for (let start = 0; start < cells.length; start += CHUNK) {
      const size = Math.min(CHUNK, cells.length - start);
      params.length = size * COLUMNS;
      for (let i = 0; i < size; i++) {
        const c = cells[start + i]!;
        const o = i * COLUMNS;
        params[o] = c.sensorKey; params[o + 1] = c.res; params[o + 2] = c.bucket; params[o + 3] = c.count;
        params[o + 4] = c.min; params[o + 5] = c.max; params[o + 6] = c.sum;
        params[o + 7] = c.firstTs; params[o + 8] = c.firstValue; params[o + 9] = c.lastTs; params[o + 10] = c.lastValue;
      }
      this.upsert(size).run(params);
    }
  }

  /** Buckets of width `res` whose start lies in [from, to), oldest first. */
  range(sensorKey: number, res: number, from: number, to: number): RollupRow[] {
    return this.rangeStmt.all(sensorKey, res, from, to) as RollupRow[];
  }

  /** The time span the rollups of a sensor cover (also after raw readings were pruned). */
  extent(sensorKey: number, res: number): { first: number | null; last: number | null } {
    return this.firstBucketStmt.get(sensorKey, res)!;
  }

  /** Whether the sensor's fine rollups are worth keeping, judged once (fine-rollups.ts); the widths retired. */
  judgeFine(sensorKey: number): number[] {
    return judgeFineRollups(this.db, sensorKey);
  }

  private upsert(size: number): Statement {
    let stmt = this.upserts.get(size);
    if (!stmt) {
      // In an upsert's SET every column on the right still has its old value, so first/last compare against the stored times.
      stmt = this.db.prepare(
        `INSERT INTO reading_rollups (sensor_key, res, bucket, count, min_value, max_value, sum_value, first_timestamp, first_value, last_timestamp, last_value)
         VALUES ${Array(size).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (sensor_key, res, bucket) DO UPDATE SET
           count = count + excluded.count,
           min_value = min(min_value, excluded.min_value),
           max_value = max(max_value, excluded.max_value),
           sum_value = sum_value + excluded.sum_value,
           first_timestamp = min(first_timestamp, excluded.first_timestamp),
           first_value = CASE WHEN excluded.first_timestamp < first_timestamp THEN excluded.first_value ELSE first_value END,
           last_timestamp = max(last_timestamp, excluded.last_timestamp),
           last_value = CASE WHEN excluded.last_timestamp > last_timestamp THEN excluded.last_value ELSE last_value END`,
      );
      this.upserts.set(size, stmt);
    }
    return stmt;
  }
}

import type Database from 'better-sqlite3';
import { FINE_LEVELS, judgeUnjudged } from './fine-rollups';
import { bucketSql, RESOLUTIONS } from './resolutions';

// Recomputes every rollup from the stored readings: the finest level from
// the readings, each coarser level from the level below it. Used when the
// rollups table is created, and by tools that write readings around the
// station (the bench's store of millions). Live writes keep rollups up to
// date in their own transaction and never need it.

/** Every rollup, every sensor, from the readings (the schema of version 10). */
export function buildRollups(db: Database.Database): void {
  db.exec('DELETE FROM reading_rollups');
  db.exec(`
    INSERT INTO reading_rollups (sensor_key, res, bucket, count, min_value, max_value, sum_value, first_timestamp, first_value, last_timestamp, last_value)
    SELECT g.sensor_key, ${RESOLUTIONS[0]}, g.b, g.n, g.mn, g.mx, g.s, g.ft, f.value, g.lt, l.value
    FROM (
      SELECT sensor_key, ${bucketSql('timestamp', RESOLUTIONS[0])} AS b, COUNT(*) AS n, MIN(value) AS mn, MAX(value) AS mx, SUM(value) AS s,
             MIN(timestamp) AS ft, MAX(timestamp) AS lt
      FROM readings GROUP BY sensor_key, b
    ) g
    JOIN readings f ON f.sensor_key = g.sensor_key AND f.timestamp = g.ft
    JOIN readings l ON l.sensor_key = g.sensor_key AND l.timestamp = g.lt
  `);
  for (let i = 1; i < RESOLUTIONS.length; i++) {
    const fine = RESOLUTIONS[i - 1]!;
    const res = RESOLUTIONS[i]!;
    db.exec(`
      INSERT INTO reading_rollups (sensor_key, res, bucket, count, min_value, max_value, sum_value, first_timestamp, first_value, last_timestamp, last_value)
      SELECT g.sensor_key, ${res}, g.b, g.n, g.mn, g.mx, g.s, g.ft, f.first_value, g.lt, l.last_value
      FROM (
        SELECT sensor_key, ${bucketSql('bucket', res)} AS b, SUM(count) AS n, MIN(min_value) AS mn, MAX(max_value) AS mx, SUM(sum_value) AS s,
               MIN(first_timestamp) AS ft, MAX(last_timestamp) AS lt
        FROM reading_rollups WHERE res = ${fine} GROUP BY sensor_key, b
      ) g
      JOIN reading_rollups f ON f.sensor_key = g.sensor_key AND f.res = ${fine} AND f.bucket = ${bucketSql('g.ft', fine)}
      JOIN reading_rollups l ON l.sensor_key = g.sensor_key AND l.res = ${fine} AND l.bucket = ${bucketSql('g.lt', fine)}
    `);
  }
}

/**
 * Rebuilds every rollup; a sensor gets no fine level it does not keep, and
 * one never judged (its readings written around the station) is judged now
 * on all of them (fine-rollups.ts).
 */
export function rebuildRollups(db: Database.Database): void {
  buildRollups(db);
  judgeUnjudged(db);
  for (const f of FINE_LEVELS) db.exec(`DELETE FROM reading_rollups WHERE res = ${f.res} AND sensor_key IN (SELECT sensor_key FROM sensors WHERE ${f.column} = 0)`);
}

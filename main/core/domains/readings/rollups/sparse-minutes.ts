import type { Db } from '../../../platform/db';
import { MINUTE } from './resolutions';

// Whether a sensor's 1 minute rollups pay for themselves. They are judged
// once, when the sensor's stored readings first reach JUDGED_AT: if its
// minute rows number at least half its readings (a reading a minute or
// sparser, or bursts too thin to summarise), they are dropped and no
// longer kept, and its charts read raw readings where they would have read
// minutes — as few rows, for such a sensor. A sensor with dense stretches
// has far fewer minute rows than readings and keeps them. The judgement is
// not revisited: a sensor that later reports much faster charts its short
// ranges from raw readings (correct, slower), until its rollups are rebuilt.

export const JUDGED_AT = 1000;

/** Judges one sensor now (inside the caller's transaction); true when its minute rollups were retired. */
export function retireSparseMinutes(db: Db, sensorKey: number): boolean {
  const { readings, minutes } = db
    .prepare<[number, number, number], { readings: number; minutes: number }>(
      `SELECT (SELECT reading_count FROM sensors WHERE sensor_key = ?) AS readings,
              (SELECT COUNT(*) FROM reading_rollups WHERE sensor_key = ? AND res = ?) AS minutes`,
    )
    .get(sensorKey, sensorKey, MINUTE)!;
  if (readings < JUDGED_AT || minutes * 2 < readings) return false;
  db.prepare('DELETE FROM reading_rollups WHERE sensor_key = ? AND res = ?').run(sensorKey, MINUTE);
  db.prepare('UPDATE sensors SET minute_rollups = 0 WHERE sensor_key = ?').run(sensorKey);
  return true;
}

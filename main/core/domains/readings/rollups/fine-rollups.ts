import type { Db } from '../../../platform/db';
import { MINUTE, RESOLUTIONS, SECOND } from './resolutions';

// Whether a sensor's fine rollups (1 s, 1 min) pay for themselves. A level
// summarises nothing when it holds about one row per reading — a 1 Hz
// sensor's seconds, a once-a-minute sensor's minutes — and then costs a
// second write for every reading. Each sensor is judged once, when its
// stored readings first reach JUDGED_AT: a fine level whose rows number at
// least half the readings is dropped and no longer kept, and the sensor's
// charts read raw readings where they would have read that level (as few
// rows, for such a sensor). Dense sensors keep it; a 1 kHz vibration
// sensor's seconds are a thousandth of its readings. The judgement is not
// revisited: a sensor that later reports much faster charts its short
// ranges from raw readings (correct, slower). Readings written around the
// station (raw inserts, then rebuildRollups) are judged at the rebuild, on
// all of them.

export const JUDGED_AT = 1000;

/** Judges every sensor not judged yet that has enough readings (readings written around the station). */
export function judgeUnjudged(db: Db): void {
  const keys = db.prepare('SELECT sensor_key FROM sensors WHERE fine_rollups_judged = 0 AND reading_count >= ?').pluck().all(JUDGED_AT) as number[];
  for (const key of keys) judgeFineRollups(db, key);
}

/** The fine levels, each with the sensors column that says whether it is kept. */
export const FINE_LEVELS = [
  { res: SECOND, column: 'second_rollups' },
  { res: MINUTE, column: 'minute_rollups' },
] as const;

export interface FineFlags {
  second_rollups: number;
  minute_rollups: number;
}

const ALL_LEVELS = (1 << RESOLUTIONS.length) - 1;
const SECOND_BIT = 1 << RESOLUTIONS.indexOf(SECOND);
const MINUTE_BIT = 1 << RESOLUTIONS.indexOf(MINUTE);

/** Bit i set: the sensor keeps RESOLUTIONS[i]. Runs once per sensor per write job. */
export function levelMask(flags: FineFlags): number {
  let mask = ALL_LEVELS;
  if (flags.second_rollups !== 1) mask &= ~SECOND_BIT;
  if (flags.minute_rollups !== 1) mask &= ~MINUTE_BIT;
  return mask;
}

const byMask = new Map<number, readonly number[]>();
/** The rollup widths a sensor keeps, finest first. */
export function levelsOf(flags: FineFlags): readonly number[] {
  const mask = levelMask(flags);
  let levels = byMask.get(mask);
  if (!levels) byMask.set(mask, (levels = RESOLUTIONS.filter((_, i) => mask & (1 << i))));
  return levels;
}

/** Judges one sensor now (inside the caller's transaction), once; the widths retired. */
export function judgeFineRollups(db: Db, sensorKey: number): number[] {
  const sensor = db
    .prepare<[number], FineFlags & { reading_count: number; fine_rollups_judged: number }>('SELECT reading_count, second_rollups, minute_rollups, fine_rollups_judged FROM sensors WHERE sensor_key = ?')
    .get(sensorKey);
  if (!sensor || sensor.reading_count < JUDGED_AT || sensor.fine_rollups_judged === 1) return [];
  db.prepare('UPDATE sensors SET fine_rollups_judged = 1 WHERE sensor_key = ?').run(sensorKey);
  const rows = db.prepare<[number, number], { n: number }>('SELECT COUNT(*) AS n FROM reading_rollups WHERE sensor_key = ? AND res = ?');
  const retired: number[] = [];
  for (const f of FINE_LEVELS) {
    if (sensor[f.column] !== 1 || rows.get(sensorKey, f.res)!.n * 2 < sensor.reading_count) continue;
    db.prepare('DELETE FROM reading_rollups WHERE sensor_key = ? AND res = ?').run(sensorKey, f.res);
    db.prepare(`UPDATE sensors SET ${f.column} = 0 WHERE sensor_key = ?`).run(sensorKey);
    retired.push(f.res);
  }
  return retired;
}

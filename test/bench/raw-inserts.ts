import { join } from 'node:path';
import { MIGRATIONS } from '../../main/core/app';
import { openDatabase, type Db } from '../../main/core/platform/db';
import { tempDir } from '../helpers/station';
import { DURATION } from './http';

// The reference every ingest figure is a ratio of: raw better-sqlite3
// inserts of the same rows the figure sends (sensors interleaved, unique
// timestamps) into the station's own schema and settings (WAL,
// synchronous=FULL, foreign keys on): 1,000-row transactions, one prepared
// insert per row. The database lives across rounds, so it grows during the
// run as the station's does.

const T0 = Date.UTC(2024, 0, 1);
/** Ingest figures: rounds alternating with the reference, each this long; reference rows per round. */
export const ROUNDS = 5;
export const ROUND_SECONDS = Math.max(2, DURATION / 2);
export const RAW_ROWS = 200_000;
/** Load before the measured rounds: a station runs for days, the figure is its steady state. */
export const WARM_UP_SECONDS = 3;


export class RawInserts {
  private readonly db: Db;
  private readonly insert;
  private next = 0;

  constructor(private readonly sensors: number) {
    this.db = openDatabase(join(tempDir('smc-bench-raw-'), 'raw.db'), { migrations: MIGRATIONS });
    for (let k = 0; k < sensors; k++) this.db.prepare('INSERT INTO sensors (sensor_key, id, created_at) VALUES (?, ?, 0)').run(k + 1, `bench-${k}`);
    this.insert = this.db.prepare('INSERT INTO readings (sensor_key, timestamp, value, quality, metadata, ingested_at, stored_seq) VALUES (?, ?, ?, NULL, NULL, 0, 1)');
  }

  /** Inserts `n` more rows; returns rows per second. */
  round(n: number): number {
    const batch = this.db.transaction((start: number) => {
      for (let i = start; i < start + 1000; i++) this.insert.run((i % this.sensors) + 1, T0 + i, i % 100);
    });
    const t = performance.now();
    for (let i = 0; i < n; i += 1000) batch(this.next + i);
    this.next += n;
    return n / ((performance.now() - t) / 1000);
  }

  close(): void {
    this.db.close();
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Interleaved {
  /** Median station rate over the rounds. */
  value: number;
  /** Median reference rate over the rounds. */
  refValue: number;
  /** Median of the per-round ratios: each station round against the reference measured just before it. */
  ratio: number;
  ratios: number[];
}

/**
 * Alternates reference and station rounds and compares each station round
 * with the reference measured just before it, so a machine whose speed
 * drifts during the run (shared, throttled) shifts both sides of each ratio
 * alike. The figure is the median over the rounds.
 */
export async function interleaved(rounds: number, reference: () => number | Promise<number>, station: () => Promise<number>): Promise<Interleaved> {
  const refs: number[] = [];
  const runs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    refs.push(await reference());
    runs.push(await station());
  }
  const ratios = runs.map((r, i) => r / refs[i]!);
  return { value: median(runs), refValue: median(refs), ratio: median(ratios), ratios };
}

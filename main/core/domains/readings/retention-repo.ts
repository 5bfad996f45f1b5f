import type { Db } from '../../platform/db';
import type { Tx } from '../../platform/write-queue';

// The statements retention runs on the readings table, kept beside it
// rather than in repository.ts: each is a seek on an index, never a scan,
// so a pass costs in proportion to what it deletes, not to what is stored.

export class RetentionRepo {
  private readonly deleteStmt;
  private readonly firstStmt;
  private readonly oldestStmt;

  constructor(db: Db) {
    // The table has no rowid, so the batch is chosen by its primary key: the
    // sensor's oldest `limit` readings before the cutoff, in key order.
    this.deleteStmt = db.prepare<[number, number, number, number]>(`
      DELETE FROM readings WHERE sensor_key = ? AND timestamp IN (
        SELECT timestamp FROM readings WHERE sensor_key = ? AND timestamp < ? ORDER BY timestamp LIMIT ?)`);
    this.firstStmt = db.prepare<[number], { first: number | null }>('SELECT MIN(timestamp) AS first FROM readings WHERE sensor_key = ?');
    // Served by readings_ts (timestamp, sensor_key): one step into the index.
    this.oldestStmt = db.prepare<[], { timestamp: number }>('SELECT timestamp FROM readings ORDER BY timestamp LIMIT 1');
  }

  /** Deletes at most `limit` of the sensor's readings older than `cutoff` (epoch ms), oldest first; returns how many went. */
  deleteOlder(tx: Tx, sensorKey: number, cutoff: number, limit: number): number {
    void tx;
    return this.deleteStmt.run(sensorKey, sensorKey, cutoff, limit).changes;
  }

  /** The sensor's oldest stored timestamp, or null when it has none left. */
  firstTimestamp(sensorKey: number): number | null {
    return this.firstStmt.get(sensorKey)?.first ?? null;
  }

  /** The oldest raw reading of the whole station, or null when there is none. */
  oldestTimestamp(): number | null {
    return this.oldestStmt.get()?.timestamp ?? null;
  }
}

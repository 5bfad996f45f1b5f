import type { Statement } from 'better-sqlite3';
import type { Db } from './open';

export interface ReadingRow {
  sensor_id: string;
  sensor_key: number;
  ts: number;
  value: number;
  quality: number | null;
  metadata: string | null;
}

export interface ExportRow extends ReadingRow {
  type: string | null;
  unit: string | null;
  asset_id: string | null;
}

export interface ReadingQuery {
  /** Restrict to these sensors; an empty list matches nothing. */
  sensorKeys?: number[];
  type?: string;
  assetId?: string;
  from?: number;
  to?: number;
  order: 'asc' | 'desc';
  /** Keyset position: rows strictly after (ts, sensorKey) in the chosen order. */
  after?: { ts: number; sensorKey: number };
  limit: number;
}

export interface SeriesBucket {
  b: number;
  min: number;
  max: number;
  mean: number;
  count: number;
}

export class ReadingsRepo {
  private readonly insertStmt;
  private readonly valueAt;
  /** Listing SQL varies with the filters present; each shape is prepared once. */
  private readonly listStatements = new Map<string, Statement<unknown[], ExportRow>>();

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare<[number, number, number, number | null, string | null, number]>(
      'INSERT INTO readings (sensor_key, ts, value, quality, metadata, ingested_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sensor_key, ts) DO NOTHING',
    );
    this.valueAt = db.prepare<[number, number], { value: number }>('SELECT value FROM readings WHERE sensor_key = ? AND ts = ?');
  }

  /** Inserts unless (sensor, ts) exists; returns the stored value when it already did. */
  insert(sensorKey: number, ts: number, value: number, quality: number | null, metadata: string | null, now: number): { inserted: true } | { inserted: false; storedValue: number } {
    if (this.insertStmt.run(sensorKey, ts, value, quality, metadata, now).changes === 1) return { inserted: true };
    return { inserted: false, storedValue: this.valueAt.get(sensorKey, ts)!.value };
  }

  list(q: ReadingQuery, withSensorFields = false): ExportRow[] {
    if (q.sensorKeys !== undefined && q.sensorKeys.length === 0) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.sensorKeys !== undefined) {
      where.push(`r.sensor_key IN (${q.sensorKeys.map(() => '?').join(',')})`);
      params.push(...q.sensorKeys);
    }
    if (q.type !== undefined) { where.push('s.type = ?'); params.push(q.type); }
    if (q.assetId !== undefined) { where.push('s.asset_id = ?'); params.push(q.assetId); }
    if (q.from !== undefined) { where.push('r.ts >= ?'); params.push(q.from); }
    if (q.to !== undefined) { where.push('r.ts <= ?'); params.push(q.to); }
    if (q.after !== undefined) {
      where.push(q.order === 'asc' ? '(r.ts, r.sensor_key) > (?, ?)' : '(r.ts, r.sensor_key) < (?, ?)');
      params.push(q.after.ts, q.after.sensorKey);
    }
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const cols = withSensorFields ? ', s.type, s.unit, s.asset_id' : '';
    const sql =
      `SELECT s.id AS sensor_id, r.sensor_key, r.ts, r.value, r.quality, r.metadata${cols} ` +
      `FROM readings r JOIN sensors s ON s.sensor_key = r.sensor_key ` +
      `${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.ts ${dir}, r.sensor_key ${dir} LIMIT ?`;
    params.push(q.limit);
    let stmt = this.listStatements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<unknown[], ExportRow>(sql);
      if (this.listStatements.size < 256) this.listStatements.set(sql, stmt);
    }
    return stmt.all(...params);
  }

  /** Buckets of `width` ms starting at `from`; bucket index b covers [from + b·width, from + (b+1)·width). */
  series(sensorKey: number, from: number, to: number, width: number): SeriesBucket[] {
    return this.db
      .prepare<[number, number, number, number, number], SeriesBucket>(
        `SELECT (ts - CAST(? AS INTEGER)) / CAST(? AS INTEGER) AS b, MIN(value) AS min, MAX(value) AS max, AVG(value) AS mean, COUNT(*) AS count
         FROM readings WHERE sensor_key = ? AND ts >= ? AND ts <= ? GROUP BY b ORDER BY b`,
      )
      .all(from, width, sensorKey, from, to);
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM readings').get()!.n;
  }
}

import type { Statement } from 'better-sqlite3';
import type { Db } from '../../platform/db';
import type { Tx } from '../../platform/write-queue';

// The statements on the readings table for storing, listing by keyset and
// reading a sensor's history in pages for the models (chart series live in
// rollups/, retention's deletes in retention-repo.ts).

export interface ReadingRow {
  sensor_id: string;
  sensor_key: number;
  timestamp: number;
  value: number;
  quality: number | null;
  metadata: string | null;
}

export interface ExportRow extends ReadingRow {
  sensor_type: string | null;
  unit: string | null;
  asset_id: string | null;
}

export interface ReadingQuery {
  /** Restrict to these sensors; an empty list matches nothing. */
  sensorKeys?: number[];
  sensorType?: string;
  assetId?: string;
  from?: number;
  to?: number;
  order: 'asc' | 'desc';
  /** Keyset position: rows strictly after (timestamp, sensorKey) in the chosen order. */
  after?: { ts: number; sensorKey: number };
  limit: number;
}

/** A sensor's readings as two parallel arrays, oldest first. */
export interface RawSeries {
  sensor: string;
  ts: Float64Array;
  values: Float64Array;
}

/** Readings to store, as columns (one entry per row): sensor key, timestamp, value, quality, metadata JSON. */
export interface NewReadings {
  keys: number[];
  ts: number[];
  values: number[];
  quality: Array<number | null>;
  metadata: Array<string | null>;
}

/** What happened to each row of a batch insert. */
export type InsertOutcome = { inserted: true } | { inserted: false; storedValue: number };
const INSERTED: InsertOutcome = Object.freeze({ inserted: true });

/** Rows per multi-row INSERT: few calls into SQLite for a batch, well under its limit of bound parameters. */
const INSERT_CHUNK = 64;

/** At most this many readings per sensor are read for a model (the latest ones). */
export const MAX_READINGS_PER_SENSOR = 2_000_000;
const PAGE = 50_000;

export class ReadingsRepo {
  /** Multi-row inserts by row count (1–64), prepared when first needed. */
  private readonly chunkStmts = new Map<number, Statement>();
  private readonly storedAt;
  private readonly batchStmt;
  /** Listing SQL varies with the filters present; each shape is prepared once. */
  private readonly listStatements = new Map<string, Statement<unknown[], ExportRow>>();

  constructor(private readonly db: Db) {
    this.storedAt = db.prepare<[number, number], { value: number; stored_seq: number | null }>('SELECT value, stored_seq FROM readings WHERE sensor_key = ? AND timestamp = ?');
    this.batchStmt = db
      .prepare<[number, number, number, number]>('SELECT timestamp, value FROM readings WHERE sensor_key = ? AND timestamp >= ? AND timestamp <= ? AND stored_seq = ? ORDER BY timestamp')
      .raw(true);
  }

  /**
   * Inserts a batch, skipping (sensor, timestamp) pairs already stored.
   * Rows go in up to 64 at a time; when every chunk stored all its rows —
   * the common case — the answer is null and nothing more is asked.
   * Otherwise the answer says per row whether it was stored or what value
   * was there, looking up the rows of each chunk that fell short.
   */
  insertMany(tx: Tx, storedSeq: number, rows: NewReadings): InsertOutcome[] | null {
    const n = rows.keys.length;
    let out: InsertOutcome[] | null = null;
    let first: Map<string, number> | undefined;
    const params: unknown[] = new Array(Math.min(n, INSERT_CHUNK) * 7);
    for (let start = 0; start < n; start += INSERT_CHUNK) {
      const size = Math.min(INSERT_CHUNK, n - start);
      if (params.length !== size * 7) params.length = size * 7;
      for (let i = 0; i < size; i++) {
        const r = start + i;
        const o = i * 7;
        params[o] = rows.keys[r]; params[o + 1] = rows.ts[r]; params[o + 2] = rows.values[r]; params[o + 3] = rows.quality[r]; params[o + 4] = rows.metadata[r]; params[o + 5] = tx.now; params[o + 6] = storedSeq;
      }
      if (this.chunk(size).run(params).changes === size) continue;
      out ??= new Array<InsertOutcome>(n).fill(INSERTED);
      // A row of this batch carries its seq; of a pair sent twice, the first was the one stored.
      first ??= firstOccurrences(rows);
      for (let r = start; r < start + size; r++) {
        const found = this.storedAt.get(rows.keys[r]!, rows.ts[r]!)!;
        out[r] = found.stored_seq === storedSeq && first.get(`${rows.keys[r]}|${rows.ts[r]}`) === r ? INSERTED : { inserted: false, storedValue: found.value };
      }
    }
    return out;
  }

  private chunk(size: number): Statement {
    let stmt = this.chunkStmts.get(size);
    if (!stmt) {
      stmt = this.db.prepare(
        `INSERT INTO readings (sensor_key, timestamp, value, quality, metadata, ingested_at, stored_seq) VALUES ${Array(size).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT (sensor_key, timestamp) DO NOTHING`,
      );
      this.chunkStmts.set(size, stmt);
    }
    return stmt;
  }

  /** The readings of one sensor stored by the batch announced as event `seq`, oldest first. */
  storedBy(seq: number, sensorKey: number, from: number, to: number): Array<[number, number]> {
    return this.batchStmt.all(sensorKey, from, to, seq) as Array<[number, number]>;
  }

  list(q: ReadingQuery, withSensorFields = false): ExportRow[] {
    if (q.sensorKeys !== undefined && q.sensorKeys.length === 0) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.sensorKeys !== undefined) {
      where.push(`r.sensor_key IN (${q.sensorKeys.map(() => '?').join(',')})`);
      params.push(...q.sensorKeys);
    }
    if (q.sensorType !== undefined) { where.push('s.sensor_type = ?'); params.push(q.sensorType); }
    if (q.assetId !== undefined) { where.push('s.asset_id = ?'); params.push(q.assetId); }
    if (q.from !== undefined) { where.push('r.timestamp >= ?'); params.push(q.from); }
    if (q.to !== undefined) { where.push('r.timestamp <= ?'); params.push(q.to); }
    if (q.after !== undefined) {
      where.push(q.order === 'asc' ? '(r.timestamp, r.sensor_key) > (?, ?)' : '(r.timestamp, r.sensor_key) < (?, ?)');
      params.push(q.after.ts, q.after.sensorKey);
    }
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const cols = withSensorFields ? ', s.sensor_type, s.unit, s.asset_id' : '';
    const sql =
      `SELECT s.id AS sensor_id, r.sensor_key, r.timestamp, r.value, r.quality, r.metadata${cols} ` +
      `FROM readings r JOIN sensors s ON s.sensor_key = r.sensor_key ` +
      `${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.timestamp ${dir}, r.sensor_key ${dir} LIMIT ?`;
    params.push(q.limit);
    let stmt = this.listStatements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<unknown[], ExportRow>(sql);
      if (this.listStatements.size < 256) this.listStatements.set(sql, stmt);
    }
    return stmt.all(...params);
  }

  /**
   * A sensor's readings in a range, for the models: read in pages, yielding
   * to the event loop between pages so a large history does not stall the
   * API; only the latest `limit` readings.
   */
  async history(sensor: { id: string; key: number }, range: { from?: number; to?: number }, limit = MAX_READINGS_PER_SENSOR): Promise<RawSeries> {
    const from = range.from ?? Number.MIN_SAFE_INTEGER;
    const to = range.to ?? Number.MAX_SAFE_INTEGER;
    const total = (this.db.prepare('SELECT COUNT(*) AS n FROM readings WHERE sensor_key = ? AND timestamp >= ? AND timestamp <= ?').get(sensor.key, from, to) as { n: number }).n;
    let start = from;
    if (total > limit) {
      const row = this.db
        .prepare('SELECT timestamp FROM readings WHERE sensor_key = ? AND timestamp >= ? AND timestamp <= ? ORDER BY timestamp DESC LIMIT 1 OFFSET ?')
        .get(sensor.key, from, to, limit - 1) as { timestamp: number };
      start = row.timestamp;
    }
    const n = Math.min(total, limit);
    const ts = new Float64Array(n);
    const values = new Float64Array(n);
    const page = this.db.prepare('SELECT timestamp, value FROM readings WHERE sensor_key = ? AND timestamp >= ? AND timestamp <= ? ORDER BY timestamp LIMIT ?').raw(true);
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

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM readings').get()!.n;
  }
}

function firstOccurrences(rows: NewReadings): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < rows.keys.length; i++) {
    const k = `${rows.keys[i]}|${rows.ts[i]}`;
    if (!m.has(k)) m.set(k, i);
  }
  return m;
}

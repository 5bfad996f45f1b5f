import type { Db } from '../../platform/db';
import type { Tx } from '../../platform/write-queue';

export interface SensorRow {
  sensor_key: number;
  id: string;
  asset_id: string | null;
  sensor_type: string | null;
  unit: string | null;
  expected_min: number | null;
  expected_max: number | null;
  created_at: number;
  reading_count: number;
  first_timestamp: number | null;
  last_timestamp: number | null;
  last_value: number | null;
  /** Days raw readings are kept; null: the station's setting applies. */
  raw_retention_days: number | null;
  /** 1 while the sensor keeps 1 second / 1 minute chart rollups (readings/rollups/fine-rollups.ts). */
  second_rollups: number;
  minute_rollups: number;
  /** 1 once the fine levels were judged (at 1,000 readings). */
  fine_rollups_judged: number;
}

export interface SensorFilter {
  assetId?: string;
  sensorType?: string;
}

export interface SensorPatch {
  asset_id?: string | null;
  sensor_type?: string | null;
  unit?: string | null;
  expected_min?: number | null;
  expected_max?: number | null;
  raw_retention_days?: number | null;
}

/** Per-sensor change of the running statistics after a batch of inserts. */
export interface SensorStatsDelta {
  count: number;
  minTs: number;
  maxTs: number;
  valueAtMaxTs: number;
}

const PATCHABLE = new Set(['asset_id', 'sensor_type', 'unit', 'expected_min', 'expected_max', 'raw_retention_days']);

export class SensorsRepo {
  private readonly byId;
  private readonly byKey;
  private readonly insertStmt;
  private readonly ensureAssetStmt;
  private readonly statsStmt;
  private readonly removedStmt;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[string], SensorRow>('SELECT * FROM sensors WHERE id = ?');
    this.byKey = db.prepare<[number], SensorRow>('SELECT * FROM sensors WHERE sensor_key = ?');
    this.insertStmt = db.prepare<[string, string | null, string | null, string | null, number]>(
      'INSERT INTO sensors (id, asset_id, sensor_type, unit, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.ensureAssetStmt = db.prepare<[string, string, number]>('INSERT OR IGNORE INTO assets (id, name, created_at) VALUES (?, ?, ?)');
    // last_value follows the newest timestamp, not the newest insert, so a
    // backfill of old readings does not change the "last value".
    this.statsStmt = db.prepare(`
      UPDATE sensors SET
        reading_count = reading_count + @count,
        first_timestamp = CASE WHEN first_timestamp IS NULL OR @minTs < first_timestamp THEN @minTs ELSE first_timestamp END,
        last_value = CASE WHEN last_timestamp IS NULL OR @maxTs >= last_timestamp THEN @valueAtMaxTs ELSE last_value END,
        last_timestamp = CASE WHEN last_timestamp IS NULL OR @maxTs > last_timestamp THEN @maxTs ELSE last_timestamp END
      WHERE sensor_key = @key`);
    // After retention deleted the oldest readings: the count drops by what
    // went and the first timestamp moves to the oldest left. The last
    // timestamp and value stay as they were: they say when the sensor last
    // reported, even once all its raw readings have expired.
    this.removedStmt = db.prepare(`
      UPDATE sensors SET
        reading_count = CASE WHEN @first IS NULL THEN 0 ELSE MAX(reading_count - @removed, 0) END,
        first_timestamp = @first
      WHERE sensor_key = @key`);
  }

  get(id: string): SensorRow | undefined {
    return this.byId.get(id);
  }

  getByKey(key: number): SensorRow | undefined {
    return this.byKey.get(key);
  }

  list(filter: SensorFilter = {}): SensorRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.assetId !== undefined) { where.push('asset_id = ?'); params.push(filter.assetId); }
    if (filter.sensorType !== undefined) { where.push('sensor_type = ?'); params.push(filter.sensorType); }
    const sql = `SELECT * FROM sensors ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return this.db.prepare<unknown[], SensorRow>(sql).all(...params);
  }

  keysFor(ids: readonly string[]): number[] {
    return ids.flatMap((id) => {
      const row = this.byId.get(id);
      return row ? [row.sensor_key] : [];
    });
  }

  create(tx: Tx, id: string, fields: { assetId: string | null; sensorType: string | null; unit: string | null }): SensorRow {
    if (fields.assetId !== null) this.ensureAsset(tx, fields.assetId);
    this.insertStmt.run(id, fields.assetId, fields.sensorType, fields.unit, tx.now);
    return this.byId.get(id)!;
  }

  ensureAsset(tx: Tx, assetId: string): void {
    this.ensureAssetStmt.run(assetId, assetId, tx.now);
  }

  update(tx: Tx, id: string, patch: SensorPatch): SensorRow | undefined {
    const sets: string[] = [];
    const params: Record<string, unknown> = { id };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || !PATCHABLE.has(k)) continue;
      sets.push(`${k} = @${k}`);
      params[k] = v;
    }
    if (patch.asset_id) this.ensureAsset(tx, patch.asset_id);
    if (sets.length > 0) this.db.prepare(`UPDATE sensors SET ${sets.join(', ')} WHERE id = @id`).run(params);
    return this.byId.get(id);
  }

  applyStats(tx: Tx, sensorKey: number, delta: SensorStatsDelta): void {
    void tx;
    this.statsStmt.run({ key: sensorKey, ...delta });
  }

  /** Running statistics after `removed` of the sensor's oldest readings were deleted; `first` is the oldest one left (null: none). */
  applyRemoval(tx: Tx, sensorKey: number, removed: number, first: number | null): void {
    void tx;
    this.removedStmt.run({ key: sensorKey, removed, first });
  }

  totals(): { sensors: number; readings: number } {
    return this.db
      .prepare<[], { sensors: number; readings: number }>('SELECT COUNT(*) AS sensors, COALESCE(SUM(reading_count), 0) AS readings FROM sensors')
      .get()!;
  }
}

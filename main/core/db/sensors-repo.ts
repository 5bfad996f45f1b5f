import type { Db } from './open';

export interface SensorRow {
  sensor_key: number;
  id: string;
  asset_id: string | null;
  type: string | null;
  unit: string | null;
  expected_min: number | null;
  expected_max: number | null;
  created_at: number;
  reading_count: number;
  first_ts: number | null;
  last_ts: number | null;
  last_value: number | null;
}

export interface SensorFilter {
  assetId?: string;
  type?: string;
}

export interface SensorPatch {
  asset_id?: string | null;
  type?: string | null;
  unit?: string | null;
  expected_min?: number | null;
  expected_max?: number | null;
}

/** Per-sensor change of the running statistics after a batch of inserts. */
export interface SensorStatsDelta {
  count: number;
  minTs: number;
  maxTs: number;
  valueAtMaxTs: number;
}

export class SensorsRepo {
  private readonly byId;
  private readonly insertStmt;
  private readonly ensureAssetStmt;
  private readonly statsStmt;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[string], SensorRow>('SELECT * FROM sensors WHERE id = ?');
    this.insertStmt = db.prepare<[string, string | null, string | null, string | null, number]>(
      'INSERT INTO sensors (id, asset_id, type, unit, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.ensureAssetStmt = db.prepare<[string, string, number]>('INSERT OR IGNORE INTO assets (id, name, created_at) VALUES (?, ?, ?)');
    // last_value follows the newest timestamp, not the newest insert, so a
    // backfill of old readings does not change the "latest value".
    this.statsStmt = db.prepare(`
      UPDATE sensors SET
        reading_count = reading_count + @count,
        first_ts = CASE WHEN first_ts IS NULL OR @minTs < first_ts THEN @minTs ELSE first_ts END,
        last_value = CASE WHEN last_ts IS NULL OR @maxTs >= last_ts THEN @valueAtMaxTs ELSE last_value END,
        last_ts = CASE WHEN last_ts IS NULL OR @maxTs > last_ts THEN @maxTs ELSE last_ts END
      WHERE sensor_key = @key`);
  }

  get(id: string): SensorRow | undefined {
    return this.byId.get(id);
  }

  list(filter: SensorFilter = {}): SensorRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.assetId !== undefined) { where.push('asset_id = ?'); params.push(filter.assetId); }
    if (filter.type !== undefined) { where.push('type = ?'); params.push(filter.type); }
    const sql = `SELECT * FROM sensors ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return this.db.prepare<unknown[], SensorRow>(sql).all(...params);
  }

  keysFor(ids: readonly string[]): number[] {
    return ids.flatMap((id) => {
      const row = this.byId.get(id);
      return row ? [row.sensor_key] : [];
    });
  }

  create(id: string, fields: { assetId: string | null; type: string | null; unit: string | null }, now: number): SensorRow {
    if (fields.assetId !== null) this.ensureAsset(fields.assetId, now);
    this.insertStmt.run(id, fields.assetId, fields.type, fields.unit, now);
    return this.byId.get(id)!;
  }

  ensureAsset(assetId: string, now: number): void {
    this.ensureAssetStmt.run(assetId, assetId, now);
  }

  update(id: string, patch: SensorPatch, now: number): SensorRow | undefined {
    const sets: string[] = [];
    const params: Record<string, unknown> = { id };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      sets.push(`${k} = @${k}`);
      params[k] = v;
    }
    if (patch.asset_id) this.ensureAsset(patch.asset_id, now);
    if (sets.length > 0) this.db.prepare(`UPDATE sensors SET ${sets.join(', ')} WHERE id = @id`).run(params);
    return this.byId.get(id);
  }

  applyStats(sensorKey: number, delta: SensorStatsDelta): void {
    this.statsStmt.run({ key: sensorKey, ...delta });
  }

  totals(): { sensors: number; readings: number } {
    return this.db
      .prepare<[], { sensors: number; readings: number }>('SELECT COUNT(*) AS sensors, COALESCE(SUM(reading_count), 0) AS readings FROM sensors')
      .get()!;
  }
}

import { toIso } from '../../../../contract/timestamp';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import type { Tx } from '../../platform/write-queue';

// Retraining recommendations raised by drift: at most one open per sensor
// (a unique index says so). A further detection updates it; training a
// model that uses the sensor resolves it; an operator may dismiss it.

export interface RecommendationRow {
  id: string;
  sensor_id: string;
  models: string;
  first_detected_at: number;
  last_detected_at: number;
  detections: number;
  psi: number | null;
  ks_statistic: number | null;
  p_value: number | null;
  window_minutes: number;
  resolved_at: number | null;
  resolution: 'retrained' | 'dismissed' | null;
  resolved_by: string | null;
}

export interface Detection {
  sensorId: string;
  models: string[];
  psi: number | null;
  ks: number | null;
  pValue: number | null;
  windowMinutes: number;
}

export class RecommendationsRepo {
  constructor(private readonly db: Db) {}

  /** Raises the sensor's open recommendation, or updates it; returns its id. */
  detected(tx: Tx, d: Detection): string {
    const open = this.db.prepare<[string], { id: string }>('SELECT id FROM retraining_recommendations WHERE sensor_id = ? AND resolved_at IS NULL').get(d.sensorId);
    if (open) {
      this.db
        .prepare('UPDATE retraining_recommendations SET last_detected_at = ?, detections = detections + 1, models = ?, psi = ?, ks_statistic = ?, p_value = ?, window_minutes = ? WHERE id = ?')
        .run(tx.now, JSON.stringify(d.models), d.psi, d.ks, d.pValue, d.windowMinutes, open.id);
      return open.id;
    }
    const id = newId();
    this.db
      .prepare(`INSERT INTO retraining_recommendations (id, sensor_id, models, first_detected_at, last_detected_at, detections, psi, ks_statistic, p_value, window_minutes)
                VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`)
      .run(id, d.sensorId, JSON.stringify(d.models), tx.now, tx.now, d.psi, d.ks, d.pValue, d.windowMinutes);
    return id;
  }

  /** A model trained on these sensors answers their open recommendations. */
  retrained(tx: Tx, sensorIds: readonly string[], modelName: string): number {
    if (sensorIds.length === 0) return 0;
    return this.db
      .prepare(`UPDATE retraining_recommendations SET resolved_at = ?, resolution = 'retrained', resolved_by = ? WHERE resolved_at IS NULL AND sensor_id IN (${sensorIds.map(() => '?').join(',')})`)
      .run(tx.now, modelName, ...sensorIds).changes;
  }

  dismiss(tx: Tx, id: string, by: string): boolean {
    return this.db.prepare("UPDATE retraining_recommendations SET resolved_at = ?, resolution = 'dismissed', resolved_by = ? WHERE id = ? AND resolved_at IS NULL").run(tx.now, by, id).changes === 1;
  }

  get(id: string): RecommendationRow | undefined {
    return this.db.prepare<[string], RecommendationRow>('SELECT * FROM retraining_recommendations WHERE id = ?').get(id);
  }

  open(limit: number): RecommendationRow[] {
    return this.db.prepare<[number], RecommendationRow>('SELECT * FROM retraining_recommendations WHERE resolved_at IS NULL ORDER BY last_detected_at DESC, id DESC LIMIT ?').all(limit);
  }
}

export function recommendationToWire(r: RecommendationRow) {
  return {
    id: r.id,
    sensor_id: r.sensor_id,
    models: JSON.parse(r.models) as string[],
    first_detected_at: toIso(r.first_detected_at),
    last_detected_at: toIso(r.last_detected_at),
    detections: r.detections,
    psi: r.psi,
    ks_statistic: r.ks_statistic,
    p_value: r.p_value,
    window_minutes: r.window_minutes,
  };
}

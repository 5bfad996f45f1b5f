import { toIso } from '../../../contract/timestamp';
import type { ApiKeyRecord } from '../db/api-keys-repo';
import type { ImportRow } from '../db/imports-repo';
import type { SensorRow } from '../db/sensors-repo';
import type { ReadingRow } from '../db/readings-repo';

// Row → wire shapes. Wire timestamps are ISO-8601 UTC strings.

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : toIso(ms));

export function sensorToWire(s: SensorRow) {
  return {
    id: s.id,
    asset_id: s.asset_id,
    type: s.type,
    unit: s.unit,
    expected_min: s.expected_min,
    expected_max: s.expected_max,
    created_at: toIso(s.created_at),
    reading_count: s.reading_count,
    first_timestamp: isoOrNull(s.first_ts),
    last_timestamp: isoOrNull(s.last_ts),
    latest_value: s.last_value,
  };
}

export function readingToWire(r: ReadingRow) {
  return {
    sensor_id: r.sensor_id,
    timestamp: toIso(r.ts),
    value: r.value,
    quality: r.quality,
    metadata: r.metadata === null ? null : (JSON.parse(r.metadata) as Record<string, unknown>),
  };
}

export function keyToWire(k: ApiKeyRecord) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    rate_limit_per_minute: k.rate_limit_per_minute,
    created_at: toIso(k.created_at),
    expires_at: isoOrNull(k.expires_at),
    last_used_at: isoOrNull(k.last_used_at),
    revoked_at: isoOrNull(k.revoked_at),
  };
}

export function importToWire(i: ImportRow) {
  return {
    import_id: i.id,
    format: i.format,
    status: i.status,
    started_at: toIso(i.started_at),
    finished_at: isoOrNull(i.finished_at),
    rows: i.rows,
    bytes: i.bytes,
    stored: i.stored,
    duplicates: i.duplicates,
    conflicts: i.conflicts,
    rejected: i.rejected,
    error: i.error,
  };
}

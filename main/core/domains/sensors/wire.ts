import { toIso } from '../../../../contract/timestamp';
import type { SensorRow } from './repository';

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : toIso(ms));

export function sensorToWire(s: SensorRow) {
  return {
    id: s.id,
    asset_id: s.asset_id,
    sensor_type: s.sensor_type,
    unit: s.unit,
    expected_min: s.expected_min,
    expected_max: s.expected_max,
    created_at: toIso(s.created_at),
    reading_count: s.reading_count,
    first_timestamp: isoOrNull(s.first_timestamp),
    last_timestamp: isoOrNull(s.last_timestamp),
    last_value: s.last_value,
    raw_retention_days: s.raw_retention_days,
  };
}

import { toIso } from '../../../../contract/timestamp';
import type { ReadingRow } from './repository';

export function readingToWire(r: ReadingRow) {
  return {
    sensor_id: r.sensor_id,
    timestamp: toIso(r.timestamp),
    value: r.value,
    quality: r.quality,
    metadata: r.metadata === null ? null : (JSON.parse(r.metadata) as Record<string, unknown>),
  };
}

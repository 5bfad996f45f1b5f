import { fieldError } from '../../platform/errors';
import type { SensorsRepo } from '../sensors';
import type { ReadingQuery } from './repository';

export interface FilterInput {
  sensor_id?: string[] | undefined;
  sensor_type?: string | undefined;
  asset_id?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  order: 'asc' | 'desc';
}

/** Translates the wire filters into a repository query; unknown sensor ids simply match nothing. */
export function toReadingQuery(sensors: SensorsRepo, f: FilterInput, limit: number): ReadingQuery {
  if (f.from !== undefined && f.to !== undefined && f.from > f.to) {
    throw fieldError('from', 'from must not be after to', { code: 'range_inverted' });
  }
  const q: ReadingQuery = { order: f.order, limit };
  if (f.sensor_id !== undefined && f.sensor_id.length > 0) q.sensorKeys = sensors.keysFor(f.sensor_id);
  if (f.sensor_type !== undefined) q.sensorType = f.sensor_type;
  if (f.asset_id !== undefined) q.assetId = f.asset_id;
  if (f.from !== undefined) q.from = f.from;
  if (f.to !== undefined) q.to = f.to;
  return q;
}

import { AppError } from '../errors';
import type { ReadingQuery } from '../db/readings-repo';
import type { Services } from '../services';

export interface FilterInput {
  sensor_id?: string[] | undefined;
  type?: string | undefined;
  asset_id?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  order: 'asc' | 'desc';
}

/** Translates the wire filters into a repository query; unknown sensor ids simply match nothing. */
export function toReadingQuery(services: Services, f: FilterInput, limit: number): ReadingQuery {
  if (f.from !== undefined && f.to !== undefined && f.from > f.to) {
    throw new AppError('validation_failed', 'from must not be after to', [{ path: 'from', field: 'from', message: 'from must not be after to' }]);
  }
  const q: ReadingQuery = { order: f.order, limit };
  if (f.sensor_id !== undefined && f.sensor_id.length > 0) q.sensorKeys = services.sensors.keysFor(f.sensor_id);
  if (f.type !== undefined) q.type = f.type;
  if (f.asset_id !== undefined) q.assetId = f.asset_id;
  if (f.from !== undefined) q.from = f.from;
  if (f.to !== undefined) q.to = f.to;
  return q;
}

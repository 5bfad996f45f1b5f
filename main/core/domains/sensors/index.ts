import { sensorsContract } from '../../../../contract/sensors';
import type { Db } from '../../platform/db';
import { AppError, fieldError } from '../../platform/errors';
import type { WriteQueue, Tx } from '../../platform/write-queue';
import type { AuditLog } from '../audit';
import { defineDomain } from '../domain';
import { sensorNames } from './migrations/0004-sensor-names';
import { sensorRetention } from './migrations/0011-sensor-retention';
import { SensorsRepo, type SensorRow } from './repository';
import { sensorToWire } from './wire';

export type { SensorRow, SensorStatsDelta, SensorPatch } from './repository';
export { SensorsRepo };
export const sensorsMigrations = [sensorNames, sensorRetention];

/** What other domains use: lookups, and registration inside their own transaction (which announces the sensor). */
export interface SensorsApi {
  repo: SensorsRepo;
  require(id: string): SensorRow;
  register(tx: Tx, id: string, fields: { assetId: string | null; sensorType: string | null; unit: string | null }): SensorRow;
}

export function createSensorsDomain(deps: { db: Db; writer: WriteQueue; audit: AuditLog }) {
  const repo = new SensorsRepo(deps.db);
  const api: SensorsApi = {
    repo,
    require(id) {
      const s = repo.get(id);
      if (!s) throw new AppError('not_found', `no sensor with id '${id}'`, { sensor_id: id });
      return s;
    },
    register(tx, id, fields) {
      const row = repo.create(tx, id, fields);
      tx.emit('sensor.registered', { sensor_id: id, asset_id: row.asset_id, sensor_type: row.sensor_type, unit: row.unit });
      return row;
    },
  };

  const module = defineDomain(sensorsContract, {
    handlers: {
      'sensors.list': (input) => ({
        sensors: repo.list({ ...(input.asset_id ? { assetId: input.asset_id } : {}), ...(input.sensor_type ? { sensorType: input.sensor_type } : {}) }).map(sensorToWire),
      }),

      'sensors.get': (input) => sensorToWire(api.require(input.id)),

      'sensors.update': async (input, ctx) => {
        const before = api.require(input.id);
        const { id, ...patch } = input;
        const min = patch.expected_min === undefined ? before.expected_min : patch.expected_min;
        const max = patch.expected_max === undefined ? before.expected_max : patch.expected_max;
        if (min !== null && max !== null && min > max) {
          throw fieldError('expected_min', `expected_min ${min} exceeds expected_max ${max}`, { code: 'range_inverted', params: { min, max } });
        }
        const after = await deps.writer.write((tx) => {
          const row = repo.update(tx, id, patch)!;
          deps.audit.record(tx, ctx.principal, 'sensors.update', id, patch);
          return row;
        }, { correlationId: ctx.correlationId });
        return sensorToWire(after);
      },
    },
  });
  return { module, api };
}

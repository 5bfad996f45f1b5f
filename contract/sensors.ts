import { z } from 'zod';
import { defineContract, defineEvent, defineOperation } from './operation';
import { AssetId, IsoTime, SensorId, SensorType, Unit } from './common';

export const SensorWire = z.object({
  id: z.string(),
  asset_id: z.string().nullable(),
  sensor_type: z.string().nullable(),
  unit: z.string().nullable(),
  expected_min: z.number().nullable(),
  expected_max: z.number().nullable(),
  created_at: IsoTime,
  reading_count: z.number(),
  first_timestamp: IsoTime.nullable(),
  last_timestamp: IsoTime.nullable(),
  /** Value of the reading with the newest timestamp (a backfill of older readings does not change it). */
  last_value: z.number().nullable(),
  /** Days this sensor's raw readings are kept; null: the station's `raw-retention-days` applies (rollups are kept for ever). */
  raw_retention_days: z.number().int().nullable(),
});
export type SensorWire = z.infer<typeof SensorWire>;

export const listSensors = defineOperation({
  name: 'sensors.list',
  summary: 'Every sensor with its asset, type, unit, reading count, first/last timestamp and last value.',
  tag: 'sensors',
  access: 'read',
  input: z.object({
    asset_id: AssetId.optional(),
    sensor_type: SensorType.optional(),
  }).strict(),
  output: z.object({ sensors: z.array(SensorWire) }),
  http: { method: 'GET', path: '/api/v1/sensors' },
});

export const getSensor = defineOperation({
  name: 'sensors.get',
  summary: 'One sensor.',
  tag: 'sensors',
  access: 'read',
  input: z.object({ id: SensorId }).strict(),
  output: SensorWire,
  http: { method: 'GET', path: '/api/v1/sensors/{id}' },
});

const finiteOrNull = z.number({ error: 'expected a number or null' }).finite().nullable();
const retentionDays = z
  .number({ error: 'expected a whole number of days from 1 to 36500, or null' })
  .int({ message: 'expected a whole number of days from 1 to 36500, or null' })
  .min(1, { message: 'expected a whole number of days from 1 to 36500, or null' })
  .max(36500, { message: 'expected a whole number of days from 1 to 36500, or null' })
  .nullable();

export const updateSensor = defineOperation({
  name: 'sensors.update',
  summary: 'Set a sensor\'s asset, type, unit, expected range or raw-reading retention in days (null: the station\'s setting) (audited).',
  tag: 'sensors',
  access: 'operate',
  input: z
    .object({
      id: SensorId,
      asset_id: AssetId.nullable().optional(),
      sensor_type: SensorType.nullable().optional(),
      unit: Unit.nullable().optional(),
      expected_min: finiteOrNull.optional(),
      expected_max: finiteOrNull.optional(),
      raw_retention_days: retentionDays.optional(),
    })
    .strict(),
  output: SensorWire,
  http: { method: 'PATCH', path: '/api/v1/sensors/{id}' },
});

export const sensorRegistered = defineEvent({
  type: 'sensor.registered',
  summary: 'A sensor was registered from its first reading.',
  payload: z.object({
    sensor_id: z.string(),
    asset_id: z.string().nullable(),
    sensor_type: z.string().nullable(),
    unit: z.string().nullable(),
  }),
});

export const sensorsContract = defineContract({
  domain: 'sensors',
  operations: [listSensors, getSensor, updateSensor],
  events: [sensorRegistered],
});

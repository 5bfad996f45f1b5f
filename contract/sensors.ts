import { z } from 'zod';
import { defineOperation, type StreamResult } from './operation';
import { AssetId, idList, QueryBool, queryInt, SensorId, SensorType, TimestampInput, Unit } from './common';
import { ReadingWire } from './data';

export const SensorWire = z.object({
  id: z.string(),
  asset_id: z.string().nullable(),
  type: z.string().nullable(),
  unit: z.string().nullable(),
  expected_min: z.number().nullable(),
  expected_max: z.number().nullable(),
  created_at: z.string(),
  reading_count: z.number(),
  first_timestamp: z.string().nullable(),
  last_timestamp: z.string().nullable(),
  latest_value: z.number().nullable(),
});
export type SensorWire = z.infer<typeof SensorWire>;

export const listSensors = defineOperation({
  name: 'sensors.list',
  summary: 'Every sensor with its asset, type, unit, reading count, first/last timestamp and latest value.',
  tag: 'sensors',
  access: 'read',
  input: z.object({
    asset_id: AssetId.optional(),
    type: SensorType.optional(),
  }),
  output: z.object({ sensors: z.array(SensorWire) }),
  http: { method: 'GET', path: '/api/v1/sensors' },
});

export const getSensor = defineOperation({
  name: 'sensors.get',
  summary: 'One sensor.',
  tag: 'sensors',
  access: 'read',
  input: z.object({ id: SensorId }),
  output: SensorWire,
  http: { method: 'GET', path: '/api/v1/sensors/{id}' },
});

const finiteOrNull = z.number({ error: 'expected a number or null' }).finite().nullable();

export const updateSensor = defineOperation({
  name: 'sensors.update',
  summary: 'Set a sensor\'s asset, type, unit or expected range (audited).',
  tag: 'sensors',
  access: 'operate',
  input: z
    .object({
      id: SensorId,
      asset_id: AssetId.nullable().optional(),
      type: SensorType.nullable().optional(),
      unit: Unit.nullable().optional(),
      expected_min: finiteOrNull.optional(),
      expected_max: finiteOrNull.optional(),
    })
    .strict(),
  output: SensorWire,
  http: { method: 'PATCH', path: '/api/v1/sensors/{id}' },
});

/** Filters shared by listing and export; `from`/`to` are inclusive. */
const readingFilter = {
  sensor_id: idList(SensorId).optional(),
  type: SensorType.optional(),
  asset_id: AssetId.optional(),
  from: TimestampInput.optional(),
  to: TimestampInput.optional(),
  order: z.enum(['asc', 'desc'], { error: 'order must be asc or desc' }).default('asc'),
};

export const listReadings = defineOperation({
  name: 'readings.list',
  summary: 'Readings matching the filters, ordered by time, with an opaque cursor for the next page (keyset pagination).',
  tag: 'readings',
  access: 'read',
  input: z.object({
    ...readingFilter,
    limit: queryInt(1, 10_000).default(1000),
    cursor: z.string().max(200, { message: 'cursor is too long' }).optional(),
  }),
  output: z.object({ readings: z.array(ReadingWire), next_cursor: z.string().nullable() }),
  http: { method: 'GET', path: '/api/v1/sensors/readings' },
});

export const SeriesPoint = z.object({
  /** Bucket start, epoch milliseconds. */
  t: z.number(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  count: z.number(),
});

export const readingSeries = defineOperation({
  name: 'readings.series',
  summary: 'At most `points` time buckets (min, max, mean, count) of one sensor, for charts.',
  tag: 'readings',
  access: 'read',
  input: z.object({
    id: SensorId,
    from: TimestampInput.optional(),
    to: TimestampInput.optional(),
    points: queryInt(1, 10_000).default(500),
  }),
  output: z.object({
    sensor_id: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    bucket_ms: z.number(),
    points: z.array(SeriesPoint),
  }),
  http: { method: 'GET', path: '/api/v1/sensors/{id}/series' },
});

export const exportReadings = defineOperation({
  name: 'readings.export',
  summary: 'The filtered readings as a streamed CSV file (sensor_id,timestamp,value,quality,sensor_type,unit,asset_id).',
  tag: 'readings',
  access: 'read',
  input: z.object({
    ...readingFilter,
    /** Prefix a UTF-8 byte-order mark so Excel detects the encoding. */
    bom: QueryBool.default(false),
  }),
  output: z.custom<StreamResult>(),
  http: { method: 'GET', path: '/api/v1/sensors/readings/export', produces: 'text/csv' },
});

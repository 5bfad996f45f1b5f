import { z } from 'zod';
import { defineContract, defineEvent, defineOperation, type StreamResult } from './operation';
import { AssetId, idList, IsoTime, IssueWire, QueryBool, queryInt, SensorId, SensorType, TimestampInput, Unit } from './common';
import { describe } from './timestamp';

/** Readings may be at most this far in the future (clock skew between devices and the station). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
export const MAX_BATCH = 10_000;
export const MAX_METADATA_BYTES = 2048;
/** Rejections listed in one response; the rest are counted. */
export const MAX_LISTED_ISSUES = 1000;
export const READING_FIELDS = ['sensor_id', 'timestamp', 'value', 'sensor_type', 'unit', 'quality', 'asset_id', 'metadata'] as const;

/**
 * Length of the JSON text of `value`. JSON.stringify recurses, so metadata
 * nested a few thousand levels deep (a valid JSON body) overflows the stack;
 * that RangeError used to escape validation as a 500. Anything that deep is
 * far over the size limit anyway, so it counts as infinitely long.
 */
export function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value).length;
  } catch {
    return Infinity;
  }
}

export const ReadingInput = z
  .object({
    sensor_id: SensorId,
    timestamp: TimestampInput,
    value: z
      .unknown()
      .transform((v, ctx) => {
        if (typeof v === 'number' && Number.isFinite(v)) return v;
        ctx.addIssue({ code: 'custom', message: v === undefined ? 'value is required' : `value must be a finite number, got ${describe(v)}` });
        return z.NEVER;
      })
      .meta({ type: 'number', description: 'finite number' }),
    sensor_type: SensorType.optional(),
    unit: Unit.optional(),
    quality: z
      .number({ error: (i) => `quality must be a number from 0 to 1, got ${describe(i.input)}` })
      .min(0, { message: 'quality must be from 0 to 1' })
      .max(1, { message: 'quality must be from 0 to 1' })
      .optional(),
    asset_id: AssetId.optional(),
    metadata: z
      .record(z.string(), z.unknown(), { error: (i) => `metadata must be an object, got ${describe(i.input)}` })
      .refine((m) => jsonLength(m) <= MAX_METADATA_BYTES, {
        message: `metadata must serialise to at most ${MAX_METADATA_BYTES} bytes`,
      })
      .optional(),
  }, { error: (i) => `a reading must be an object, got ${describe(i.input)}` })
  .strict();
export type ReadingInput = z.output<typeof ReadingInput>;

export const ReadingWire = z.object({
  sensor_id: z.string(),
  timestamp: IsoTime,
  value: z.number(),
  quality: z.number().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
});

export const ConflictWire = z.object({
  index: z.number().optional(),
  line: z.number().optional(),
  sensor_id: z.string(),
  timestamp: IsoTime,
  value: z.number(),
  stored_value: z.number(),
});

export const IngestResult = z.object({
  received: z.number(),
  stored: z.number(),
  duplicates: z.number(),
  conflicts: z.array(ConflictWire),
  /** Readings refused (each may have several issues below). */
  rejected_count: z.number(),
  /** The issues, at most MAX_LISTED_ISSUES of them. */
  rejected: z.array(IssueWire),
  rejected_truncated: z.boolean(),
  sensors_registered: z.array(z.string()),
  correlation_id: z.string(),
});

function toBatch(body: unknown): unknown {
  if (Array.isArray(body)) return { readings: body };
  if (body !== null && typeof body === 'object' && 'readings' in body) return body;
  return { readings: [body] };
}

export const ingest = defineOperation({
  name: 'data.ingest',
  summary:
    'Store one reading, an array, or {readings:[...]} (up to 10,000). Atomic unless partial=true; ' +
    'duplicates are reported, conflicting values are never overwritten.',
  tag: 'data',
  access: 'ingest',
  input: z.object({
    readings: z
      .array(z.unknown(), { error: (i) => `readings must be an array, got ${describe(i.input)}` })
      .min(1, { message: 'readings must hold at least one reading' })
      .max(MAX_BATCH, { message: `a batch holds at most ${MAX_BATCH} readings; split it or use /api/v1/data/import` }),
    partial: QueryBool.default(false),
  }).strict(),
  output: IngestResult,
  http: {
    method: 'POST',
    path: '/api/v1/data/ingest',
    adaptBody: toBatch,
    bodyDoc: z.union([ReadingInput, z.array(ReadingInput), z.object({ readings: z.array(ReadingInput) })]),
    query: ['partial'],
    idempotent: true,
  },
});

/** Filters shared by listing and export; `from`/`to` are inclusive. */
const readingFilter = {
  sensor_id: idList(SensorId).optional(),
  sensor_type: SensorType.optional(),
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
  }).strict(),
  output: z.object({ readings: z.array(ReadingWire), next_cursor: z.string().nullable() }),
  http: { method: 'GET', path: '/api/v1/readings', aliases: ['/api/v1/sensors/readings'] },
});

export const SeriesPoint = z.object({
  /** Bucket start; the first and last bucket hold only the readings inside from..to. */
  t: IsoTime,
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  count: z.number(),
  /** The bucket's earliest and latest reading values. */
  first: z.number(),
  last: z.number(),
});

/** What a series was built from: raw readings, or the 1 second, 1 minute, 1 hour or 1 day rollups. */
export const SERIES_SOURCES = ['raw', '1s', '1m', '1h', '1d'] as const;

export const readingSeries = defineOperation({
  name: 'readings.series',
  summary: 'At most `points` time buckets (min, max, mean, count, first, last) of one sensor, for charts. Long ranges are read from rollups kept with the readings, short ones from the readings; either way the figures are those of the raw readings.',
  tag: 'readings',
  access: 'read',
  input: z.object({
    id: SensorId,
    from: TimestampInput.optional(),
    to: TimestampInput.optional(),
    points: queryInt(1, 10_000).default(500),
  }).strict(),
  output: z.object({
    sensor_id: z.string(),
    from: IsoTime.nullable(),
    to: IsoTime.nullable(),
    bucket_ms: z.number(),
    source: z.enum(SERIES_SOURCES),
    points: z.array(SeriesPoint),
  }),
  http: { method: 'GET', path: '/api/v1/sensors/{id}/series' },
});

export const exportReadings = defineOperation({
  name: 'readings.export',
  summary: 'The filtered readings as a streamed CSV file (sensor_id,timestamp,value,quality,sensor_type,unit,asset_id). Text cells that a spreadsheet would run as a formula are neutralised.',
  tag: 'readings',
  access: 'read',
  input: z.object({
    ...readingFilter,
    /** Prefix a UTF-8 byte-order mark so Excel detects the encoding. */
    bom: QueryBool.default(false),
  }).strict(),
  output: z.custom<StreamResult>(),
  http: { method: 'GET', path: '/api/v1/readings/export', aliases: ['/api/v1/sensors/readings/export'], produces: 'text/csv' },
});

export const readingsStored = defineEvent({
  type: 'readings.stored',
  summary: 'A committed batch stored at least one new reading (once per batch, never per reading; not for duplicates or refusals).',
  payload: z.object({
    count: z.number().int().positive(),
    sensors: z.array(z.string()).min(1),
    from: IsoTime,
    to: IsoTime,
    /** Live ingest, or a chunk of a bulk import (history). */
    source: z.enum(['ingest', 'import']),
    import_id: z.string().nullable(),
  }),
});

export const readingsExpired = defineEvent({
  type: 'readings.expired',
  summary: "Retention deleted a sensor's raw readings older than its retention (once per sensor and pass; its rollups are kept).",
  payload: z.object({
    sensor_id: z.string(),
    count: z.number().int().positive(),
    /** Every raw reading before this time is gone. */
    before: IsoTime,
    retention_days: z.number().positive(),
  }),
});

export const readingsContract = defineContract({
  domain: 'readings',
  operations: [ingest, listReadings, readingSeries, exportReadings],
  events: [readingsStored, readingsExpired],
});

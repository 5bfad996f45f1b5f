import { z } from 'zod';
import { defineOperation } from './operation';
import { AssetId, IssueWire, QueryBool, SensorId, SensorType, TimestampInput, Unit } from './common';
import { describe } from './timestamp';

/** Readings may be at most this far in the future (clock skew between devices and the station). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
export const MAX_BATCH = 10_000;
export const MAX_METADATA_BYTES = 2048;

/**
 * Length of the JSON text of `value`. JSON.stringify recurses, so metadata
 * nested a few thousand levels deep (a valid JSON body) overflows the stack;
 * that RangeError used to escape validation as a 500. Anything that deep is
 * far over the size limit anyway, so it counts as infinitely long.
 */
function jsonLength(value: unknown): number {
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
  timestamp: z.string(),
  value: z.number(),
  quality: z.number().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
});

const ConflictWire = z.object({
  index: z.number().optional(),
  line: z.number().optional(),
  sensor_id: z.string(),
  timestamp: z.string(),
  value: z.number(),
  stored_value: z.number(),
});

export const IngestResult = z.object({
  received: z.number(),
  stored: z.number(),
  duplicates: z.number(),
  conflicts: z.array(ConflictWire),
  rejected: z.array(IssueWire),
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
  }),
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

export const ImportFormat = z.enum(['csv', 'ndjson']);

export const ImportSummary = z.object({
  import_id: z.string(),
  format: ImportFormat,
  status: z.enum(['running', 'completed', 'failed', 'interrupted']),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  rows: z.number(),
  bytes: z.number(),
  stored: z.number(),
  duplicates: z.number(),
  conflicts: z.number(),
  rejected: z.number(),
  error: z.string().nullable(),
});

export const ImportResult = ImportSummary.extend({
  dry_run: z.boolean(),
  /** The first rejected or conflicting rows, with their 1-based line numbers. */
  issues: z.array(IssueWire),
  issues_truncated: z.boolean(),
  duration_ms: z.number(),
  correlation_id: z.string(),
});

export const IMPORT_CONTENT_TYPES = ['text/csv', 'application/x-ndjson', 'application/ndjson', 'application/jsonl'] as const;

export const importReadings = defineOperation({
  name: 'data.import',
  summary:
    'Stream a CSV (header row: sensor_id,timestamp,value[,sensor_type,unit,quality,asset_id]) or NDJSON body of any size. ' +
    'Rows are validated like /data/ingest; valid rows are stored, the others listed with their line numbers.',
  tag: 'data',
  access: 'ingest',
  input: z.object({
    import_id: z.uuid({ message: 'import_id must be a UUID' }).optional(),
    dry_run: QueryBool.default(false),
    delimiter: z.enum([',', ';', '\t', '|'], { error: 'delimiter must be one of , ; | or a tab' }).default(','),
    sensor_id: SensorId.optional(),
    sensor_type: SensorType.optional(),
    unit: Unit.optional(),
    asset_id: AssetId.optional(),
    assume_timezone: z
      .string()
      .regex(/^(UTC|Z|[+-]\d{2}:\d{2})$/, { message: "assume_timezone must be 'UTC' or an offset like +02:00" })
      .optional(),
  }),
  output: ImportResult,
  http: { method: 'POST', path: '/api/v1/data/import', streamBody: IMPORT_CONTENT_TYPES },
});

export const listImports = defineOperation({
  name: 'data.imports',
  summary: 'Recent bulk imports with their progress, newest first.',
  tag: 'data',
  access: 'read',
  input: z.object({}),
  output: z.object({ imports: z.array(ImportSummary) }),
  http: { method: 'GET', path: '/api/v1/data/imports' },
});

export const getImport = defineOperation({
  name: 'data.importStatus',
  summary: 'Progress and outcome of one bulk import.',
  tag: 'data',
  access: 'read',
  input: z.object({ id: z.uuid({ message: 'id must be a UUID' }) }),
  output: ImportSummary,
  http: { method: 'GET', path: '/api/v1/data/imports/{id}' },
});

import { z } from 'zod';
import { defineContract, defineEvent, defineOperation } from './operation';
import { AssetId, ClientId, IsoTime, IssueWire, QueryBool, SensorId, SensorType, Unit } from './common';

export const ImportFormat = z.enum(['csv', 'ndjson']);
export const IMPORT_STATUSES = ['running', 'completed', 'failed', 'interrupted'] as const;

export const ImportSummary = z.object({
  import_id: z.string(),
  format: ImportFormat,
  status: z.enum(IMPORT_STATUSES),
  started_at: IsoTime,
  finished_at: IsoTime.nullable(),
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
    /** Your name for this import (e.g. gw3-2024-05-01), to follow its progress; generated when absent. */
    import_id: ClientId.optional(),
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
  }).strict(),
  output: ImportResult,
  http: { method: 'POST', path: '/api/v1/data/import', streamBody: IMPORT_CONTENT_TYPES },
});

export const listImports = defineOperation({
  name: 'data.imports',
  summary: 'Recent bulk imports with their progress, newest first: the caller\'s own (administrators see every import).',
  tag: 'data',
  access: 'read',
  input: z.object({}).strict(),
  output: z.object({ imports: z.array(ImportSummary) }),
  http: { method: 'GET', path: '/api/v1/data/imports' },
});

export const getImport = defineOperation({
  name: 'data.importStatus',
  summary: 'Progress and outcome of one bulk import.',
  tag: 'data',
  access: 'read',
  input: z.object({ id: ClientId }).strict(),
  output: ImportSummary,
  http: { method: 'GET', path: '/api/v1/data/imports/{id}' },
});

export const importFinished = defineEvent({
  type: 'import.finished',
  summary: 'A bulk import ended (completed or failed), with its counts.',
  payload: z.object({
    import_id: z.string(),
    status: z.enum(['completed', 'failed']),
    rows: z.number(),
    stored: z.number(),
    duplicates: z.number(),
    conflicts: z.number(),
    rejected: z.number(),
    error: z.string().nullable(),
  }),
});

export const importsContract = defineContract({
  domain: 'imports',
  operations: [importReadings, listImports, getImport],
  events: [importFinished],
});

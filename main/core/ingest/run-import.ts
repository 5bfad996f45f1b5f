import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { toIso, parseOffset, parseTimestamp } from '../../../contract/timestamp';
import { AppError, type IssueDetail } from '../errors';
import type { ImportProgress } from '../db/imports-repo';
import type { Logger } from '../log';
import type { Services } from '../services';
import { csvRows, ndjsonRows, type SourceRow } from './row-sources';
import { storeReadings, type StoreOutcome } from './store-readings';
import { distinctReadings, validateReadings } from './validate-readings';

export const IMPORT_CHUNK_ROWS = 5000;
export const MAX_LISTED_ISSUES = 1000;

export interface ImportOptions {
  importId: string;
  format: 'csv' | 'ndjson';
  delimiter: string;
  dryRun: boolean;
  /** Values for columns the file leaves out (e.g. one sensor per file). */
  defaults: Partial<Record<'sensor_id' | 'sensor_type' | 'unit' | 'asset_id', string>>;
  /** Zone for timestamps written without an offset: 'UTC' or ±HH:MM. */
  assumeTimezone?: string;
  principalId: string | null;
  correlationId: string;
}

/** Thrown inside a dry run's write job so its savepoint is rolled back, carrying what would have happened. */
class DryRunRollback extends Error {
  constructor(readonly outcome: StoreOutcome) {
    super('dry run');
  }
}

/**
 * Streams a bulk import through the same validation and storage as a batch
 * ingest, in chunks of IMPORT_CHUNK_ROWS rows, each committed (partial mode)
 * before the next is read: memory stays bounded whatever the file size, the
 * event loop is released between chunks, and progress is recorded per chunk.
 */
export async function runImport(services: Services, body: Readable, opts: ImportOptions, log: Logger) {
  const started = services.now();
  if (services.imports.get(opts.importId)) {
    throw new AppError('conflict', `import_id '${opts.importId}' was already used`, [{ path: 'import_id', message: 'import_id already used' }]);
  }
  services.imports.start(opts.importId, opts.principalId, opts.format, started);
  const progress: ImportProgress = { rows: 0, bytes: 0, stored: 0, duplicates: 0, conflicts: 0, rejected: 0 };
  const issues: IssueDetail[] = [];
  let issuesTruncated = false;
  const addIssues = (list: readonly IssueDetail[]) => {
    for (const i of list) {
      if (issues.length < MAX_LISTED_ISSUES) issues.push(i);
      else issuesTruncated = true;
    }
  };

  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      progress.bytes += chunk.length;
      done(null, chunk);
    },
  });
  body.once('error', (err) => counter.destroy(err));
  body.pipe(counter);

  const assumeOffsetMinutes = opts.assumeTimezone === undefined ? undefined : (parseOffset(opts.assumeTimezone) ?? undefined);
  const required = ['timestamp', 'value', ...(opts.defaults.sensor_id ? [] : ['sensor_id'])];
  const rows = opts.format === 'csv' ? csvRows(counter, opts.delimiter, required) : ndjsonRows(counter);

  const flush = async (chunk: SourceRow[]) => {
    const items: Record<string, unknown>[] = [];
    const lines: number[] = [];
    for (const row of chunk) {
      if ('error' in row) {
        progress.rejected += 1;
        addIssues([{ path: `line.${row.line}`, line: row.line, field: row.field ?? 'row', message: row.error }]);
        continue;
      }
      items.push(applyDefaults(row.value, opts.defaults, assumeOffsetMinutes));
      lines.push(row.line);
    }
    progress.rows += chunk.length;
    const now = services.now();
    const { valid, issues: invalid } = validateReadings(items, now, lines);
    const outcome = valid.length === 0 ? undefined : await store(services, valid, opts.dryRun, now);
    progress.rejected += distinctReadings(invalid) + distinctReadings(outcome?.rejected ?? []);
    addIssues(invalid.map(toLineIssue));
    if (outcome) {
      progress.stored += outcome.stored;
      progress.duplicates += outcome.duplicates;
      progress.conflicts += outcome.conflicts.length;
      addIssues(outcome.rejected.map(toLineIssue));
      addIssues(outcome.conflicts.map((c) => ({
        path: `line.${c.line}.value`,
        line: c.line!,
        field: 'value',
        code: 'conflict',
        message: `value ${c.value} conflicts with stored value ${c.stored_value} for ${c.sensor_id} at ${c.timestamp}`,
      })));
    }
    services.imports.progress(opts.importId, progress);
  };

  let error: AppError | undefined;
  try {
    let chunk: SourceRow[] = [];
    for await (const row of rows) {
      chunk.push(row);
      if (chunk.length >= IMPORT_CHUNK_ROWS) {
        await flush(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) await flush(chunk);
  } catch (err) {
    error = err instanceof AppError ? err : new AppError('validation_failed', describeStreamError(err), [{ path: 'body', message: describeStreamError(err) }]);
  }

  const finished = services.now();
  services.imports.finish(opts.importId, error ? 'failed' : 'completed', progress, error?.message ?? null, finished);
  services.metrics.countIngest({ stored: progress.stored, duplicates: progress.duplicates, conflicts: progress.conflicts, rejected: progress.rejected });
  services.metrics.ingestRequests.inc({ outcome: error ? 'import_failed' : 'import' });
  log.info({ importId: opts.importId, ...progress, failed: error?.message }, 'import finished');

  const summary = {
    import_id: opts.importId,
    format: opts.format,
    status: error ? ('failed' as const) : ('completed' as const),
    started_at: toIso(started),
    finished_at: toIso(finished),
    ...progress,
    error: error?.message ?? null,
    dry_run: opts.dryRun,
    issues,
    issues_truncated: issuesTruncated,
    duration_ms: finished - started,
    correlation_id: opts.correlationId,
  };
  if (error) {
    // Rows before the failure are kept; say so alongside the reason.
    throw new AppError(error.code, `${error.message} (rows before it were processed: ${progress.stored} stored)`, { issues: error.details, summary });
  }
  return summary;
}

async function store(services: Services, valid: Parameters<typeof storeReadings>[1], dryRun: boolean, now: number): Promise<StoreOutcome> {
  try {
    return await services.queue.submit(() => {
      const outcome = storeReadings(services, valid, 'partial', now);
      if (dryRun) throw new DryRunRollback(outcome);
      return outcome;
    });
  } catch (err) {
    if (err instanceof DryRunRollback) return err.outcome;
    throw err;
  }
}

function applyDefaults(
  value: Record<string, unknown>,
  defaults: ImportOptions['defaults'],
  assumeOffsetMinutes: number | undefined,
): Record<string, unknown> {
  const out = { ...value };
  for (const [k, v] of Object.entries(defaults)) if (out[k] === undefined && v !== undefined) out[k] = v;
  if (assumeOffsetMinutes !== undefined && typeof out.timestamp === 'string') {
    const parsed = parseTimestamp(out.timestamp, { assumeOffsetMinutes });
    if (parsed.ok) out.timestamp = parsed.ms;
  }
  return out;
}

/** Import issues are located by file line; the index inside a chunk would mean nothing to the user. */
function toLineIssue({ index: _index, ...i }: IssueDetail): IssueDetail {
  return { ...i, path: i.line === undefined ? i.path : `line.${i.line}.${i.field ?? 'row'}` };
}

function describeStreamError(err: unknown): string {
  const e = err as { code?: string; message?: string; lines?: number };
  if (e?.code === 'ECONNRESET' || e?.message === 'aborted') return 'the upload was interrupted before it ended';
  if (typeof e?.code === 'string' && e.code.startsWith('CSV_')) return `malformed CSV: ${e.message ?? e.code}`;
  return `could not read the upload: ${e?.message ?? String(err)}`;
}

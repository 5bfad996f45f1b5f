import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { MAX_LISTED_ISSUES } from '../../../../contract/readings';
import { toIso, parseOffset, parseTimestamp } from '../../../../contract/timestamp';
import type { Clock } from '../../platform/clock';
import { AppError, type IssueDetail } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import type { StationMetrics } from '../../platform/metrics';
import type { WriteQueue } from '../../platform/write-queue';
import { distinctReadings, validateReadings, type ReadingsApi, type StoreOutcome, type ValidReading } from '../readings';
import type { ImportProgress, ImportsRepo } from './repository';
import { csvRows, ndjsonRows, type SourceRow } from './row-sources';

export const IMPORT_CHUNK_ROWS = 5000;

export interface ImportDeps {
  writer: WriteQueue;
  clock: Clock;
  metrics: StationMetrics;
  readings: ReadingsApi;
  imports: ImportsRepo;
  /** Throws 507 below the free-disk floor; checked before every chunk, as a long import fills the disk. */
  requireFreeDisk?: (refused?: string) => void;
}

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
 * with its progress before the next is read: memory stays bounded whatever
 * the file size, the event loop is released between chunks, and each chunk
 * announces what it stored (`readings.stored`, source import). The end is
 * announced as `import.finished`, in the transaction that records it.
 */
export async function runImport(deps: ImportDeps, body: Readable, opts: ImportOptions, log: Logger) {
  const { writer, imports } = deps;
  const started = deps.clock();
  if (imports.get(opts.importId)) {
    throw new AppError('conflict', `import_id '${opts.importId}' was already used; choose another name for a new import`, [{ path: 'import_id', field: 'import_id', code: 'already_used', message: 'This import name was already used.' }]);
  }
  await writer.write((tx) => imports.start(tx, opts.importId, opts.principalId, opts.format), { correlationId: opts.correlationId });
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
        addIssues([{ path: `line.${row.line}`, line: row.line, field: row.field ?? 'row', code: 'unreadable_row', message: row.error }]);
        continue;
      }
      items.push(applyDefaults(row.value, opts.defaults, assumeOffsetMinutes));
      lines.push(row.line);
    }
    progress.rows += chunk.length;
    const { valid, issues: invalid } = validateReadings(items, deps.clock(), lines);
    progress.rejected += distinctReadings(invalid);
    addIssues(invalid.map(toLineIssue));
    const outcome = valid.length === 0 ? undefined : await store(deps, valid, opts, progress);
    if (outcome) {
      progress.rejected += distinctReadings(outcome.rejected);
      progress.stored += outcome.stored;
      progress.duplicates += outcome.duplicates;
      progress.conflicts += outcome.conflicts.length;
      addIssues(outcome.rejected.map(toLineIssue));
      addIssues(outcome.conflicts.map((c) => ({
        path: `line.${c.line}.value`,
        line: c.line!,
        field: 'value',
        code: 'conflict',
        message: `The value ${c.value} differs from the value ${c.stored_value} already stored for ${c.sensor_id} at ${c.timestamp}; the stored value was kept.`,
        detail: `value ${c.value} conflicts with stored value ${c.stored_value} for ${c.sensor_id} at ${c.timestamp}`,
        params: { value: c.value, stored_value: c.stored_value, sensor_id: c.sensor_id, timestamp: c.timestamp },
      })));
    }
    if (!outcome) await writer.write((tx) => imports.progress(tx, opts.importId, progress));
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

  const status = error ? ('failed' as const) : ('completed' as const);
  const finished = await writer.write((tx) => {
    imports.finish(tx, opts.importId, status, progress, error?.message ?? null);
    if (!opts.dryRun) tx.emit('import.finished', { import_id: opts.importId, status, ...pickCounts(progress), error: error?.message ?? null });
    return tx.now;
  }, { correlationId: opts.correlationId });
  deps.metrics.countIngest({ stored: progress.stored, duplicates: progress.duplicates, conflicts: progress.conflicts, rejected: progress.rejected });
  deps.metrics.countRequest(error ? 'import_failed' : 'import');
  log.info({ importId: opts.importId, ...progress, failed: error?.message }, 'import finished');

  const summary = {
    import_id: opts.importId,
    format: opts.format,
    status,
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

/** One chunk in one write job with the import's progress, so a crash never leaves progress ahead of what was stored. */
async function store(deps: ImportDeps, valid: readonly ValidReading[], opts: ImportOptions, progress: ImportProgress): Promise<StoreOutcome> {
  if (!opts.dryRun) deps.requireFreeDisk?.('the import stopped before this chunk');
  try {
    return await deps.writer.write((tx) => {
      const outcome = deps.readings.store(tx, valid, 'partial', { source: 'import', importId: opts.importId });
      if (opts.dryRun) throw new DryRunRollback(outcome);
      deps.imports.progress(tx, opts.importId, {
        ...progress,
        stored: progress.stored + outcome.stored,
        duplicates: progress.duplicates + outcome.duplicates,
        conflicts: progress.conflicts + outcome.conflicts.length,
        rejected: progress.rejected + distinctReadings(outcome.rejected),
      });
      return outcome;
    }, { correlationId: opts.correlationId });
  } catch (err) {
    if (err instanceof DryRunRollback) return err.outcome;
    throw err;
  }
}

function pickCounts(p: ImportProgress) {
  return { rows: p.rows, stored: p.stored, duplicates: p.duplicates, conflicts: p.conflicts, rejected: p.rejected };
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

import type { z } from 'zod';
import { IngestResult, MAX_LISTED_ISSUES, readingsContract } from '../../../../contract/readings';
import { toIso } from '../../../../contract/timestamp';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { AppError, fieldError, type IssueDetail } from '../../platform/errors';
import type { StationMetrics } from '../../platform/metrics';
import type { Tx, WriteQueue } from '../../platform/write-queue';
import { defineDomain } from '../domain';
import type { SensorsApi } from '../sensors';
import { CoalescedIngest } from './coalesced-ingest';
import { decodeCursor, encodeCursor } from './cursor';
import { exportReadingsCsv } from './export-csv';
import { distinctReadings } from './issues';
import { readingsStoredSeq } from './migrations/0007-readings-stored-seq';
import { readingRollups } from './migrations/0010-reading-rollups';
import { fineRollupsPerSensor } from './migrations/0012-fine-rollups-per-sensor';
import { toReadingQuery } from './query';
import { ReadingsRepo } from './repository';
import { RollupsRepo } from './rollups/repository';
import { levelsOf } from './rollups/fine-rollups';
import { DAY, HOUR, MINUTE, SECOND } from './rollups/resolutions';
import { SeriesReader, type SeriesResult } from './rollups/series';
import { storeReadings, type BatchSource, type StoreMode, type StoreOutcome } from './store';
import { validateReadings, type ValidReading } from './validate';
import { readingToWire } from './wire';

export type { RawSeries } from './repository';
export type { StoreOutcome, Conflict, StoredRows } from './store';
export type { ValidReading } from './validate';
export { validateReadings, parseReading } from './validate';
export { distinctReadings } from './issues';
export { ReadingsRepo, RollupsRepo };
export { rebuildRollups } from './rollups/rebuild';
export { createRetention, type RetentionOptions, type RetentionRunner } from './retention';
export const readingsMigrations = [readingsStoredSeq, readingRollups, fineRollupsPerSensor];

/** What other domains use: storing a validated batch in their own write job, and reading history. */
export interface ReadingsApi {
  repo: ReadingsRepo;
  rollups: RollupsRepo;
  store(tx: Tx, items: readonly ValidReading[], mode: StoreMode, batch: BatchSource): StoreOutcome;
}

function minOrNull(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}
function maxOrNull(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
const SOURCE_NAMES: Record<number, '1s' | '1m' | '1h' | '1d'> = { [SECOND]: '1s', [MINUTE]: '1m', [HOUR]: '1h', [DAY]: '1d' };
function sourceName(source: SeriesResult['source']): 'raw' | '1s' | '1m' | '1h' | '1d' {
  return source === 'raw' ? 'raw' : SOURCE_NAMES[source]!;
}

type IngestOutput = z.infer<typeof IngestResult>;

/** The answer to an ingest request: what validation refused and what storing did. */
function ingestOutput(received: number, issues: IssueDetail[], outcome: StoreOutcome | undefined, correlationId: string): IngestOutput {
  const all = [...issues, ...(outcome?.rejected ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const capped = capIssues(all);
  return {
    received,
    stored: outcome?.stored ?? 0,
    duplicates: outcome?.duplicates ?? 0,
    conflicts: outcome?.conflicts ?? [],
    rejected_count: distinctReadings(all),
    rejected: capped.list,
    rejected_truncated: capped.truncated,
    sensors_registered: outcome?.sensorsRegistered ?? [],
    correlation_id: correlationId,
  };
}

/** At most MAX_LISTED_ISSUES issues, and whether some were left out. */
function capIssues(issues: IssueDetail[]): { list: IssueDetail[]; truncated: boolean } {
  return issues.length > MAX_LISTED_ISSUES ? { list: issues.slice(0, MAX_LISTED_ISSUES), truncated: true } : { list: issues, truncated: false };
}

export function createReadingsDomain(deps: { db: Db; writer: WriteQueue; clock: Clock; metrics: StationMetrics; sensors: SensorsApi; requireFreeDisk: () => void }) {
  const { writer, clock, metrics, sensors } = deps;
  const repo = new ReadingsRepo(deps.db);
  const rollups = new RollupsRepo(deps.db);
  const series = new SeriesReader(deps.db, rollups);
  const api: ReadingsApi = {
    repo,
    rollups,
    store: (tx, items, mode, batch) => storeReadings(tx, { sensors, readings: repo, rollups }, items, mode, batch),
  };

  const coalesced = new CoalescedIngest(writer, (tx, items, mode, batch, perItem) => storeReadings(tx, { sensors, readings: repo, rollups }, items, mode, batch, perItem));

  const module = defineDomain(readingsContract, {
    handlers: {
      'data.ingest': async (input, ctx) => {
        try {
          deps.requireFreeDisk(); // 507 before anything is validated or written
        } catch (err) {
          metrics.countRequest('insufficient_storage');
          throw err;
        }
        const now = clock();
        const { valid, issues } = validateReadings(input.readings, now);
        if (!input.partial && issues.length > 0) {
          metrics.countRequest('rejected');
          metrics.countIngest({ stored: 0, duplicates: 0, conflicts: 0, rejected: input.readings.length });
          const capped = capIssues(issues);
          throw new AppError(
            'validation_failed',
            `${distinctReadings(issues)} of ${input.readings.length} reading(s) are invalid; nothing was stored (send ?partial=true to store the valid ones)` +
              (capped.truncated ? `; the first ${MAX_LISTED_ISSUES} of ${issues.length} problems are listed` : ''),
            capped.list,
          );
        }
        try {
          const mode: StoreMode = input.partial ? 'partial' : 'atomic';
          let result: IngestOutput;
          if (valid.length === 1 && issues.length === 0 && !ctx.recordResponse) {
            const outcome = await coalesced.submit(valid[0]!.reading, mode, ctx.correlationId);
            result = ingestOutput(input.readings.length, issues, outcome, ctx.correlationId);
          } else {
            result = await writer.write((tx) => {
              const outcome = valid.length > 0 ? api.store(tx, valid, mode, { source: 'ingest' }) : undefined;
              const output = ingestOutput(input.readings.length, issues, outcome, ctx.correlationId);
              ctx.recordResponse?.(tx, output);
              return output;
            }, { correlationId: ctx.correlationId });
          }
          metrics.countRequest('ok');
          metrics.countIngest({ stored: result.stored, duplicates: result.duplicates, conflicts: result.conflicts.length, rejected: result.rejected_count });
          return result;
        } catch (err) {
          metrics.countRequest(err instanceof AppError ? err.code : 'error');
          throw err;
        }
      },

      'readings.list': (input) => {
        const q = toReadingQuery(sensors.repo, input, input.limit + 1);
        if (input.cursor !== undefined) {
          const c = decodeCursor(input.cursor, input.order);
          q.after = { ts: c.ts, sensorKey: c.sensorKey };
        }
        const rows = repo.list(q);
        const more = rows.length > input.limit;
        const page = more ? rows.slice(0, input.limit) : rows;
        const last = page[page.length - 1];
        return {
          readings: page.map(readingToWire),
          next_cursor: more && last ? encodeCursor({ order: input.order, ts: last.timestamp, sensorKey: last.sensor_key }) : null,
        };
      },

      'readings.series': (input) => {
        const s = sensors.require(input.id);
        const extent = rollups.extent(s.sensor_key, DAY);
        // Rollups outlive pruned raw readings, so the default range covers both.
        const from = input.from ?? minOrNull(s.first_timestamp, extent.first);
        const to = input.to ?? maxOrNull(s.last_timestamp, extent.last);
        if (from === null || to === null) return { sensor_id: s.id, from: null, to: null, bucket_ms: 0, source: 'raw' as const, points: [] };
        if (from > to) throw fieldError('from', 'from must not be after to', { code: 'range_inverted' });
        const result = series.read(s.sensor_key, from, to, input.points, levelsOf(s));
        return {
          sensor_id: s.id,
          from: toIso(from),
          to: toIso(to),
          bucket_ms: result.width,
          source: sourceName(result.source),
          points: result.points.map((p) => ({ t: toIso(p.t), min: p.min, max: p.max, mean: p.sum / p.count, count: p.count, first: p.first, last: p.last })),
        };
      },

      'readings.export': (input) => {
        const { limit: _limit, ...query } = toReadingQuery(sensors.repo, input, 0);
        const stamp = toIso(clock()).replace(/[-:]/g, '').slice(0, 15);
        return { contentType: 'text/csv; charset=utf-8', filename: `readings-${stamp}.csv`, body: exportReadingsCsv(repo, query, input.bom) };
      },
    },
  });
  return { module, api };
}

import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { stringify } from 'csv-stringify/sync';
import { toIso } from '../../../../contract/timestamp';
import { textCell } from '../../platform/csv';
import type { ReadingQuery, ReadingsRepo } from './repository';

const PAGE = 5000;
export const EXPORT_COLUMNS = ['sensor_id', 'timestamp', 'value', 'quality', 'sensor_type', 'unit', 'asset_id'] as const;

/**
 * Streams a filtered reading set as CSV (RFC 4180 through csv-stringify),
 * one keyset page at a time, yielding to the event loop between pages so a
 * large export never stalls the API. Memory stays at one page whatever the
 * size of the result. Text cells are neutralised against formula injection.
 */
export async function* exportReadingsCsv(repo: ReadingsRepo, query: Omit<ReadingQuery, 'limit' | 'after'>, bom: boolean): AsyncGenerator<string> {
  const delimiter = bom ? 'windows' : 'unix';
  yield (bom ? '\uFEFF' : '') + stringify([EXPORT_COLUMNS as unknown as string[]], { record_delimiter: delimiter });
  let after: ReadingQuery['after'];
  for (;;) {
    const rows = repo.list({ ...query, limit: PAGE, ...(after ? { after } : {}) }, true);
    if (rows.length === 0) return;
    yield stringify(
      rows.map((r) => [textCell(r.sensor_id), toIso(r.timestamp), r.value, r.quality ?? '', textCell(r.sensor_type), textCell(r.unit), textCell(r.asset_id)]),
      { record_delimiter: delimiter },
    );
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { ts: last.timestamp, sensorKey: last.sensor_key };
    await yieldToLoop();
  }
}

import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { stringify } from 'csv-stringify/sync';
import { toIso } from '../../../contract/timestamp';
import type { ReadingQuery, ReadingsRepo } from '../db/readings-repo';

const PAGE = 5000;
export const EXPORT_COLUMNS = ['sensor_id', 'timestamp', 'value', 'quality', 'sensor_type', 'unit', 'asset_id'] as const;

/**
 * Streams a filtered reading set as CSV, one keyset page at a time, yielding
 * to the event loop between pages so a large export never stalls the API.
 * Memory stays at one page whatever the size of the result.
 */
export async function* exportReadingsCsv(repo: ReadingsRepo, query: Omit<ReadingQuery, 'limit' | 'after'>, bom: boolean): AsyncGenerator<string> {
  yield (bom ? '\uFEFF' : '') + stringify([EXPORT_COLUMNS as unknown as string[]], { record_delimiter: bom ? 'windows' : 'unix' });
  let after: ReadingQuery['after'];
  for (;;) {
    const rows = repo.list({ ...query, limit: PAGE, ...(after ? { after } : {}) }, true);
    if (rows.length === 0) return;
    yield stringify(
      rows.map((r) => [r.sensor_id, toIso(r.ts), r.value, r.quality ?? '', r.type ?? '', r.unit ?? '', r.asset_id ?? '']),
      { record_delimiter: bom ? 'windows' : 'unix' },
    );
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { ts: last.ts, sensorKey: last.sensor_key };
    await yieldToLoop();
  }
}

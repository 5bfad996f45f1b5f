import { toIso } from '../../../../contract/timestamp';
import type { ImportRow } from './repository';

export function importToWire(i: ImportRow) {
  return {
    import_id: i.id,
    format: i.format,
    status: i.status,
    started_at: toIso(i.started_at),
    finished_at: i.finished_at === null ? null : toIso(i.finished_at),
    rows: i.rows,
    bytes: i.bytes,
    stored: i.stored,
    duplicates: i.duplicates,
    conflicts: i.conflicts,
    rejected: i.rejected,
    error: i.error,
  };
}

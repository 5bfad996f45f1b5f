import type { OutputOf } from '../../../contract';

/**
 * How an import ended, as the operator must read it:
 * - `ok`: every row stored or already there (duplicates are not problems);
 * - `problems`: finished, but some rows were rejected or conflict with
 *   stored values — a warning, not a success;
 * - `rejected`: every row was rejected — nothing usable was in the file;
 * - `empty`: the file had no rows;
 * - `failed`: the import stopped (malformed file, interrupted).
 */
export type ImportOutcome = 'ok' | 'problems' | 'rejected' | 'empty' | 'failed';
export type Tone = 'ok' | 'warn' | 'error';

type Counts = Pick<OutputOf<'data.import'>, 'status' | 'rows' | 'rejected' | 'conflicts'>;

export function importOutcome(r: Counts): ImportOutcome {
  if (r.status !== 'completed') return 'failed';
  if (r.rows === 0) return 'empty';
  if (r.rejected >= r.rows) return 'rejected';
  return r.rejected > 0 || r.conflicts > 0 ? 'problems' : 'ok';
}

export const OUTCOME_TONE: Record<ImportOutcome, Tone> = { ok: 'ok', problems: 'warn', empty: 'warn', rejected: 'error', failed: 'error' };

import type { z } from 'zod';
import { MAX_FUTURE_SKEW_MS, ReadingInput } from '../../../contract/data';
import { toIso } from '../../../contract/timestamp';
import type { IssueDetail } from '../errors';

export interface ValidReading {
  /** Position in the request batch. */
  index: number;
  /** 1-based line in an imported file. */
  line?: number;
  reading: ReadingInput;
}

export interface ValidationOutcome {
  valid: ValidReading[];
  issues: IssueDetail[];
}

/**
 * Checks every reading on its own (shape, types, ranges, clock skew) and
 * reports every problem with its index and field — nothing is short-circuited,
 * so a client can fix a whole batch in one round trip.
 */
export function validateReadings(items: readonly unknown[], now: number, lines?: readonly number[]): ValidationOutcome {
  const valid: ValidReading[] = [];
  const issues: IssueDetail[] = [];
  const latest = now + MAX_FUTURE_SKEW_MS;
  items.forEach((item, index) => {
    const line = lines?.[index];
    const parsed = ReadingInput.safeParse(item);
    if (!parsed.success) {
      issues.push(...toIssues(parsed.error, index, line));
      return;
    }
    const reading = parsed.data;
    if (reading.timestamp > latest) {
      const ahead = Math.round((reading.timestamp - now) / 1000);
      issues.push(issue(index, line, 'timestamp', `timestamp ${toIso(reading.timestamp)} is ${ahead} s in the future; at most ${MAX_FUTURE_SKEW_MS / 1000} s of clock skew is accepted`, 'future_timestamp'));
      return;
    }
    valid.push(line === undefined ? { index, reading } : { index, line, reading });
  });
  return { valid, issues };
}

/** Number of distinct readings (batch indexes) a list of issues is about. */
export function distinctReadings(issues: readonly IssueDetail[]): number {
  return new Set(issues.map((i) => i.index)).size;
}

export function issue(index: number, line: number | undefined, field: string, message: string, code?: string): IssueDetail {
  const out: IssueDetail = { path: `readings.${index}.${field}`, index, field, message };
  if (line !== undefined) out.line = line;
  if (code !== undefined) out.code = code;
  return out;
}

function toIssues(error: z.ZodError, index: number, line: number | undefined): IssueDetail[] {
  return error.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => issue(index, line, k, `unknown field '${k}' (fields: sensor_id, timestamp, value, sensor_type, unit, quality, asset_id, metadata)`, 'unknown_field'));
    }
    const field = i.path.length > 0 ? i.path.map(String).join('.') : 'reading';
    return [issue(index, line, field, i.message, i.code)];
  });
}

import { CONTROL_CHARS_RE, MAX_UNIT_LENGTH, SENSOR_ID_RE, SENSOR_TYPE_RE } from '../../../../contract/common';
import { MAX_FUTURE_SKEW_MS, READING_FIELDS, ReadingInput } from '../../../../contract/readings';
import { parseTimestamp } from '../../../../contract/timestamp';
import type { IssueDetail } from '../../platform/errors';
import { futureTimestampIssue, zodReadingIssues } from './issues';

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

const FIELDS = new Set<string>(READING_FIELDS);

/**
 * The common case, checked by hand: a plain object whose fields are already
 * in their final form. Ingest is a hot path and the contract's zod schema
 * costs several times more per reading; anything this does not accept as is
 * (a problem, a value zod would trim or lower-case, metadata) goes to zod,
 * which stays the definition of what is valid. A property test holds the
 * two to the same answers.
 */
export function fastReading(item: unknown): ReadingInput | null {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return null;
  const r = item as Record<string, unknown>;
  for (const k in r) if (!FIELDS.has(k) || k === 'metadata') return null;
  const { sensor_id, timestamp, value, sensor_type, unit, quality, asset_id } = r;
  if (typeof sensor_id !== 'string' || !SENSOR_ID_RE.test(sensor_id)) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  let ts: number;
  if (typeof timestamp === 'number' && Number.isInteger(timestamp)) {
    const p = parseTimestamp(timestamp);
    if (!p.ok) return null;
    ts = p.ms;
  } else if (typeof timestamp === 'string') {
    const p = parseTimestamp(timestamp);
    if (!p.ok) return null;
    ts = p.ms;
  } else return null;
  const out: ReadingInput = { sensor_id, timestamp: ts, value };
  if (sensor_type !== undefined) {
    if (typeof sensor_type !== 'string' || !SENSOR_TYPE_RE.test(sensor_type)) return null;
    out.sensor_type = sensor_type;
  }
  if (unit !== undefined) {
    if (typeof unit !== 'string' || unit.length < 1 || unit.length > MAX_UNIT_LENGTH || unit !== unit.trim() || CONTROL_CHARS_RE.test(unit)) return null;
    out.unit = unit;
  }
  if (quality !== undefined) {
    if (typeof quality !== 'number' || !(quality >= 0 && quality <= 1)) return null;
    out.quality = quality;
  }
  if (asset_id !== undefined) {
    if (typeof asset_id !== 'string' || !SENSOR_ID_RE.test(asset_id)) return null;
    out.asset_id = asset_id;
  }
  return out;
}

/** One reading through the fast path, else the contract's schema. */
export function parseReading(item: unknown): { ok: true; reading: ReadingInput } | { ok: false; error: import('zod').ZodError } {
  const fast = fastReading(item);
  if (fast) return { ok: true, reading: fast };
  const parsed = ReadingInput.safeParse(item);
  return parsed.success ? { ok: true, reading: parsed.data } : { ok: false, error: parsed.error };
}

/**
 * Checks every reading on its own (shape, types, ranges, clock skew) and
 * reports every problem with its index and field — nothing is
 * short-circuited, so a client can fix a whole batch in one round trip.
 */
export function validateReadings(items: readonly unknown[], now: number, lines?: readonly number[]): ValidationOutcome {
  const valid: ValidReading[] = [];
  const issues: IssueDetail[] = [];
  const latest = now + MAX_FUTURE_SKEW_MS;
  for (let index = 0; index < items.length; index++) {
    const line = lines?.[index];
    const parsed = parseReading(items[index]);
    if (!parsed.ok) {
      issues.push(...zodReadingIssues(parsed.error, index, line));
      continue;
    }
    const reading = parsed.reading;
    if (reading.timestamp > latest) {
      issues.push(futureTimestampIssue(index, line, reading.timestamp, now));
      continue;
    }
    valid.push(line === undefined ? { index, reading } : { index, line, reading });
  }
  return { valid, issues };
}

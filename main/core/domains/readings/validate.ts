import { CONTROL_CHARS_RE, MAX_UNIT_LENGTH, SENSOR_ID_RE, SENSOR_TYPE_RE } from '../../../../contract/common';
import { MAX_FUTURE_SKEW_MS, READING_FIELDS, ReadingInput } from '../../../../contract/readings';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, parseTimestamp } from '../../../../contract/timestamp';
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
  let fields = 0;
  for (const k in r) {
    if (!FIELDS.has(k) || k === 'metadata') return null;
    fields++;
  }
  const { sensor_id, timestamp, value, sensor_type, unit, quality, asset_id } = r;
  if (typeof sensor_id !== 'string' || !SENSOR_ID_RE.test(sensor_id)) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (sensor_type !== undefined && (typeof sensor_type !== 'string' || !SENSOR_TYPE_RE.test(sensor_type))) return null;
  if (unit !== undefined && (typeof unit !== 'string' || unit.length < 1 || unit.length > MAX_UNIT_LENGTH || unit !== unit.trim() || CONTROL_CHARS_RE.test(unit))) return null;
  if (quality !== undefined && (typeof quality !== 'number' || !(quality >= 0 && quality <= 1))) return null;
  if (asset_id !== undefined && (typeof asset_id !== 'string' || !SENSOR_ID_RE.test(asset_id))) return null;
  if (typeof timestamp === 'number') {
    if (!Number.isInteger(timestamp) || timestamp < MIN_TIMESTAMP_MS || timestamp > MAX_TIMESTAMP_MS) return null;
    // Exactly the fields of a reading, every one in its final form and none set to undefined:
    // the parsed body itself is the reading, with nothing copied.
    let present = 3;
    if (sensor_type !== undefined) present++;
    if (unit !== undefined) present++;
    if (quality !== undefined) present++;
    if (asset_id !== undefined) present++;
    if (present === fields) return r as unknown as ReadingInput;
    return copyOf(sensor_id, timestamp, value, r);
  }
  if (typeof timestamp !== 'string') return null;
  const p = parseTimestamp(timestamp);
  return p.ok ? copyOf(sensor_id, p.ms, value, r) : null;
}

function copyOf(sensor_id: string, timestamp: number, value: number, r: Record<string, unknown>): ReadingInput {
  const out: ReadingInput = { sensor_id, timestamp, value };
  if (r.sensor_type !== undefined) out.sensor_type = r.sensor_type as string;
  if (r.unit !== undefined) out.unit = r.unit as string;
  if (r.quality !== undefined) out.quality = r.quality as number;
  if (r.asset_id !== undefined) out.asset_id = r.asset_id as string;
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
    let reading = fastReading(items[index]);
    if (!reading) {
      const parsed = ReadingInput.safeParse(items[index]);
      if (!parsed.success) {
        issues.push(...zodReadingIssues(parsed.error, index, line));
        continue;
      }
      reading = parsed.data;
    }
    if (reading.timestamp > latest) {
      issues.push(futureTimestampIssue(index, line, reading.timestamp, now));
      continue;
    }
    valid.push(line === undefined ? { index, reading } : { index, line, reading });
  }
  return { valid, issues };
}

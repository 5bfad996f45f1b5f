import type { z } from 'zod';
import { MAX_FUTURE_SKEW_MS, READING_FIELDS } from '../../../../contract/readings';
import { toIso } from '../../../../contract/timestamp';
import type { IssueDetail } from '../../platform/errors';

// What is wrong with a reading, said twice: `message` for the operator (what
// to check or change), `detail` for the integrator (the precise rule), with
// a stable `code` and `params` so the console can say it in the operator's
// language.

type Params = NonNullable<IssueDetail['params']>;

export function issue(index: number, line: number | undefined, field: string, code: string, message: string, detail?: string, params?: Params): IssueDetail {
  const out: IssueDetail = { path: `readings.${index}.${field}`, index, field, code, message };
  if (detail !== undefined && detail !== message) out.detail = detail;
  if (params !== undefined) out.params = params;
  if (line !== undefined) out.line = line;
  return out;
}

const LABEL: Record<string, string> = {
  sensor_id: 'Sensor ID',
  timestamp: 'Time',
  value: 'Value',
  sensor_type: 'Sensor type',
  unit: 'Unit',
  quality: 'Quality',
  asset_id: 'Asset ID',
  metadata: 'Metadata',
};

/** The operator's sentence for a field, from what zod found wrong with it. */
function sentence(field: string, missing: boolean, detail: string): { code: string; message: string } {
  const label = LABEL[field] ?? field;
  if (missing) return { code: 'required', message: `${label} is missing.` };
  switch (field) {
    case 'sensor_id':
    case 'asset_id':
      return { code: 'invalid_id', message: `${label} may only use letters, digits and . _ : - (up to 128 characters), starting with a letter or digit.` };
    case 'sensor_type':
      return { code: 'invalid_sensor_type', message: 'Sensor type may only use letters, digits and _ . - (up to 64 characters), e.g. temperature.' };
    case 'timestamp':
      return { code: 'invalid_timestamp', message: 'Time is not a date and time with a UTC offset (e.g. 2024-05-01T12:00:00Z) or epoch milliseconds.' };
    case 'value':
      return { code: 'not_a_number', message: 'Value must be a number.' };
    case 'quality':
      return { code: 'out_of_range', message: 'Quality must be a number from 0 to 1.' };
    case 'unit':
      return { code: 'invalid_unit', message: 'Unit must be 1 to 32 characters, without control characters.' };
    case 'metadata':
      return { code: 'invalid_metadata', message: /bytes/.test(detail) ? 'Metadata is too large (at most 2 KB).' : 'Metadata must be an object of named values.' };
    default:
      return { code: 'invalid', message: `${label} is not valid.` };
  }
}

export function zodReadingIssues(error: z.ZodError, index: number, line: number | undefined): IssueDetail[] {
  return error.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) =>
        issue(index, line, k, 'unknown_field', `“${k}” is not a field of a reading.`, `unknown field '${k}' (fields: ${READING_FIELDS.join(', ')})`, { field: k }),
      );
    }
    if (i.path.length === 0) return [issue(index, line, 'reading', 'not_an_object', 'Each reading must be an object with a sensor ID, a time and a value.', i.message)];
    const field = i.path.map(String).join('.');
    // The contract's messages say "… is required" exactly when a field is absent.
    const missing = /is required$/.test(i.message);
    const { code, message } = sentence(String(i.path[0]), missing, i.message);
    return [issue(index, line, field, code, message, i.message)];
  });
}

export function futureTimestampIssue(index: number, line: number | undefined, ts: number, now: number): IssueDetail {
  const ahead = Math.round((ts - now) / 1000);
  const days = ahead / 86_400;
  const howFar = days >= 2 ? `${Math.round(days)} days` : ahead >= 7200 ? `${Math.round(ahead / 3600)} hours` : `${Math.round(ahead / 60)} minutes`;
  return issue(
    index,
    line,
    'timestamp',
    'future_timestamp',
    `The time is ${howFar} in the future. Check the clock of the device that sent it.`,
    `timestamp ${toIso(ts)} is ${ahead} s in the future; at most ${MAX_FUTURE_SKEW_MS / 1000} s of clock skew is accepted`,
    { seconds_ahead: ahead, max_skew_s: MAX_FUTURE_SKEW_MS / 1000 },
  );
}

export function sensorMismatchIssue(index: number, line: number | undefined, field: 'sensor_type' | 'unit' | 'asset_id', sensorId: string, sent: string, known: string): IssueDetail {
  const what = field === 'sensor_type' ? 'type' : field === 'unit' ? 'unit' : 'asset';
  return issue(
    index,
    line,
    field,
    'sensor_mismatch',
    `Sensor ${sensorId} is registered with ${what} “${known}”, not “${sent}”. Fix the reading, or change the sensor in the Data Explorer.`,
    `${field} '${sent}' contradicts sensor '${sensorId}', registered with ${what} '${known}'`,
    { sensor_id: sensorId, field, sent, registered: known },
  );
}

/** Number of distinct readings (batch indexes) a list of issues is about. */
export function distinctReadings(issues: readonly IssueDetail[]): number {
  return new Set(issues.map((i) => i.index)).size;
}

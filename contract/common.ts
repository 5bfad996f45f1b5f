import { z } from 'zod';
import { SCOPES } from './operation';
import { parseTimestamp, describe } from './timestamp';

export { ErrorBody, IssueWire, type IssueDetail } from './errors';

export const Scope = z.enum(SCOPES);

export const SENSOR_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const SensorId = z
  .string({ error: (i) => (i.input === undefined ? 'sensor_id is required' : `sensor_id must be a string, got ${describe(i.input)}`) })
  .regex(SENSOR_ID_RE, { message: 'sensor_id must be 1-128 letters, digits or . _ : - and start with a letter or digit' });

export const AssetId = z
  .string({ error: (i) => `asset_id must be a string, got ${describe(i.input)}` })
  .regex(SENSOR_ID_RE, { message: 'asset_id must be 1-128 letters, digits or . _ : - and start with a letter or digit' });

export const SENSOR_TYPE_RE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const SensorType = z
  .string({ error: (i) => `sensor_type must be a string, got ${describe(i.input)}` })
  .trim()
  .toLowerCase()
  .regex(SENSOR_TYPE_RE, { message: 'sensor_type must be 1-64 letters, digits or _ . - (e.g. temperature)' });

export const MAX_UNIT_LENGTH = 32;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
export const CONTROL_CHARS_RE = /[\u0000-\u001f\u007f]/;
export const Unit = z
  .string({ error: (i) => `unit must be a string, got ${describe(i.input)}` })
  .trim()
  .min(1, { message: 'unit must not be empty' })
  .max(MAX_UNIT_LENGTH, { message: `unit must be at most ${MAX_UNIT_LENGTH} characters` })
  .refine((u) => !CONTROL_CHARS_RE.test(u), { message: 'unit must not contain control characters' });

/** Timestamp input: ISO-8601 with offset, or integer epoch milliseconds. Output: epoch ms. */
export const TimestampInput = z.unknown().transform((raw, ctx) => {
  if (raw === undefined) {
    ctx.addIssue({ code: 'custom', message: 'timestamp is required' });
    return z.NEVER;
  }
  const parsed = parseTimestamp(raw);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  }
  return parsed.ms;
}).meta({ description: 'ISO-8601 with a UTC offset (2024-05-01T12:00:00Z) or integer epoch milliseconds' });

/** Every time in a response: ISO-8601 in UTC with milliseconds (2024-05-01T10:00:00.000Z). */
export const IsoTime = z.string().meta({ description: 'ISO-8601 UTC timestamp', format: 'date-time' });

/** Query-string helpers: query values arrive as strings. */
export const QueryBool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])], { error: 'expected true or false' })
  .transform((v) => v === true || v === 'true' || v === '1');

export const queryInt = (min: number, max: number) =>
  z
    .union([z.number(), z.string().regex(/^\d+$/, { message: `expected an integer from ${min} to ${max}` }).transform(Number)], {
      error: `expected an integer from ${min} to ${max}`,
    })
    .pipe(z.number().int().min(min, { message: `must be at least ${min}` }).max(max, { message: `must be at most ${max}` }));

/** One id, or several as repeated parameters or a comma-separated list. */
export const idList = (item: z.ZodType<string, string>) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(item).max(1000, { message: 'at most 1000 ids' }));

/** A list of names as one comma-separated query value or repeated parameters. */
export const nameList = (item: z.ZodType<string, string>, max = 100) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(item).max(max, { message: `at most ${max} names` }));

/** A client-chosen identifier of something it creates (an import, a retry): letters, digits and . _ : -, 1-100. */
export const ClientId = z
  .string({ error: 'expected a string' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, { message: 'must be 1-100 letters, digits or . _ : - and start with a letter or digit' });

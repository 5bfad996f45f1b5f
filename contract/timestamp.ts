// Time is stored as UTC epoch milliseconds. Inputs are ISO-8601 with an
// explicit offset or integer epoch milliseconds: a timestamp without an offset
// is ambiguous (whose local time?) and is refused rather than guessed.

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Earliest accepted instant. Anything earlier is almost always epoch seconds sent as milliseconds. */
export const MIN_TIMESTAMP_MS = Date.UTC(1990, 0, 1);
export const MAX_TIMESTAMP_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export type TimestampResult = { ok: true; ms: number } | { ok: false; message: string };

export interface ParseTimestampOptions {
  /** Offset applied to timestamps that carry none, in minutes east of UTC (e.g. 0 for UTC). */
  assumeOffsetMinutes?: number;
}

export function parseTimestamp(input: unknown, opts: ParseTimestampOptions = {}): TimestampResult {
  if (typeof input === 'number') return fromEpochMs(input);
  if (typeof input !== 'string') {
    return { ok: false, message: `expected an ISO-8601 string with offset or epoch milliseconds, got ${describe(input)}` };
  }
  const text = input.trim();
  if (/^-?\d+$/.test(text)) return fromEpochMs(Number(text));
  const m = ISO_RE.exec(text);
  if (!m) return { ok: false, message: `'${clip(text)}' is not an ISO-8601 timestamp (e.g. 2024-05-01T12:00:00Z)` };
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let offsetMin: number;
  if (zone === undefined) {
    if (opts.assumeOffsetMinutes === undefined) {
      return { ok: false, message: `'${clip(text)}' has no UTC offset; add 'Z' or '+HH:MM'` };
    }
    offsetMin = opts.assumeOffsetMinutes;
  } else {
    const parsed = parseOffset(zone);
    if (parsed === null) return { ok: false, message: `'${zone}' is not a valid UTC offset` };
    offsetMin = parsed;
  }
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = s === undefined ? 0 : Number(s);
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day ||
    check.getUTCHours() !== hour || check.getUTCMinutes() !== minute || check.getUTCSeconds() !== second
  ) {
    return { ok: false, message: `'${clip(text)}' is not a real calendar date and time` };
  }
  return fromEpochMs(local - offsetMin * 60_000);
}

/** Parses `Z`, `+HH`, `+HHMM` or `+HH:MM` into minutes east of UTC. */
export function parseOffset(zone: string): number | null {
  if (zone === 'Z' || zone === 'z' || zone.toUpperCase() === 'UTC') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = m[3] === undefined ? 0 : Number(m[3]);
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function fromEpochMs(value: number): TimestampResult {
  if (!Number.isFinite(value)) return { ok: false, message: 'epoch milliseconds must be a finite number' };
  if (!Number.isInteger(value)) return { ok: false, message: `epoch milliseconds must be an integer, got ${value}` };
  if (value < MIN_TIMESTAMP_MS) {
    return { ok: false, message: `${value} is before 1990-01-01; epoch timestamps are milliseconds, not seconds` };
  }
  if (value > MAX_TIMESTAMP_MS) return { ok: false, message: `${value} is beyond year 9999` };
  return { ok: true, ms: value };
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return `string '${clip(value)}'`;
  if (typeof value === 'number') return `number ${value}`;
  return typeof value;
}

import { describe, expect, it } from 'vitest';
import { parseOffset, parseTimestamp, toIso } from '../../contract/timestamp';

const ok = (input: unknown, opts?: Parameters<typeof parseTimestamp>[1]) => {
  const r = parseTimestamp(input, opts);
  if (!r.ok) throw new Error(r.message);
  return r.ms;
};
const err = (input: unknown) => {
  const r = parseTimestamp(input);
  if (r.ok) throw new Error(`accepted ${String(input)}`);
  return r.message;
};

describe('parseTimestamp', () => {
  it('reads ISO-8601 with Z and with offsets', () => {
    expect(ok('2024-05-01T12:00:00Z')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(ok('2024-05-01T14:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(ok('2024-05-01T09:30:00-0230')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(ok('2024-05-01 12:00Z')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(ok('2024-05-01T12:00:00.123456Z')).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 123));
  });

  it('reads integer epoch milliseconds, as numbers or digit strings', () => {
    expect(ok(1714564800000)).toBe(1714564800000);
    expect(ok('1714564800000')).toBe(1714564800000);
  });

  it('refuses a timestamp without an offset unless one is assumed', () => {
    expect(err('2024-05-01T12:00:00')).toMatch(/no UTC offset/);
    expect(ok('2024-05-01 12:00:00', { assumeOffsetMinutes: 0 })).toBe(Date.UTC(2024, 4, 1, 12));
    expect(ok('2024-05-01 12:00:00', { assumeOffsetMinutes: 120 })).toBe(Date.UTC(2024, 4, 1, 10));
  });

  it('explains what is wrong', () => {
    expect(err('2024-02-30T00:00:00Z')).toMatch(/not a real calendar date/);
    expect(err('2024-05-01T25:00:00Z')).toMatch(/not a real calendar date/);
    expect(err('yesterday')).toMatch(/not an ISO-8601 timestamp/);
    expect(err(1714564800)).toMatch(/milliseconds, not seconds/);
    expect(err(1714564800000.5)).toMatch(/must be an integer/);
    expect(err(Number.NaN)).toMatch(/finite/);
    expect(err(true)).toMatch(/got boolean/);
    expect(err(null)).toMatch(/got null/);
    expect(err('2024-05-01T12:00:00+15:00')).toMatch(/not a valid UTC offset/);
  });

  it('formats as ISO UTC', () => {
    expect(toIso(Date.UTC(2024, 4, 1, 12))).toBe('2024-05-01T12:00:00.000Z');
  });

  it('parses offsets', () => {
    expect(parseOffset('Z')).toBe(0);
    expect(parseOffset('UTC')).toBe(0);
    expect(parseOffset('+05:30')).toBe(330);
    expect(parseOffset('-03')).toBe(-180);
    expect(parseOffset('+1:00')).toBeNull();
  });
});

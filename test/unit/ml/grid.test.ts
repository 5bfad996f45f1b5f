import { describe, expect, it } from 'vitest';
import { alignSeries, formatDuration, MAX_GRID_CELLS, regularSeries, toGrid, type RawSeries } from '../../../main/core/ml/data/grid';
import { MlInputError } from '../../../main/core/ml/ml-errors';

// The regular grid models see: stored values come back as stored, and no
// request can make it large. Every size is checked before anything is
// allocated, so a refused request costs neither memory nor time.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 4, 1);

function raw(sensor: string, points: [number, number][]): RawSeries {
  return { sensor, ts: Float64Array.from(points, (p) => p[0]), values: Float64Array.from(points, (p) => p[1]) };
}

/** `n` readings `step` ms apart ending at `end`, after one reading `before` ms earlier than the first. */
function attack(sensor: string, n: number, step: number, before: number, end = T0): RawSeries {
  const points: [number, number][] = [[end - (n - 1) * step - before, 20]];
  for (let i = n - 1; i >= 0; i--) points.push([end - i * step, 20 + (i % 7)]);
  return raw(sensor, points);
}

/** Runs `f`, which must throw an MlInputError, and says how much memory and time it took. */
// "At once" is shown by what was allocated (a grid of 100 M cells would be 800 MB), not by a clock:
// timed assertions fail on a busy shared machine.
function refused(f: () => unknown): { error: MlInputError; bytes: number } {
  const before = process.memoryUsage().arrayBuffers;
  try {
    f();
  } catch (err) {
    if (!(err instanceof MlInputError)) throw err;
    return { error: err, bytes: process.memoryUsage().arrayBuffers - before };
  }
  throw new Error('expected an MlInputError');
}

describe('grid values', () => {
  it('are the stored readings, exactly, when each cell holds one', () => {
    const stored = [61.57, 61.6, 0.1, 1234.5678, -3.3, 61.57];
    const s = regularSeries(raw('t', stored.map((v, i) => [T0 + i * MINUTE, v])));
    expect(s.stepMs).toBe(MINUTE);
    expect(Array.from(s.values)).toEqual(stored);
    expect(s.values).toBeInstanceOf(Float64Array);
  });

  it('hold the mean of several readings as a 15-digit decimal, carry gaps forward, and end on the latest reading', () => {
    const s = raw('t', [[T0, 61.5], [T0 + 10_000, 61.54], [T0 + MINUTE, 70], [T0 + 2 * MINUTE, 71], [T0 + 5 * MINUTE, 72], [T0 + 6 * MINUTE, 73.1], [T0 + 6 * MINUTE + 30_000, 73.25]]);
    const g = regularSeries(s);
    expect(g.stepMs).toBe(MINUTE);
    // (61.5 + 61.54) / 2 is 61.519999999999996 in float64; three cells carry 71 forward; the last cell is the last reading.
    expect(Array.from(g.values)).toEqual([61.52, 70, 71, 71, 71, 72, 73.25]);
    expect(Array.from(toGrid(s, T0, T0 + 6 * MINUTE + 30_000, MINUTE))).toEqual([61.52, 70, 71, 71, 71, 72, 73.175]);
    const a = alignSeries([s, raw('u', [[T0, 1], [T0 + 3 * MINUTE, 2], [T0 + 6 * MINUTE, 3], [T0 + 9 * MINUTE, 4]])]);
    expect(a.stepMs).toBe(3 * MINUTE); // the slower sensor's median interval
    expect(a.sensors).toEqual(['t', 'u']);
    expect(Array.from(a.values)).toEqual([Number(((61.5 + 61.54 + 70 + 71) / 4).toPrecision(15)), 1, 72, 2, 73.175, 3]);
  });
});

describe('grid size', () => {
  it('refuses 4,999 readings 1 ms apart after one 28 h earlier, at once and without allocating', () => {
    const s = attack('press-4.vibration', 4999, 1, 28 * HOUR);
    const r = refused(() => regularSeries(s));
    expect(r.error.message).toBe(
      "sensor press-4.vibration's readings span 28 h at a 1 ms step: 100,804,999 cells, more than the 4,000,000 a model input may hold; choose a shorter range",
    );
    expect(r.error.details).toEqual([{ path: 'sensor_id', field: 'sensor_id', message: r.error.message }]);
    expect(r.bytes).toBeLessThan(1_000_000);
  });

  it('refuses the same shape on an asset, naming the asset or the range', () => {
    const s = attack('press-4.vibration', 4999, 1, 28 * HOUR);
    const other = attack('press-4.temp', 4999, 1, 28 * HOUR);
    const r = refused(() => alignSeries([s, other]));
    expect(r.error.message).toMatch(/^the asset's sensors' common readings span 28 h at a 1 ms step: 2 sensors x 100,804,999 cells, more than the 4,000,000/);
    expect(r.error.details).toMatchObject([{ path: 'asset_id', field: 'asset_id' }]);
    expect(r.bytes).toBeLessThan(1_000_000);
    const ranged = refused(() => alignSeries([s], undefined, 'from'));
    expect(ranged.error.message).toMatch(/choose a shorter range \(from\/to\)$/);
    expect(ranged.error.details).toMatchObject([{ path: 'from', field: 'from' }]);
  });

  it('refuses a 100-day gap in readings a millisecond apart with an MlInputError, never a RangeError', () => {
    // Previously: 8.64e9 float32 cells, a RangeError and an HTTP 500.
    const points: [number, number][] = [];
    for (let i = 0; i < 2500; i++) points.push([T0 + i, 1 + i / 1000]);
    for (let i = 0; i < 2500; i++) points.push([T0 + 100 * DAY + i, 2 + i / 1000]);
    const r = refused(() => regularSeries(raw('gauge', points)));
    expect(r.error.message).toMatch(/^sensor gauge's readings span 100 days at a 1 ms step: 8,640,002,500 cells/);
    expect(() => toGrid(raw('gauge', points), T0, T0 + 100 * DAY, 1)).toThrow(MlInputError);
  });

  it('accepts a 100-day gap at a minute step: 144,000 cells carried forward', () => {
    const points: [number, number][] = [];
    for (let i = 0; i < 100; i++) points.push([T0 + i * MINUTE, i]);
    for (let i = 0; i < 100; i++) points.push([T0 + 100 * DAY + i * MINUTE, 1000 + i]);
    const g = regularSeries(raw('gauge', points));
    expect(g.values).toHaveLength(100 * 24 * 60 + 100);
    expect(g.values[100 + 50_000]).toBe(99);
    expect(g.values[g.values.length - 1]).toBe(1099);
  });

  it('allows exactly the cap and not one cell more', () => {
    const s = raw('fast', [[0, 1], [1, 2], [MAX_GRID_CELLS - 1, 3]]);
    expect(toGrid(s, 0, MAX_GRID_CELLS - 1, 1)).toHaveLength(MAX_GRID_CELLS);
    expect(() => toGrid(s, 0, MAX_GRID_CELLS, 1)).toThrow(/4,000,001 cells, more than the 4,000,000/);
    expect(() => alignSeries([s, s], 1)).toThrow(/2 sensors x 4,000,000 cells/);
  });

  it('says how long things are as an operator would', () => {
    expect([1, 999, 1000, 90_000, 28 * HOUR, DAY, 2 * DAY, 100 * DAY, 0.5].map(formatDuration)).toEqual(['1 ms', '999 ms', '1 s', '1.5 min', '28 h', '24 h', '2 days', '100 days', '0.5 ms']);
  });
});

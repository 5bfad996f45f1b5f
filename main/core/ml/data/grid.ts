import { MlInputError, tooFewRows } from '../ml-errors';
import { doubleDecimal } from '../runtime/decimals';

// Readings on a regular grid, as models see them. Sensors are sampled
// irregularly and not in step with each other: the step is the sensor's
// median interval (the slowest sensor's, for an asset), each cell holds the
// mean of its readings, and an empty cell carries the previous value forward
// (a gap is not a zero).
//
// Cells are float64: a cell with one reading holds that reading exactly as
// stored, so a chart of the grid shows the stored values. A cell with
// several holds their mean rounded to 15 significant digits (decimals.ts).
// Models convert to float32 themselves.
//
// Every grid is bounded (MAX_GRID_CELLS) and checked before anything is
// allocated: its size is span ÷ step, and a few readings a millisecond
// apart next to one a day earlier would otherwise ask for 10^8 cells.

export interface RawSeries { sensor: string; ts: Float64Array; values: Float64Array }

/**
 * Most grid cells one request may build, over all its sensors. A model reads
 * at most MAX_READINGS_PER_SENSOR (2,000,000) readings of a sensor, one cell
 * each when sampling is regular; twice that leaves room for gaps carried
 * forward and for an asset of several sensors (four sensors at one reading a
 * minute for a year is 2.1 million cells). Building, aligning and scoring a
 * grid takes about 40 bytes per cell at its peak (sums, counts, the float64
 * grid, the aligned matrix, its float32 copy for the model), so the cap keeps
 * one request under ~160 MB and a few seconds.
 */
export const MAX_GRID_CELLS = 4_000_000;

/** Which request field a too-large grid is blamed on. */
export type GridField = 'from' | 'to' | 'sensor_id' | 'asset_id';

/** Median interval between consecutive readings (ms); 0 when fewer than two. */
export function medianStep(ts: Float64Array): number {
  if (ts.length < 2) return 0;
  const n = Math.min(ts.length - 1, 10_000);
  const offset = ts.length - 1 - n; // the most recent intervals describe the current sampling
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = ts[offset + i + 1]! - ts[offset + i]!;
  d.sort();
  return d[Math.floor(n / 2)]!;
}

/** A duration as an operator reads it, to 3 digits: "1 ms", "40 s", "28 h", "100 days" (days from two days up). */
export function formatDuration(ms: number): string {
  const units: [number, number, string][] = [[2 * 86_400_000, 86_400_000, 'days'], [3_600_000, 3_600_000, 'h'], [60_000, 60_000, 'min'], [1000, 1000, 's']];
  for (const [from, size, name] of units) if (ms >= from) return `${Number((ms / size).toPrecision(3))} ${name}`;
  return `${Number(ms.toPrecision(3))} ms`;
}

/** Cells of a grid of `step` ms from `start` through `end`. */
export function gridCells(start: number, end: number, step: number): number {
  return Math.floor((end - start) / step) + 1;
}

/** Refuses a grid of `cells` cells per sensor before it is built. */
function checkCells(what: string, start: number, end: number, step: number, sensors: number, field: GridField): number {
  const cells = gridCells(start, end, step);
  const total = cells * sensors;
  if (total > MAX_GRID_CELLS) {
    const per = sensors > 1 ? `${sensors} sensors x ${cells.toLocaleString('en-US')} cells` : `${cells.toLocaleString('en-US')} cells`;
    const fix = field === 'from' || field === 'to' ? 'choose a shorter range (from/to)' : 'choose a shorter range';
    throw new MlInputError(
      `${what} span ${formatDuration(end - start)} at a ${formatDuration(step)} step: ${per}, more than the ${MAX_GRID_CELLS.toLocaleString('en-US')} a model input may hold; ${fix}`,
      { path: field, field },
    );
  }
  return cells;
}

/**
 * Grid cells of `step` ms from `start` through `end`, each the mean of its
 * readings, gaps carried forward (cells before the first reading hold the
 * last reading before `start`, or NaN).
 */
export function toGrid(s: RawSeries, start: number, end: number, step: number, field: GridField = 'sensor_id'): Float64Array {
  const cells = checkCells(`sensor ${s.sensor}'s readings`, start, end, step, 1, field);
  const sum = new Float64Array(cells);
  const count = new Uint32Array(cells);
  let lastBefore = NaN;
  for (let i = 0; i < s.ts.length; i++) {
    const t = s.ts[i]!;
    if (t < start) {
      lastBefore = s.values[i]!;
      continue;
    }
    const c = Math.floor((t - start) / step);
    if (c >= cells) break;
    sum[c]! += s.values[i]!;
    count[c]!++;
  }
  const out = sum; // each cell is read before it is written
  let prev = lastBefore;
  for (let c = 0; c < cells; c++) {
    const k = count[c]!;
    if (k === 1) prev = sum[c]!;
    else if (k > 1) prev = doubleDecimal(sum[c]! / k);
    out[c] = prev;
  }
  return out;
}

export interface RegularSeriesOut { values: Float64Array; stepMs: number; start: number }

/**
 * One sensor on its own regular grid. The last cell holds the latest
 * reading itself rather than the mean of its cell: every forecast starts
 * there, so "no change" continues exactly what the sensor last said, and a
 * threshold is compared with the reading an operator sees.
 */
export function regularSeries(s: RawSeries, stepMs?: number, field: GridField = 'sensor_id'): RegularSeriesOut {
  if (s.ts.length < 2) throw tooFewRows(`sensor ${s.sensor} has too few readings`, s.ts.length, 2, 'sensor_id');
  const step = Math.max(1, stepMs ?? medianStep(s.ts));
  const start = s.ts[0]!;
  const last = s.ts.length - 1;
  const values = toGrid(s, start, s.ts[last]!, step, field);
  values[values.length - 1] = s.values[last]!;
  return { values, stepMs: step, start };
}

export interface AlignedMatrix { sensors: string[]; timestamps: Float64Array; values: Float64Array; stepMs: number }

/**
 * Several sensors of one asset on a common grid over the span they all
 * cover. The step is the slowest sensor's median interval.
 */
export function alignSeries(list: RawSeries[], stepMs?: number, field: GridField = 'asset_id'): AlignedMatrix {
  const usable = list.filter((s) => s.ts.length >= 2);
  if (usable.length === 0) throw tooFewRows('the asset\'s sensors have too few readings', 0, 2, 'asset_id');
  const step = Math.max(1, stepMs ?? Math.max(...usable.map((s) => medianStep(s.ts))));
  const start = Math.max(...usable.map((s) => s.ts[0]!));
  const end = Math.min(...usable.map((s) => s.ts[s.ts.length - 1]!));
  if (end <= start) throw tooFewRows('the asset\'s sensors share no time span', 0, 2, 'asset_id');
  const k = usable.length;
  const rows = checkCells(k > 1 ? 'the asset\'s sensors\' common readings' : `sensor ${usable[0]!.sensor}'s readings`, start, end, step, k, field);
  const values = new Float64Array(rows * k);
  for (let j = 0; j < k; j++) {
    // One sensor's grid at a time: at most one extra grid column in memory.
    const grid = toGrid(usable[j]!, start, end, step, field);
    for (let r = 0; r < rows; r++) values[r * k + j] = grid[r]!;
  }
  const timestamps = new Float64Array(rows);
  for (let r = 0; r < rows; r++) timestamps[r] = start + r * step;
  return { sensors: usable.map((s) => s.sensor), timestamps, values, stepMs: step };
}

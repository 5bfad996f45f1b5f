import { seededRandom } from '../../main/core/ml/runtime/random';
import type { SeriesMatrix } from '../../main/core/ml/anomaly/types';

// A seeded pump for the detector's tests: four sensors driven by one hidden
// load (an AR(1) process with a time constant of ten rows, so the sensors
// move together as a real machine's do, and a few thousand training rows see
// the range it wanders over), each with its own gain and noise — flow, discharge pressure, motor
// current, and a bearing temperature that follows the load with a lag.
// Options add what a healthy machine does over months: a slow trend and a
// daily and weekly rhythm.

export const PUMP_SENSORS = ['flow', 'pressure', 'current', 'temperature'];

export interface PumpOptions {
  rows: number;
  seed: number;
  /** Milliseconds between rows (default one minute). */
  stepMs?: number;
  /** Added to every sensor per row, in units of that sensor's noise-free load response (default 0). */
  trendPerRow?: number;
  /** Amplitude of a daily and a weekly cycle in the load (default 0). */
  seasonal?: number;
}

function gaussian(rand: () => number): () => number {
  return () => {
    const u = Math.max(1e-12, rand());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
}

export function pump(o: PumpOptions): SeriesMatrix {
  const g = gaussian(seededRandom(o.seed));
  const step = o.stepMs ?? 60_000;
  const t0 = Date.UTC(2024, 0, 1);
  const values = new Float64Array(o.rows * 4);
  const timestamps = new Float64Array(o.rows);
  let load = 0;
  let lagged = 0;
  for (let i = 0; i < o.rows; i++) {
    const t = t0 + i * step;
    timestamps[i] = t;
    load = 0.9 * load + 0.44 * g();
    lagged = 0.9 * lagged + 0.1 * load;
    const day = (2 * Math.PI * (t % 86_400_000)) / 86_400_000;
    const week = (2 * Math.PI * (t % 604_800_000)) / 604_800_000;
    const season = (o.seasonal ?? 0) * (Math.sin(day) + 0.5 * Math.sin(week));
    const drift = (o.trendPerRow ?? 0) * i;
    const l = load + season + drift;
    values.set([50 + 5 * l + 0.5 * g(), 3 + 0.4 * l + 0.04 * g(), 12 + 1.2 * l + 0.12 * g(), 40 + 2 * (lagged + season + drift) + 0.5 * g()], i * 4);
  }
  return { sensors: [...PUMP_SENSORS], timestamps, values };
}

export function head(m: SeriesMatrix, rows: number): SeriesMatrix {
  const s = m.sensors.length;
  return { sensors: m.sensors, timestamps: m.timestamps.subarray(0, rows), values: m.values.subarray(0, rows * s) };
}

export interface InjectedFault {
  sensor: number;
  from: number;
  to: number;
  /** Added to the sensor's raw readings over rows [from, to). */
  offset: number;
}

/** A copy of the matrix with the faults added (real data with known anomalies in it). */
export function withFaults(m: SeriesMatrix, faults: readonly InjectedFault[]): SeriesMatrix {
  const values = Float64Array.from(m.values);
  const s = m.sensors.length;
  for (const f of faults) for (let i = f.from; i < f.to; i++) values[i * s + f.sensor] = values[i * s + f.sensor]! + f.offset;
  return { ...m, values };
}

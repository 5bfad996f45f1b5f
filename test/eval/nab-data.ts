import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNumericCsv } from '../../main/core/ml/data/numeric-csv';
import type { RowWindow } from './nab-scorer';

// The Numenta Anomaly Benchmark files shipped in assets/datasets/nab: each
// `timestamp,value`, with labelled windows in combined_windows.json keyed
// `realKnownCause/<file>`. Window limits are matched to rows by time: the
// first row at or after the start through the last row at or before the end
// (NAB's limits are row timestamps, so this is an exact match there).

/** The seven series of NAB's realKnownCause corpus. */
export const NAB_REAL_KNOWN_CAUSE = [
  'ambient_temperature_system_failure.csv',
  'cpu_utilization_asg_misconfiguration.csv',
  'ec2_request_latency_system_failure.csv',
  'machine_temperature_system_failure.csv',
  'nyc_taxi.csv',
  'rogue_agent_key_hold.csv',
  'rogue_agent_key_updown.csv',
] as const;

export interface NabFile {
  name: string;
  /** The timestamp column as written. */
  timestamps: string[];
  /** Milliseconds since the epoch, reading the timestamps as UTC. */
  times: Float64Array;
  values: Float64Array;
  windows: RowWindow[];
}

/** NAB time stamps ("2013-12-02 21:15:00", optionally with fractional seconds) as UTC milliseconds. */
export function nabTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not a NAB time stamp (YYYY-MM-DD HH:MM:SS)`);
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}

/** Row windows for [start, end] time limits; a window that matches no row is dropped. */
export function windowsToRows(times: Float64Array, limits: readonly (readonly [string, string])[]): RowWindow[] {
  const out: RowWindow[] = [];
  for (const [a, b] of limits) {
    const ta = nabTime(a);
    const tb = nabTime(b);
    let start = -1;
    for (let i = 0; i < times.length; i++) {
      if (times[i]! >= ta) {
        start = i;
        break;
      }
    }
    if (start < 0 || times[start]! > tb) continue;
    let end = start;
    while (end + 1 < times.length && times[end + 1]! <= tb) end++;
    out.push({ start, end });
  }
  return out;
}

export function loadNabWindows(dir: string): Record<string, [string, string][]> {
  return JSON.parse(readFileSync(join(dir, 'combined_windows.json'), 'utf8')) as Record<string, [string, string][]>;
}

/** One realKnownCause file with its labelled windows. */
export function loadNabFile(dir: string, name: string, windows = loadNabWindows(dir)): NabFile {
  const csv = readNumericCsv(readFileSync(join(dir, name), 'utf8'), { numeric: ['value'], text: ['timestamp'], sep: ',', source: name });
  const timestamps = csv.text.timestamp!;
  const times = Float64Array.from(timestamps, nabTime);
  const limits = windows[`realKnownCause/${name}`];
  if (!limits) throw new Error(`combined_windows.json has no windows for realKnownCause/${name}`);
  return { name, timestamps, times, values: csv.numeric.value!, windows: windowsToRows(times, limits) };
}

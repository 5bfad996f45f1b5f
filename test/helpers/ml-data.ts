import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunToFailureData } from '../../main/core/ml/rul/run-to-failure-csv';
import { ROOT, type TestStation } from './station';

// Real data for model tests, from the project's own copies under
// assets/datasets (provenance in assets/datasets/README.md).

export const DATASETS = join(ROOT, 'assets', 'datasets');
export const T0 = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;

/** AI4I 2020 process data, rows in file order: air/process temperature, speed, torque, failure flag. */
export function ai4iRows(limit = 10_000): { air: number; process: number; rpm: number; torque: number; failure: number }[] {
  const lines = readFileSync(join(DATASETS, 'ai4i', 'ai4i2020.csv'), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
  return lines.slice(1, limit + 1).map((l) => {
    const c = l.split(',');
    return { air: Number(c[3]), process: Number(c[4]), rpm: Number(c[5]), torque: Number(c[6]), failure: Number(c[8]) };
  });
}

export const AI4I_SENSORS = [
  { id: 'mill-air-temp', type: 'temperature', unit: 'K', pick: (r: ReturnType<typeof ai4iRows>[number]) => r.air },
  { id: 'mill-process-temp', type: 'temperature', unit: 'K', pick: (r: ReturnType<typeof ai4iRows>[number]) => r.process },
  { id: 'mill-speed', type: 'speed', unit: 'rpm', pick: (r: ReturnType<typeof ai4iRows>[number]) => r.rpm },
  { id: 'mill-torque', type: 'torque', unit: 'Nm', pick: (r: ReturnType<typeof ai4iRows>[number]) => r.torque },
] as const;

/**
 * Imports AI4I rows as one asset's four sensors, one row per minute from T0
 * (the data set is in production order but carries no time stamps).
 */
export async function importAi4iAsset(s: TestStation, assetId: string, rows: number): Promise<void> {
  const data = ai4iRows(rows);
  for (const sensor of AI4I_SENSORS) {
    const csv = ['sensor_id,timestamp,value', ...data.map((r, i) => `${sensor.id},${T0 + i * MINUTE},${sensor.pick(r)}`)].join('\n');
    const res = await s.request('POST', `/api/v1/data/import?asset_id=${assetId}&sensor_type=${sensor.type}&unit=${encodeURIComponent(sensor.unit)}`, {
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });
    if (res.status >= 300) throw new Error(`import of ${sensor.id} failed: ${res.status} ${res.text}`);
  }
}

/** C-MAPSS FD001 training units as CSV with a header: unit,cycle,setting1..3,s1..s21. */
export function cmapssCsv(units?: (u: number) => boolean): string {
  const header = ['unit', 'cycle', 'setting1', 'setting2', 'setting3', ...Array.from({ length: 21 }, (_, i) => `s${i + 1}`)].join(',');
  const lines = readFileSync(join(DATASETS, 'cmapss', 'train_FD001.txt'), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const rows = lines.map((l) => l.split(/\s+/)).filter((c) => !units || units(Number(c[0])));
  return [header, ...rows.map((c) => c.join(','))].join('\n');
}

/** The rows of run-to-failure data whose asset, read as a number, passes `keep` (C-MAPSS: engine numbers). */
export function rowsOfUnits(d: RunToFailureData, keep: (unit: number) => boolean): RunToFailureData {
  const f = d.featureCols.length;
  const rows = d.assets.flatMap((a, i) => (keep(Number(a)) ? [i] : []));
  const features = new Float32Array(rows.length * f);
  rows.forEach((r, i) => features.set(d.features.subarray(r * f, r * f + f), i * f));
  return { ...d, assets: rows.map((r) => d.assets[r]!), time: Float64Array.from(rows, (r) => d.time[r]!), features };
}

/** Polls a training job until it leaves queued/running. */
export async function waitForJob(s: TestStation, id: string, timeoutMs = 120_000): Promise<{ job: any; progressSeen: number[]; stepsSeen: string[] }> {
  const progressSeen: number[] = [];
  /** Each step the job reported, once per change. */
  const stepsSeen: string[] = [];
  const end = Date.now() + timeoutMs;
  for (;;) {
    const res = await s.request('GET', `/api/v1/ml/jobs/${id}`);
    if (res.status !== 200) throw new Error(`job poll failed: ${res.status} ${res.text}`);
    progressSeen.push(res.body.progress);
    if (res.body.step !== null && res.body.step !== stepsSeen.at(-1)) stepsSeen.push(res.body.step);
    if (res.body.state !== 'queued' && res.body.state !== 'running') return { job: res.body, progressSeen, stepsSeen };
    if (Date.now() > end) throw new Error(`job ${id} still ${res.body.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The shortest decimal that reads back as the float32 nearest `v`, by
 * definition: the first of 1, 2, … 9 significant digits that does. Model
 * outputs must be written this way (main/core/ml/runtime/decimals.ts).
 */
export function shortestFloat32Decimal(v: number): number {
  const f = Math.fround(v);
  if (f === 0 || !Number.isFinite(f)) return f;
  for (let p = 1; p <= 9; p++) {
    const d = Number(f.toPrecision(p));
    if (Math.fround(d) === f) return d;
  }
  throw new Error(`no decimal of at most 9 digits reads back as ${f}`);
}

/** How many of the values are not written as float32 decimals (0 when all are). */
export function notFloat32Decimals(values: Iterable<number>): number {
  let bad = 0;
  for (const v of values) if (v !== shortestFloat32Decimal(v)) bad++;
  return bad;
}

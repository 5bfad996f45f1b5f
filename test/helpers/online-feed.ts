import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { AI4I_SENSORS, T0, ai4iRows, importAi4iAsset, waitForJob } from './ml-data';
import { startStation, tempDir, type TestStation } from './station';
import type { StationOptions } from '../../main/core/app';

// Live readings for online scoring tests: an asset with a trained anomaly
// model (mill-1, AI4I), then batches of normal rows, a fault on the torque
// and normal rows again — an onset and a clear.

const MINUTE = 60_000;
const ROWS = 2_000;
const data = ai4iRows(ROWS + 240).slice(ROWS);

export type Plan = Array<[number, number, number?]>;

/** Normal rows, a fault on the torque, normal again: an onset and a clear. */
export const PLAN: Plan = [[0, 40], [40, 80], [80, 100, 400], [100, 130, 400], [130, 180], [180, 240]];

/** Live rows `from`..`to`, torque forced to `torque` when given (a fault). */
export function liveBatch(from: number, to: number, torque?: number) {
  const readings = [];
  for (let i = from; i < to; i++) {
    for (const sensor of AI4I_SENSORS) {
      const value = torque !== undefined && sensor.id === 'mill-torque' ? torque : sensor.pick(data[i]!);
      readings.push({ sensor_id: sensor.id, timestamp: T0 + (ROWS + i) * MINUTE, value });
    }
  }
  return readings;
}

/** Sends each batch of the plan (`times` times), waiting for the consumers after each unless `drain` is false. */
export async function feed(s: TestStation, part: Plan, times = 1, drain = true): Promise<void> {
  for (const [from, to, torque] of part) {
    for (let n = 0; n < times; n++) {
      const r = await s.request('POST', '/api/v1/data/ingest', { body: { readings: liveBatch(from, to, torque) } });
      expect(r.status, r.text).toBe(200);
      expect(n === 0 ? r.body.stored : r.body.duplicates).toBe((to - from) * AI4I_SENSORS.length);
    }
    if (drain) await s.station.backbone.dispatcher.drained();
  }
}

/** The asset's committed detector state and the anomaly events, as compared between stations. */
export async function outcome(s: TestStation) {
  const state = s.station.db.prepare("SELECT state FROM online_scoring_state WHERE asset_id = 'mill-1'").pluck().get() as string;
  const events = (await s.request('GET', '/api/v1/events?types=anomaly.onset,anomaly.cleared')).body.events as Array<{ type: string; payload: unknown }>;
  return { state: JSON.parse(state) as unknown, events: events.map((e) => ({ type: e.type, payload: e.payload })) };
}

/** A data directory with mill-1's history imported and an anomaly model trained on it; stations start from copies. */
export async function trainedMill(): Promise<string> {
  const dir = tempDir('smc-online-');
  const s = await startStation({}, { dir });
  await importAi4iAsset(s, 'mill-1', ROWS);
  const res = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'anomaly', asset_id: 'mill-1', window: 16, epochs: 4, seed: 7 } });
  expect(res.status, res.text).toBe(202);
  const { job } = await waitForJob(s, res.body.job.id);
  expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
  await s.station.backbone.dispatcher.drained();
  await s.stop();
  return dir;
}

/** A station on a copy of `trained`. */
export async function copyOf(trained: string, name: string, station: Partial<StationOptions> = {}): Promise<{ s: TestStation; dir: string }> {
  const dir = tempDir(`smc-online-${name}-`);
  for (const f of ['station.db', 'station.db-wal', 'station.db-shm']) {
    try {
      copyFileSync(join(trained, f), join(dir, f));
    } catch {
      // no WAL left after a clean stop
    }
  }
  return { s: await startStation({}, { dir, station }), dir };
}

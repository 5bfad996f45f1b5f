import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AI4I_SENSORS, T0, ai4iRows, importAi4iAsset, waitForJob } from '../helpers/ml-data';
import { startStation, tempDir, type TestStation } from '../helpers/station';

// Online scoring is a consumer of readings.stored: it reads what each batch
// stored, so a batch sent twice is scored once, and its window and alarm
// state are committed with its offset, so a restart resumes exactly where
// it stopped. Three stations start from one trained database and are fed
// the same live readings: once each, every batch twice, and with a restart
// half way. Their detector state and anomaly events must be identical.

const MINUTE = 60_000;
const ROWS = 2_000;
const data = ai4iRows(ROWS + 240).slice(ROWS);

/** Live rows `from`..`to`, torque forced to `torque` when given (a fault). */
function batch(from: number, to: number, torque?: number) {
  const readings = [];
  for (let i = from; i < to; i++) {
    for (const sensor of AI4I_SENSORS) {
      const value = torque !== undefined && sensor.id === 'mill-torque' ? torque : sensor.pick(data[i]!);
      readings.push({ sensor_id: sensor.id, timestamp: T0 + (ROWS + i) * MINUTE, value });
    }
  }
  return readings;
}

/** Normal rows, a fault on the torque, normal again: an onset and a clear. */
const PLAN: Array<[number, number, number?]> = [[0, 40], [40, 80], [80, 100, 400], [100, 130, 400], [130, 180], [180, 240]];

async function feed(s: TestStation, part: Array<[number, number, number?]>, times = 1): Promise<void> {
  for (const [from, to, torque] of part) {
    for (let n = 0; n < times; n++) {
      const r = await s.request('POST', '/api/v1/data/ingest', { body: { readings: batch(from, to, torque) } });
      expect(r.status, r.text).toBe(200);
      expect(n === 0 ? r.body.stored : r.body.duplicates).toBe((to - from) * AI4I_SENSORS.length);
    }
    await s.station.backbone.dispatcher.drained();
  }
}

async function outcome(s: TestStation) {
  const state = s.station.db.prepare("SELECT state FROM online_scoring_state WHERE asset_id = 'mill-1'").pluck().get() as string;
  const events = (await s.request('GET', '/api/v1/events?types=anomaly.onset,anomaly.cleared')).body.events as Array<{ type: string; payload: unknown }>;
  return { state: JSON.parse(state) as unknown, events: events.map((e) => ({ type: e.type, payload: e.payload })) };
}

describe('online scoring on the event backbone', () => {
  const trained = tempDir('smc-online-');
  const open: TestStation[] = [];
  const station = async (name: string, dir = tempDir(`smc-online-${name}-`)) => {
    for (const f of ['station.db', 'station.db-wal', 'station.db-shm']) {
      try {
        copyFileSync(join(trained, f), join(dir, f));
      } catch {
        // no WAL left after a clean stop
      }
    }
    const s = await startStation({}, { dir });
    open.push(s);
    return { s, dir };
  };

  beforeAll(async () => {
    const s = await startStation({}, { dir: trained });
    await importAi4iAsset(s, 'mill-1', ROWS);
    const res = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'anomaly', asset_id: 'mill-1', window: 16, epochs: 4, seed: 7 } });
    expect(res.status, res.text).toBe(202);
    const { job } = await waitForJob(s, res.body.job.id);
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    await s.station.backbone.dispatcher.drained();
    await s.stop();
  }, 180_000);
  afterAll(async () => {
    for (const s of open) await s.stop();
  });

  it('scores a batch sent twice exactly as one sent once, and resumes its window after a restart', async () => {
    const once = await station('once');
    await feed(once.s, PLAN);
    const reference = await outcome(once.s);
    expect(reference.events.map((e) => e.type)).toEqual(['anomaly.onset', 'anomaly.cleared']);
    expect((reference.events[0]!.payload as { contributions: Array<{ sensor_id: string }> }).contributions[0]!.sensor_id).toBe('mill-torque');

    const twice = await station('twice');
    await feed(twice.s, PLAN, 2);
    expect(await outcome(twice.s)).toEqual(reference);

    // Stopped in the middle of the fault, restarted on the same file: the alarm state and window carry on.
    const restarted = await station('restart');
    await feed(restarted.s, PLAN.slice(0, 3));
    await restarted.s.stop();
    const again = await startStation({}, { dir: restarted.dir });
    open.push(again);
    await feed(again, PLAN.slice(3));
    expect(await outcome(again)).toEqual(reference);
  }, 180_000);

  it('starts afresh when another model version comes to serve the asset', async () => {
    const { s } = await station('promote');
    await feed(s, PLAN.slice(0, 2));
    const before = s.station.db.prepare("SELECT model_id FROM online_scoring_state WHERE asset_id = 'mill-1'").pluck().get();
    const res = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'anomaly', asset_id: 'mill-1', window: 16, epochs: 2, seed: 9 } });
    await waitForJob(s, res.body.job.id);
    await s.request('POST', '/api/v1/ml/models/anomaly.mill-1/versions/2/promote', { body: { stage: 'production' } });
    await feed(s, PLAN.slice(2, 3));
    const after = s.station.db.prepare("SELECT model_id, state FROM online_scoring_state WHERE asset_id = 'mill-1'").get() as { model_id: string; state: string };
    expect(after.model_id).not.toBe(before);
    // A fresh window: only the rows since the change are in it.
    expect(JSON.parse(after.state).scorer.filled).toBe(16);
  }, 180_000);
});

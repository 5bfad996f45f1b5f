import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOf, feed, outcome, PLAN, trainedMill } from '../helpers/online-feed';
import { waitForJob } from '../helpers/ml-data';
import { startStation, type TestStation } from '../helpers/station';

// Online scoring is a consumer of readings.stored: it reads what each batch
// stored, so a batch sent twice is scored once, and its window and alarm
// state are committed with its offset, so a restart resumes exactly where
// it stopped. Three stations start from one trained database and are fed
// the same live readings: once each, every batch twice, and with a restart
// half way. Their detector state and anomaly events must be identical.

describe('online scoring on the event backbone', () => {
  let trained: string;
  const open: TestStation[] = [];
  const station = async (name: string) => {
    const made = await copyOf(trained, name);
    open.push(made.s);
    return made;
  };

  beforeAll(async () => {
    trained = await trainedMill();
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

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationOptions } from '../../main/core/app';
import { copyOf, feed, outcome, PLAN, trainedMill } from '../helpers/online-feed';
import { startStation, tempDir, type TestStation } from '../helpers/station';

// Where online scoring's model pass runs must not change a bit of what it
// commits: in its own worker thread (the default), on the serving thread
// (no worker script), after the worker died, and over a backlog of batches
// delivered together — from memory right after the commits, or from the
// readings table after a restart. Every station starts from one trained
// database and is fed the same live readings.

describe('online scoring off the serving thread', () => {
  let trained: string;
  let reference: Awaited<ReturnType<typeof outcome>>;
  const open: TestStation[] = [];
  const station = async (name: string, opts: Partial<StationOptions> = {}) => {
    const made = await copyOf(trained, name, opts);
    open.push(made.s);
    return made;
  };
  const runsOn = async (s: TestStation) => (await s.request('GET', '/api/v1/ml/health')).body.online_scoring as { runs_on: string; error: string | null };

  beforeAll(async () => {
    trained = await trainedMill();
    // The reference: batch by batch, on the serving thread.
    const { s } = await station('reference', { onlineWorkerScript: null });
    await feed(s, PLAN);
    reference = await outcome(s);
    expect(reference.events.map((e) => e.type)).toEqual(['anomaly.onset', 'anomaly.cleared']);
    expect(await runsOn(s)).toMatchObject({ runs_on: 'serving_thread', error: expect.stringMatching(/not found/) });
  }, 180_000);
  afterAll(async () => {
    for (const s of open) await s.stop();
  });

  it('commits the same state and events from the worker as from the serving thread', async () => {
    const { s } = await station('worker');
    await feed(s, PLAN);
    expect(await outcome(s)).toEqual(reference);
    expect(await runsOn(s)).toEqual({ runs_on: 'worker', error: null });
  }, 120_000);

  it('goes on scoring on the serving thread when the worker dies, and says so', async () => {
    const script = join(tempDir('smc-dying-worker-'), 'online-worker.js');
    writeFileSync(script, 'process.exit(3);\n');
    const { s } = await station('dying', { onlineWorkerScript: script });
    await feed(s, PLAN);
    expect(await outcome(s)).toEqual(reference);
    expect(await runsOn(s)).toEqual({ runs_on: 'serving_thread', error: 'the online scoring worker stopped: it exited with code 3' });
  }, 120_000);

  it('scores a backlog delivered together exactly as batch by batch, from memory and after a restart', async () => {
    const { s } = await station('backlog');
    const dispatcher = s.station.backbone.dispatcher;
    await dispatcher.stop();
    await feed(s, PLAN, 1, false);
    expect(dispatcher.status().find((c) => c.name === 'online-scoring')!.lag).toBe(PLAN.length);
    dispatcher.start();
    await dispatcher.drained();
    expect(await outcome(s)).toEqual(reference);

    // A backlog left by a stopped station: after the restart its batches are read back from the readings table.
    const later = await station('backlog-restart');
    await later.s.station.backbone.dispatcher.stop();
    await feed(later.s, PLAN, 1, false);
    await later.s.stop();
    const again = await startStation({}, { dir: later.dir });
    open.push(again);
    await again.station.backbone.dispatcher.drained();
    expect(await outcome(again)).toEqual(reference);
  }, 120_000);
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultOnlineWorkerScript, OnlineScoringWorker, OnlineWorkerGone } from '../../../main/core/domains/models/online-scoring-worker';
import { fitStatisticalDetector } from '../../../main/core/ml/anomaly';
import type { OnlineModelSpec } from '../../../main/core/ml/anomaly/types';
import { createLogger } from '../../../main/core/platform/log';
import { tempDir } from '../../helpers/station';

// The online scoring worker's life as the station sees it, with real
// worker threads: a built worker answers; one that cannot start, exits or
// stops answering is reported once, and every step waiting on it is handed
// back so that scoring goes on, on the serving thread.

const spec: OnlineModelSpec = {
  sensors: ['a', 'b'],
  window: 3,
  norm: { mean: [0, 0], std: [1, 1] },
  threshold: 1,
  hysteresis: { enterSteps: 1, immediateRatio: 2, exitSteps: 1, exitRatio: 0.9 },
  parts: { shapeWeight: 0.5, shapeScale: [1, 1], levelScale: [1, 1] },
  layers: [
    { inputs: 6, units: 2, weights: Float32Array.from([0.1, -0.2, 0.3, 0.1, 0, 0.2, -0.1, 0.2, 0.1, 0, 0.3, -0.3]), bias: Float32Array.from([0, 0.1]), tanh: true },
    { inputs: 2, units: 6, weights: Float32Array.from([0.5, -0.5, 0.2, 0.1, -0.3, 0.4, 0.1, 0.1, 0.2, -0.2, 0.3, 0]), bias: new Float32Array(6), tanh: false },
  ],
};

function logged(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, log: createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } }) };
}

function script(name: string, body: string): string {
  const file = join(tempDir('smc-online-worker-'), name);
  writeFileSync(file, body);
  return file;
}

describe('the online scoring worker', () => {
  it('answers steps with the state after each batch, as the built worker', async () => {
    const built = defaultOnlineWorkerScript();
    expect(built, 'npm run build makes out/main/online-worker.js').not.toBeNull();
    const { log } = logged();
    const w = new OnlineScoringWorker(built, log);
    try {
      const rows = Float64Array.from({ length: 10 * 2 }, (_, i) => Math.sin(i));
      const step = await w.step('m1', spec, null, rows, [4, 0, 6]);
      expect(step.snapshots).toHaveLength(3);
      expect(step.snapshots[0]!.filled).toBe(3);
      expect(step.scores.score).toHaveLength(10);
      expect(w.status()).toEqual({ runs_on: 'worker', error: null });
      // A model it was not sent (after `forget`) is sent again with the next step.
      w.forget();
      expect((await w.step('m1', spec, step.snapshots[2]!, Float64Array.from([1, 2]), [1])).snapshots).toHaveLength(1);
      // A bad state is the caller's error, not the worker's: it stays usable.
      await expect(w.step('m1', spec, { ...step.snapshots[2]!, window: 9 }, Float64Array.from([1, 2]), [1])).rejects.toThrow(/does not belong to this model/);
      expect(w.usable).toBe(true);
    } finally {
      await w.close();
    }
    expect(w.usable).toBe(false);
  });

  it('hands back the steps of a worker that exits, or never answers, and says why once', async () => {
    for (const [body, why] of [
      ['process.exit(4);\n', /exited with code 4/],
      ["require('node:worker_threads').parentPort.on('message', () => {});\n", /did not answer within 0.3 s/],
    ] as const) {
      const { lines, log } = logged();
      const w = new OnlineScoringWorker(script('online-worker.js', body), log, 300);
      await expect(w.step('m1', spec, null, Float64Array.from([1, 2, 3, 4]), [2])).rejects.toBeInstanceOf(OnlineWorkerGone);
      expect(w.usable).toBe(false);
      expect(w.status()).toMatchObject({ runs_on: 'serving_thread', error: expect.stringMatching(why) });
      // Later steps are refused at once, without another thread.
      await expect(w.step('m1', spec, null, Float64Array.from([1, 2]), [1])).rejects.toBeInstanceOf(OnlineWorkerGone);
      expect(lines.filter((l) => l.includes('online scoring worker stopped'))).toHaveLength(1);
      await w.close();
    }
    const none = new OnlineScoringWorker(null, logged().log);
    expect(none.status()).toMatchObject({ runs_on: 'serving_thread', error: expect.stringMatching(/not found/) });
  });

  it('leaves a statistical detector to the serving thread: it has no plain-data model to send', () => {
    const d = fitStatisticalDetector({ sensors: ['a'], timestamps: Float64Array.from([0, 1, 2, 3]), values: Float64Array.from([1, 2, 1, 2]) }, { window: 2 });
    expect(d.online).toBeUndefined();
  });
});

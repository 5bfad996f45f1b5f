import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../main/core/app';
import { Outbox } from '../../main/core/backbone';
import { ModelRegistry } from '../../main/core/domains/models/registry';
import { openDatabase } from '../../main/core/platform/db';
import { WriteQueue } from '../../main/core/platform/write-queue';
import { captureModel, restoreModel } from '../../main/core/ml/runtime/artifact';
import { ensureBackend, tf } from '../../main/core/ml/runtime/backend';
import type { BenchRow } from './figures';

// The registry's cost on top of TF.js: storing a model version (row, stage
// history and weights in one synchronous=FULL transaction) against capturing
// the same model in memory, and loading it back from SQLite against
// restoring it from the in-memory artifact.

const ROUNDS = 20;

function model(): tf.LayersModel {
  // About the size of an anomaly autoencoder over a few sensors: ~140k parameters.
  const m = tf.sequential();
  let seed = 1;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  m.add(tf.layers.dense({ inputShape: [256], units: 256, activation: 'relu', kernelInitializer: init() }));
  m.add(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init() }));
  m.add(tf.layers.dense({ units: 256, kernelInitializer: init() }));
  return m;
}

async function medianMs(fn: () => Promise<unknown>): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

export async function benchRegistry(): Promise<BenchRow[]> {
  await ensureBackend();
  const dir = mkdtempSync(join(tmpdir(), 'smc-bench-registry-'));
  const db = openDatabase(join(dir, 'station.db'), { migrations: MIGRATIONS });
  try {
    const reg = new ModelRegistry(db, Date.now);
    const writer = new WriteQueue(db, Date.now, new Outbox(db));
    const m = model();
    const artifact = await captureModel(m);
    const base = {
      name: 'bench.anomaly', kind: 'anomaly' as const, target: 'bench', sensorType: 'temperature', trainedFrom: null, trainedTo: null, trainRows: 1,
      metrics: { val_recon_error: 0.1 }, params: {}, meta: { mean: new Array(256).fill(0), std: new Array(256).fill(1) }, backend: 'wasm', seed: 1, trainingMs: 1,
    };
    const capture = await medianMs(() => captureModel(m));
    const register = await medianMs(async () => {
      const v = { ...base, artifact: await captureModel(m) };
      return writer.write((tx) => reg.register(tx, v));
    });
    const restore = await medianMs(async () => (await restoreModel(artifact)).dispose());
    const load = await medianMs(async () => (await restoreModel((await reg.loadModel('bench.anomaly', 1)).artifact!)).dispose());
    const list = await medianMs(async () => reg.list());
    const mb = artifact.weightData.byteLength / 1e6;
    m.dispose();
    return [
      { metric: 'registry: capture + register a version', value: register, unit: 'ms', reference: 'in-memory capture', refValue: capture, ratio: register / capture, note: `${mb.toFixed(2)} MB of weights, synchronous=FULL, through the write queue` },
      { metric: 'registry: load a version into a model', value: load, unit: 'ms', reference: 'restore from memory', refValue: restore, ratio: load / restore },
      { metric: 'registry: list models', value: list, unit: 'ms', note: `${reg.counts().versions} versions stored` },
    ];
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

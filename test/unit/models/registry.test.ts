import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toSummaryWire, toVersionWire, type NewModelVersion } from '../../../main/core/domains/models/registry';
import { type Db } from '../../../main/core/platform/db';
import { AppError } from '../../../main/core/platform/errors';
import { openDatabase, registry, type TestRegistry } from '../../helpers/registry';
import { captureModel, restoreModel, type ModelArtifact } from '../../../main/core/ml/runtime/artifact';
import { ensureBackend, tf } from '../../../main/core/ml/runtime/backend';
import { ModelSummaryWire, ModelVersionWire } from '../../../contract/models';

// The registry on a real SQLite file, migrated as the station migrates it,
// with real (tiny) TF.js models going in and out through its tf.io handler.

const T0 = Date.UTC(2024, 4, 1);
const INPUT = [
  [0.1, -0.2, 0.3, 0.9],
  [1.5, 0.0, -1.1, 0.4],
  [-0.7, 2.2, 0.05, -0.3],
];

function tinyModel(seed: number): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 1, stddev: 0.1 }) }));
  m.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }));
  return m;
}

function predict(model: tf.LayersModel): number[] {
  return tf.tidy(() => Array.from((model.predict(tf.tensor2d(INPUT), { batchSize: 4096 }) as tf.Tensor).dataSync()));
}

function version(over: Partial<NewModelVersion> = {}): NewModelVersion {
  return {
    name: 'rul.fd001', kind: 'rul', target: 'fd001', sensorType: null, trainedFrom: null, trainedTo: null, trainRows: 1000,
    metrics: { val_rmse: 20 }, params: { window: 30 }, meta: { mean: [1, 2], std: [0.5, 0.25] }, backend: 'wasm', seed: 7, trainingMs: 1234.4,
    artifact: null, ...over,
  };
}

function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected an AppError');
}

let dir: string;
let db: Db;
let clock: number;
let reg: TestRegistry;
const now = () => clock;
const tick = (ms = 1000) => { clock += ms; };

beforeAll(async () => {
  await ensureBackend();
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smc-registry-'));
  db = openDatabase(join(dir, 'station.db'));
  clock = T0;
  reg = registry(db, now);
});

afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('model registry: weights through the tf.io handler', () => {
  it('stores a real TF.js model with its version and loads it back with identical predictions', async () => {
    const model = tinyModel(11);
    const expected = predict(model);
    const artifact = await captureModel(model);
    const meta = { mean: new Float32Array([0.5, 1.5]), threshold: 0.25, sensors: ['a', 'b'] };
    const rec = reg.register(version({ artifact, meta }));
    expect(rec).toMatchObject({ name: 'rul.fd001', version: 1, stage: 'staging', kind: 'rul', createdAt: T0, trainingMs: 1234, seed: 7 });
    expect(rec.sizeBytes).toBeGreaterThan(artifact.weightData.byteLength);

    const loaded = await reg.loadModel('rul.fd001', 1);
    expect(loaded.record).toEqual(rec);
    expect(loaded.meta).toEqual({ mean: [0.5, 1.5], threshold: 0.25, sensors: ['a', 'b'] }); // typed arrays stored as plain arrays
    expect(loaded.artifact).not.toBeNull();
    expect(new Uint8Array(loaded.artifact!.weightData)).toEqual(new Uint8Array(artifact.weightData));
    expect(loaded.artifact!.weightSpecs).toEqual(artifact.weightSpecs);
    expect(predict(await restoreModel(loaded.artifact!))).toEqual(expected);

    // The handler on its own is a tf.io URL like any other.
    const direct = await tf.loadLayersModel(reg.ioHandler('rul.fd001', 1));
    expect(predict(direct)).toEqual(expected);

    // Each load returns its own buffer: changing one does not change the stored model.
    new Uint8Array(loaded.artifact!.weightData).fill(0);
    const again = await reg.loadModel('rul.fd001', 1);
    expect(new Uint8Array(again.artifact!.weightData)).toEqual(new Uint8Array(artifact.weightData));
  });

  it('model.save() through the handler fills a version registered without weights, once', async () => {
    reg.register(version());
    const plain = await reg.loadModel('rul.fd001', 1);
    expect(plain.artifact).toBeNull();
    expect(plain.record.sizeBytes).toBe(0);
    await expect(tf.loadLayersModel(reg.ioHandler('rul.fd001', 1))).rejects.toThrow(/has no stored weights/);

    const model = tinyModel(3);
    const result = await model.save(reg.ioHandler('rul.fd001', 1));
    expect(result.modelArtifactsInfo.weightDataBytes).toBeGreaterThan(0);
    expect(predict(await tf.loadLayersModel(reg.ioHandler('rul.fd001', 1)))).toEqual(predict(model));
    expect(reg.get('rul.fd001', 1)!.sizeBytes).toBeGreaterThan(result.modelArtifactsInfo.weightDataBytes!);

    // A version's weights never change: a retrained model is a new version.
    await expect(tinyModel(4).save(reg.ioHandler('rul.fd001', 1))).rejects.toThrow(/already has stored weights; register a new version/);
    expect(predict(await tf.loadLayersModel(reg.ioHandler('rul.fd001', 1)))).toEqual(predict(model));
    await expect(model.save(reg.ioHandler('rul.fd001', 9))).rejects.toThrow(/no model rul.fd001 version 9/);
  });

  it('a failed weight write leaves no version behind', () => {
    const broken: ModelArtifact = { topology: new ArrayBuffer(4) as unknown as object, weightSpecs: [], weightData: new ArrayBuffer(0) };
    expect(appError(() => reg.register(version({ artifact: broken }))).message).toMatch(/only a layers model with a JSON topology/);
    expect(reg.counts()).toEqual({ models: 0, versions: 0 });
    expect(reg.stageHistory('rul.fd001')).toEqual([]);
    expect(reg.register(version()).version).toBe(1);
  });

  it('refuses numbers JSON would corrupt, naming where they are, and stores nothing', () => {
    const nanMetric = appError(() => reg.register(version({ metrics: { val_rmse: NaN } })));
    expect(nanMetric.code).toBe('validation_failed');
    expect(nanMetric.message).toMatch(/metric val_rmse is NaN/);
    const infMeta = appError(() => reg.register(version({ meta: { scale: [1, Infinity] } })));
    expect(infMeta.message).toMatch(/meta\.scale\[1\] is Infinity/);
    expect(appError(() => reg.register(version({ name: '-bad name' }))).message).toMatch(/model name must be/);
    expect(appError(() => reg.register(version({ trainRows: -1 }))).message).toMatch(/train rows must be a non-negative integer/);
    expect(reg.counts()).toEqual({ models: 0, versions: 0 });
  });
});

describe('model registry: versions, stages, resolution', () => {
  it('numbers versions 1, 2, ... per name, newest first, and counts names and versions', () => {
    expect(reg.register(version()).version).toBe(1);
    tick();
    expect(reg.register(version({ metrics: { val_rmse: 18 } })).version).toBe(2);
    expect(reg.register(version({ name: 'forecast.s1', kind: 'forecast', target: 's1', sensorType: 'temperature', metrics: { val_nmae: 0.1 } })).version).toBe(1);
    tick();
    expect(reg.register(version()).version).toBe(3);
    expect(reg.versions('rul.fd001').map((r) => r.version)).toEqual([3, 2, 1]);
    expect(reg.versions('nope')).toEqual([]);
    expect(reg.get('rul.fd001', 2)!.metrics).toEqual({ val_rmse: 18 });
    expect(reg.get('rul.fd001', 4)).toBeNull();
    expect(reg.counts()).toEqual({ models: 2, versions: 4 });
  });

  it('refuses a version whose kind or target differs from the name\'s earlier versions', () => {
    reg.register(version());
    const kind = appError(() => reg.register(version({ kind: 'forecast' })));
    expect(kind.code).toBe('conflict');
    expect(kind.message).toMatch(/model rul\.fd001 is a rul model for 'fd001'; a forecast model for 'fd001' cannot be a version of it/);
    const target = appError(() => reg.register(version({ target: 'fd002' })));
    expect(target.code).toBe('conflict');
    expect(target.message).toMatch(/for 'fd002'/);
    expect(reg.counts().versions).toBe(1);
  });

  it('auto resolves production, then the newest staging, then the newest; latest is the newest; a number is that version', () => {
    expect(reg.resolve('rul.fd001', 'auto')).toBeNull();
    reg.register(version());
    tick();
    reg.register(version());
    expect(reg.resolve('rul.fd001', 'auto')!.version).toBe(2); // no production: newest staging
    reg.promote('rul.fd001', 1, 'production', 'key-1');
    expect(reg.resolve('rul.fd001', 'auto')!.version).toBe(1);
    expect(reg.resolve('rul.fd001', 'latest')!.version).toBe(2);
    expect(reg.resolve('rul.fd001', 1)!.stage).toBe('production');
    expect(reg.resolve('rul.fd001', 7)).toBeNull();

    reg.promote('rul.fd001', 1, 'archived', 'key-1');
    expect(reg.resolve('rul.fd001', 'auto')!.version).toBe(2); // production archived: staging
    reg.promote('rul.fd001', 2, 'archived', 'key-1');
    const all = reg.resolve('rul.fd001', 'auto')!; // everything archived: the newest
    expect([all.version, all.stage]).toEqual([2, 'archived']);
    tick();
    reg.register(version());
    expect(reg.resolve('rul.fd001', 'auto')!.version).toBe(3);
    reg.promote('rul.fd001', 1, 'staging', null);
    expect(reg.resolve('rul.fd001', 'auto')!.version).toBe(3); // newest staging wins over an older one
  });

  it('promoting to production archives the previous production version; rollback restores it', () => {
    for (let i = 0; i < 3; i++) { reg.register(version()); tick(); }
    expect(reg.promote('rul.fd001', 1, 'production', 'alice').stage).toBe('production');
    tick();
    const p2 = reg.promote('rul.fd001', 2, 'production', 'bob');
    expect(p2).toMatchObject({ version: 2, stage: 'production' });
    expect(reg.versions('rul.fd001').map((r) => [r.version, r.stage])).toEqual([[3, 'staging'], [2, 'production'], [1, 'archived']]);
    // Promoting to the stage it has changes nothing and records nothing.
    const before = reg.stageHistory('rul.fd001').length;
    expect(reg.promote('rul.fd001', 2, 'production', 'bob').stage).toBe('production');
    expect(reg.stageHistory('rul.fd001')).toHaveLength(before);

    tick();
    const rb = reg.rollback('rul.fd001', 'carol');
    expect(rb).toMatchObject({ version: 1, stage: 'production' });
    expect(reg.versions('rul.fd001').map((r) => [r.version, r.stage])).toEqual([[3, 'staging'], [2, 'archived'], [1, 'production']]);
    // Rolling back the rollback puts back what it archived.
    expect(reg.rollback('rul.fd001', 'carol').version).toBe(2);
    expect(reg.resolve('rul.fd001', 'auto')!.version).toBe(2);

    const history = reg.stageHistory('rul.fd001');
    expect(history.slice(0, 3)).toEqual([1, 2, 3].map((v, i) => ({ version: v, from: null, to: 'staging', actor: null, at: T0 + i * 1000 })));
    expect(history.slice(3).map((h) => [h.version, h.from, h.to, h.actor])).toEqual([
      [1, 'staging', 'production', 'alice'],
      [1, 'production', 'archived', 'bob'],
      [2, 'staging', 'production', 'bob'],
      [2, 'production', 'archived', 'carol'],
      [1, 'archived', 'production', 'carol'],
      [1, 'production', 'archived', 'carol'],
      [2, 'archived', 'production', 'carol'],
    ]);
    expect(history[history.length - 1]!.at).toBe(T0 + 5000);
  });

  it('rollback fails clearly when there is nothing to roll back to; unknown versions are not_found', () => {
    reg.register(version());
    const none = appError(() => reg.rollback('rul.fd001', null));
    expect([none.code, none.message]).toEqual(['conflict', 'no earlier production version of rul.fd001 to roll back to']);
    reg.promote('rul.fd001', 1, 'production', null);
    expect(appError(() => reg.rollback('rul.fd001', null)).code).toBe('conflict'); // the only production version is the current one
    expect(reg.resolve('rul.fd001', 'auto')!.stage).toBe('production');
    expect(appError(() => reg.rollback('ghost', null)).code).toBe('not_found');
    const missing = appError(() => reg.promote('rul.fd001', 9, 'production', null));
    expect([missing.code, missing.message]).toEqual(['not_found', 'no model rul.fd001 version 9']);
    expect(appError(() => reg.promote('ghost', 1, 'staging', null)).message).toBe('no model ghost version 1');
    expect(reg.get('rul.fd001', 1)!.stage).toBe('production');
    // Demoted from production and back again: the current version is not an earlier one.
    reg.promote('rul.fd001', 1, 'staging', null);
    reg.promote('rul.fd001', 1, 'production', null);
    expect(appError(() => reg.rollback('rul.fd001', null)).code).toBe('conflict');
    reg.register(version());
    reg.promote('rul.fd001', 2, 'production', null);
    reg.promote('rul.fd001', 1, 'production', null);
    reg.promote('rul.fd001', 1, 'staging', null);
    reg.promote('rul.fd001', 1, 'production', null);
    expect(reg.rollback('rul.fd001', null)).toMatchObject({ version: 2, stage: 'production' });
    expect(reg.get('rul.fd001', 1)!.stage).toBe('archived');
  });

  it('rollback after production was archived by hand restores it without archiving anything else', () => {
    reg.register(version());
    reg.register(version());
    reg.promote('rul.fd001', 1, 'production', null);
    reg.promote('rul.fd001', 1, 'archived', null);
    expect(reg.rollback('rul.fd001', null)).toMatchObject({ version: 1, stage: 'production' });
    expect(reg.get('rul.fd001', 2)!.stage).toBe('staging');
  });

  it('the schema itself allows only one production version per name', () => {
    reg.register(version());
    reg.register(version());
    reg.promote('rul.fd001', 1, 'production', null);
    expect(() => db.prepare("UPDATE models SET stage = 'production' WHERE name = 'rul.fd001' AND version = 2").run()).toThrow(/UNIQUE constraint failed/);
    expect(() => db.prepare("UPDATE models SET kind = 'classifier' WHERE version = 2").run()).toThrow(/CHECK constraint failed/);
  });
});

describe('model registry: summaries and recommendations', () => {
  it('lists one summary per name with its latest, production and staging versions and the auto version\'s metrics', () => {
    reg.register(version({ metrics: { val_rmse: 30 } }));
    tick();
    reg.register(version({ metrics: { val_rmse: 25 } }));
    tick();
    reg.register(version({ name: 'forecast.s1', kind: 'forecast', target: 's1', sensorType: 'temperature', metrics: { val_nmae: 0.2 } }));
    tick();
    reg.promote('rul.fd001', 1, 'production', null);

    const all = reg.list();
    expect(all.map((s) => s.name)).toEqual(['forecast.s1', 'rul.fd001']);
    expect(all[1]).toEqual({
      name: 'rul.fd001', kind: 'rul', target: 'fd001', sensorType: null, versions: 2, latestVersion: 2,
      productionVersion: 1, stagingVersion: 2, updatedAt: T0 + 3000, metrics: { val_rmse: 30 },
    });
    expect(reg.list({ kind: 'forecast' }).map((s) => s.name)).toEqual(['forecast.s1']);
    expect(reg.list({ kind: 'rul', target: 's1' })).toEqual([]);
    expect(reg.list({ target: 's1' })[0]).toMatchObject({ productionVersion: null, stagingVersion: 1, updatedAt: T0 + 2000 });

    // The wire forms satisfy the contract.
    for (const s of all) expect(ModelSummaryWire.parse(toSummaryWire(s))).toEqual(toSummaryWire(s));
    expect(toSummaryWire(all[1]!).updated_at).toBe(new Date(T0 + 3000).toISOString());
    const v = toVersionWire(reg.register(version({ name: 'anomaly.m1', kind: 'anomaly', target: 'm1', trainedFrom: T0 - 60_000, trainedTo: T0, metrics: { val_recon_error: 0.5 } })));
    expect(ModelVersionWire.parse(v)).toEqual(v);
    expect(v).toMatchObject({ trained_from: new Date(T0 - 60_000).toISOString(), trained_to: new Date(T0).toISOString(), created_at: new Date(T0 + 3000).toISOString(), training_ms: 1234 });
  });

  it('recommends the best non-archived version per sensor type and kind by the primary metric, with a reason', () => {
    const f = (name: string, sensorType: string, nmae: number) => version({ name, kind: 'forecast', target: name, sensorType, metrics: { val_nmae: nmae, val_mae: 99 } });
    reg.register(f('fc.t1', 'temperature', 0.30));
    reg.register(f('fc.t1', 'temperature', 0.12)); // fc.t1 v2: best, later archived
    reg.register(f('fc.t2', 'temperature', 0.18));
    reg.register(f('fc.p1', 'pressure', 0.40));
    reg.register(version({ name: 'an.m1', kind: 'anomaly', target: 'm1', sensorType: 'temperature+vibration', metrics: { val_recon_error: 0.07 } }));
    reg.register(version({ metrics: { val_rmse: 21.5 } }));
    reg.register(version({ metrics: { val_rmse: 17.25 } }));
    reg.register(version({ metrics: { val_rmse: 19 } }));
    reg.register(version({ name: 'rul.nometric', target: 'x', metrics: { loss: 1 } })); // no primary metric: not a candidate

    let best = reg.recommend({ limit: 50 });
    expect(best.map((b) => [b.sensorType, b.kind, b.name, b.version, b.value])).toEqual([
      ['pressure', 'forecast', 'fc.p1', 1, 0.4],
      ['temperature', 'forecast', 'fc.t1', 2, 0.12],
      ['temperature+vibration', 'anomaly', 'an.m1', 1, 0.07],
      [null, 'rul', 'rul.fd001', 2, 17.25],
    ]);
    const rul = best.find((b) => b.kind === 'rul')!;
    expect(rul).toMatchObject({ metric: 'val_rmse', stage: 'staging', candidates: 3 });
    expect(rul.reason).toBe('lowest validation RMSE (val_rmse 17.25) among 3 non-archived rul model versions with no sensor type');
    expect(best.find((b) => b.sensorType === 'pressure')!.reason).toMatch(/^the only non-archived forecast model version for sensor type pressure/);
    expect(best.find((b) => b.sensorType === 'pressure')!.candidates).toBe(1);

    reg.promote('fc.t1', 2, 'archived', null);
    best = reg.recommend({ sensorType: 'temperature', limit: 50 });
    expect(best.map((b) => [b.sensorType, b.kind, b.name, b.version])).toEqual([
      ['temperature', 'forecast', 'fc.t2', 1],
      ['temperature+vibration', 'anomaly', 'an.m1', 1], // a multi-sensor model counts for each of its types
    ]);
    expect(best[0]!.reason).toBe('lowest validation normalised MAE (val_nmae 0.18) among 2 non-archived forecast model versions for sensor type temperature');
    expect(best[0]!.candidates).toBe(2);
    expect(reg.recommend({ limit: 2 })).toHaveLength(2);
    expect(reg.recommend({ sensorType: 'humidity', limit: 50 })).toEqual([]);
  });
});

describe('model registry: persistence', () => {
  it('keeps versions, stages, history and weights across closing and reopening the database file', async () => {
    const model = tinyModel(21);
    const expected = predict(model);
    reg.register(version({ artifact: await captureModel(model) }));
    tick();
    reg.register(version());
    reg.promote('rul.fd001', 1, 'production', 'alice');
    tick();
    reg.promote('rul.fd001', 2, 'production', 'bob');
    const history = reg.stageHistory('rul.fd001');
    db.close();

    db = openDatabase(join(dir, 'station.db'));
    reg = registry(db, now);
    expect(reg.versions('rul.fd001').map((r) => [r.version, r.stage])).toEqual([[2, 'production'], [1, 'archived']]);
    expect(reg.stageHistory('rul.fd001')).toEqual(history);
    expect(reg.rollback('rul.fd001', 'carol').version).toBe(1);
    const loaded = await reg.loadModel('rul.fd001', 1);
    expect(predict(await restoreModel(loaded.artifact!))).toEqual(expected);
    expect(reg.register(version()).version).toBe(3);
  });
});


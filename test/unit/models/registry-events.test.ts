import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewModelVersion } from '../../../main/core/domains/models/registry';
import type { Db } from '../../../main/core/platform/db';
import { AppError } from '../../../main/core/platform/errors';
import { openDatabase, registry, type TestRegistry } from '../../helpers/registry';

// The registry announces what it changes, in the transaction that changes it.

const T0 = Date.UTC(2024, 4, 1);
let dir: string;
let db: Db;
let reg: TestRegistry;

function version(over: Partial<NewModelVersion> = {}): NewModelVersion {
  return {
    name: 'rul.fd001', kind: 'rul', target: 'fd001', sensorType: null, trainedFrom: null, trainedTo: null, trainRows: 1000,
    metrics: { val_rmse: 20 }, params: {}, meta: null, backend: 'cpu', seed: 7, trainingMs: 1, artifact: null, ...over,
  };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smc-registry-events-'));
  db = openDatabase(join(dir, 'station.db'));
  reg = registry(db, () => T0);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('model registry: events', () => {
  it('announces every new version and stage change in the transaction that makes it', () => {
    reg.register(version());
    reg.register(version({ metrics: { val_rmse: 18 } }));
    reg.promote('rul.fd001', 1, 'production', 'alice');
    reg.promote('rul.fd001', 2, 'production', 'bob');
    reg.promote('rul.fd001', 2, 'production', 'bob'); // no change, nothing announced
    reg.rollback('rul.fd001', 'carol');
    expect(reg.published.map((e) => [e.type, (e.payload as { model_version: number }).model_version])).toEqual([
      ['model.trained', 1], ['model.trained', 2], ['model.promoted', 1], ['model.promoted', 2], ['model.promoted', 1],
    ]);
    expect(reg.published[1]!.payload).toMatchObject({ model_name: 'rul.fd001', kind: 'rul', target: 'fd001', metrics: { val_rmse: 18 }, job_id: null });
    expect(reg.published[3]!.payload).toMatchObject({ from_stage: 'staging', to_stage: 'production', archived_version: 1, reason: 'promote' });
    expect(reg.published[4]!.payload).toMatchObject({ from_stage: 'archived', to_stage: 'production', archived_version: 2, reason: 'rollback' });
    // A refused registration announces nothing.
    const before = reg.published.length;
    expect(() => reg.register(version({ kind: 'forecast' }))).toThrow(AppError);
    expect(reg.published).toHaveLength(before);
  });
});

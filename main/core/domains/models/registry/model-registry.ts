import type { Db } from '../../../platform/db';
import { AppError } from '../../../platform/errors';
import { newId } from '../../../platform/ids';
import type { Tx } from '../../../platform/write-queue';
import { MODEL_KINDS, MODEL_STAGES, ModelName } from '../../../../../contract/models';
import type { tf } from '../../../ml/runtime/backend';
import type { ModelArtifact } from '../../../ml/runtime/artifact';
import { registryIoHandler } from './artifact-io';
import { storedJson } from './json';
import { bestModels } from './recommend';
import { pickVersion } from './resolve';
import { RECORD_COLUMNS, toRecord, type ModelRow } from './rows';
import type { BestModel, ModelKind, ModelStage, ModelSummary, ModelVersionRecord, NewModelVersion, StageChange, VersionRef } from './types';

// Trained model versions in SQLite: versions numbered 1, 2, ... per name,
// each in staging, production (at most one per name) or archived; every
// stage change is kept, and rollback reads that history. Weights live in the
// version's row and go in and out through a tf.io handler. Every change runs
// in the caller's write job and announces itself (model.trained,
// model.promoted) in the same transaction.

export class ModelRegistry {
  constructor(private readonly db: Db, private readonly now: () => number) {}

  /** Stores a new version (the next number for its name) in staging, with its weights. */
  register(tx: Tx, v: NewModelVersion, jobId: string | null = null): ModelVersionRecord {
    validate(v);
    const metrics = storedJson(v.metrics, 'metrics');
    const params = storedJson(v.params, 'params');
    const meta = storedJson(v.meta, 'meta');
    {
      const prev = this.db
        .prepare<[string], { kind: ModelKind; target: string; version: number }>('SELECT kind, target, version FROM models WHERE name = ? ORDER BY version DESC LIMIT 1')
        .get(v.name);
      if (prev && (prev.kind !== v.kind || prev.target !== v.target)) {
        throw new AppError(
          'conflict',
          `model ${v.name} is a ${prev.kind} model for '${prev.target}'; a ${v.kind} model for '${v.target}' cannot be a version of it — choose another name`,
          { name: v.name, kind: prev.kind, target: prev.target },
        );
      }
      const version = (prev?.version ?? 0) + 1;
      const id = newId();
      const at = tx.now;
      this.db.prepare(`
        INSERT INTO models (id, name, version, kind, target, sensor_type, stage, created_at, trained_from, trained_to, train_rows,
                            metrics, params, meta, backend, seed, training_ms, size_bytes)
        VALUES (?, ?, ?, ?, ?, ?, 'staging', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`)
        .run(id, v.name, version, v.kind, v.target, v.sensorType, at, v.trainedFrom, v.trainedTo, v.trainRows,
          metrics, params, meta, v.backend, v.seed, Math.round(v.trainingMs));
      this.recordChange({ id, name: v.name, version }, null, 'staging', null, at);
      if (v.artifact) {
        // The handler writes before returning and throws synchronously, so a
        // failed write rolls the row back with it.
        void this.ioHandler(v.name, version).save!(toTfArtifacts(v.artifact));
      }
      tx.emit('model.trained', { model_name: v.name, model_version: version, kind: v.kind, target: v.target, metrics: v.metrics, job_id: jobId });
      return this.get(v.name, version)!;
    }
  }

  /** tf.io handler for one version: usable as `model.save(h)` (once, for a version without weights) and `tf.loadLayersModel(h)`. */
  ioHandler(name: string, version: number): tf.io.IOHandler {
    return registryIoHandler(this.db, name, version, this.now);
  }

  /** A version's meta alone (normalisation, thresholds): what reading a model's calibration needs, without its weights. */
  meta(name: string, version: number): unknown {
    const meta = this.db.prepare<[string, number], string>('SELECT meta FROM models WHERE name = ? AND version = ?').pluck().get(name, version);
    if (meta === undefined) throw notFound(name, version);
    return JSON.parse(meta) as unknown;
  }

  /** A version with its meta and its weights (read through the tf.io handler); null artifact for a model without weights. */
  async loadModel(name: string, version: number): Promise<{ record: ModelVersionRecord; meta: unknown; artifact: ModelArtifact | null }> {
    const row = this.db
      .prepare<[string, number], ModelRow & { meta: string; has_weights: 0 | 1 }>(`SELECT ${RECORD_COLUMNS}, meta, format IS NOT NULL AS has_weights FROM models WHERE name = ? AND version = ?`)
      .get(name, version);
    if (!row) throw notFound(name, version);
    const record = toRecord(row);
    const meta = JSON.parse(row.meta) as unknown;
    if (!row.has_weights) return { record, meta, artifact: null };
    const a = await this.ioHandler(name, version).load!();
    return {
      record,
      meta,
      artifact: { topology: a.modelTopology as object, weightSpecs: a.weightSpecs ?? [], weightData: a.weightData as ArrayBuffer },
    };
  }

  /** See pickVersion: a number, 'latest' (newest), or 'auto' (production, else newest staging, else newest). */
  resolve(name: string, ref: VersionRef): ModelVersionRecord | null {
    if (typeof ref === 'number') return this.get(name, ref);
    return pickVersion(this.versions(name), ref);
  }

  get(name: string, version: number): ModelVersionRecord | null {
    const row = this.db.prepare<[string, number], ModelRow>(`SELECT ${RECORD_COLUMNS} FROM models WHERE name = ? AND version = ?`).get(name, version);
    return row ? toRecord(row) : null;
  }

  /** Newest first. */
  versions(name: string): ModelVersionRecord[] {
    return this.db.prepare<[string], ModelRow>(`SELECT ${RECORD_COLUMNS} FROM models WHERE name = ? ORDER BY version DESC`).all(name).map(toRecord);
  }

  /** One summary per model name, in name order. */
  list(filter: { kind?: ModelKind; target?: string } = {}): ModelSummary[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.kind !== undefined) { where.push('kind = ?'); params.push(filter.kind); }
    if (filter.target !== undefined) { where.push('target = ?'); params.push(filter.target); }
    const rows = this.db
      .prepare<unknown[], ModelRow>(`SELECT ${RECORD_COLUMNS} FROM models ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY name, version DESC`)
      .all(...params);
    const lastChange = new Map(
      this.db.prepare<[], { name: string; at: number }>('SELECT name, MAX(at) AS at FROM model_stage_changes GROUP BY name').all().map((r) => [r.name, r.at]),
    );
    const byName = new Map<string, ModelVersionRecord[]>();
    for (const r of rows) {
      const list = byName.get(r.name);
      if (list) list.push(toRecord(r));
      else byName.set(r.name, [toRecord(r)]);
    }
    return [...byName.values()].map((vs) => {
      const newest = vs[0]!;
      const auto = pickVersion(vs, 'auto')!;
      return {
        name: newest.name,
        kind: newest.kind,
        target: newest.target,
        sensorType: newest.sensorType,
        versions: vs.length,
        latestVersion: newest.version,
        productionVersion: vs.find((r) => r.stage === 'production')?.version ?? null,
        stagingVersion: vs.find((r) => r.stage === 'staging')?.version ?? null,
        updatedAt: Math.max(newest.createdAt, lastChange.get(newest.name) ?? -Infinity),
        metrics: auto.metrics,
      };
    });
  }

  /**
   * Moves a version to a stage. To production: the current production
   * version is archived first. Moving to the stage it already has changes
   * nothing and records nothing.
   */
  promote(tx: Tx, name: string, version: number, stage: ModelStage, actor: string | null): ModelVersionRecord {
    if (!(MODEL_STAGES as readonly string[]).includes(stage)) throw new AppError('bad_request', `stage must be one of ${MODEL_STAGES.join(', ')}, got '${String(stage)}'`);
    const rec = this.get(name, version);
    if (!rec) throw notFound(name, version);
    if (rec.stage === stage) return rec;
    const at = tx.now;
    let archived: number | null = null;
    if (stage === 'production') {
      const current = this.production(name);
      if (current) {
        this.setStage(current, 'archived', actor, at);
        archived = current.version;
      }
    }
    this.setStage(rec, stage, actor, at);
    tx.emit('model.promoted', { model_name: name, model_version: version, kind: rec.kind, target: rec.target, from_stage: rec.stage, to_stage: stage, archived_version: archived, reason: 'promote' });
    return this.get(name, version)!;
  }

  /**
   * Puts back in production the most recent version demoted from production
   * that still exists (and is not the current one), archiving the current
   * production version. Rolling back a rollback therefore restores the
   * version the first rollback archived.
   */
  rollback(tx: Tx, name: string, actor: string | null): ModelVersionRecord {
    {
      if (this.versions(name).length === 0) throw new AppError('not_found', `no model named '${name}'`, { model_name: name });
      const previous = this.db
        .prepare<[string], ModelRow>(`
          SELECT ${RECORD_COLUMNS.split(', ').map((c) => `m.${c}`).join(', ')}
          FROM model_stage_changes c JOIN models m ON m.id = c.model_id
          WHERE c.name = ? AND c.from_stage = 'production' AND m.stage <> 'production'
          ORDER BY c.seq DESC LIMIT 1`)
        .get(name);
      if (!previous) throw new AppError('conflict', `no earlier production version of ${name} to roll back to`, { model_name: name });
      const at = tx.now;
      const current = this.production(name);
      if (current) this.setStage(current, 'archived', actor, at);
      const back = toRecord(previous);
      this.setStage(back, 'production', actor, at);
      tx.emit('model.promoted', {
        model_name: name, model_version: back.version, kind: back.kind, target: back.target, from_stage: back.stage, to_stage: 'production',
        archived_version: current?.version ?? null, reason: 'rollback',
      });
      return this.get(name, previous.version)!;
    }
  }

  /** Every stage change of a model, oldest first (registration is the change from null to staging). */
  stageHistory(name: string): StageChange[] {
    return this.db
      .prepare<[string], { version: number; from_stage: ModelStage | null; to_stage: ModelStage; actor: string | null; at: number }>(
        'SELECT version, from_stage, to_stage, actor, at FROM model_stage_changes WHERE name = ? ORDER BY seq',
      )
      .all(name)
      .map((r) => ({ version: r.version, from: r.from_stage, to: r.to_stage, actor: r.actor, at: r.at }));
  }

  counts(): { models: number; versions: number } {
    return this.db.prepare<[], { models: number; versions: number }>('SELECT COUNT(DISTINCT name) AS models, COUNT(*) AS versions FROM models').get()!;
  }

  /** Best non-archived version per (sensor type, kind) by the kind's primary validation metric (lower is better). */
  recommend(filter: { sensorType?: string; limit: number }): BestModel[] {
    const rows = this.db.prepare<[], ModelRow>(`SELECT ${RECORD_COLUMNS} FROM models WHERE stage <> 'archived'`).all();
    return bestModels(rows.map(toRecord), filter);
  }

  private production(name: string): ModelVersionRecord | null {
    const row = this.db.prepare<[string], ModelRow>(`SELECT ${RECORD_COLUMNS} FROM models WHERE name = ? AND stage = 'production'`).get(name);
    return row ? toRecord(row) : null;
  }

  private setStage(rec: ModelVersionRecord, to: ModelStage, actor: string | null, at: number): void {
    this.db.prepare('UPDATE models SET stage = ? WHERE id = ?').run(to, rec.id);
    this.recordChange(rec, rec.stage, to, actor, at);
  }

  private recordChange(rec: { id: string; name: string; version: number }, from: ModelStage | null, to: ModelStage, actor: string | null, at: number): void {
    this.db
      .prepare('INSERT INTO model_stage_changes (id, model_id, name, version, from_stage, to_stage, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(newId(), rec.id, rec.name, rec.version, from, to, actor, at);
  }
}

function notFound(name: string, version: number): AppError {
  return new AppError('not_found', `no model ${name} version ${version}`, { model_name: name, model_version: version });
}

function toTfArtifacts(a: ModelArtifact): tf.io.ModelArtifacts {
  return { modelTopology: a.topology, weightSpecs: a.weightSpecs, weightData: a.weightData, format: 'layers-model' };
}

function validate(v: NewModelVersion): void {
  const bad = (path: string, message: string): never => {
    throw new AppError('validation_failed', `cannot register model ${String(v.name)}: ${message}`, [{ path, message }]);
  };
  const n = ModelName.safeParse(v.name);
  if (!n.success) bad('name', n.error.issues[0]?.message ?? 'invalid model name');
  if (!(MODEL_KINDS as readonly string[]).includes(v.kind)) bad('kind', `kind must be one of ${MODEL_KINDS.join(', ')}`);
  if (typeof v.target !== 'string' || v.target.length === 0) bad('target', 'target must be a non-empty string');
  if (!Number.isInteger(v.trainRows) || v.trainRows < 0) bad('trainRows', `train rows must be a non-negative integer, got ${v.trainRows}`);
  if (!Number.isInteger(v.seed)) bad('seed', `seed must be an integer, got ${v.seed}`);
  if (!Number.isFinite(v.trainingMs) || v.trainingMs < 0) bad('trainingMs', `training time must be a non-negative number of ms, got ${v.trainingMs}`);
  for (const [k, t] of [['trainedFrom', v.trainedFrom], ['trainedTo', v.trainedTo]] as const) {
    if (t !== null && !Number.isSafeInteger(t)) bad(k, `${k} must be epoch ms or null, got ${t}`);
  }
  if (v.trainedFrom !== null && v.trainedTo !== null && v.trainedFrom > v.trainedTo) bad('trainedFrom', 'the training window starts after it ends');
  for (const [k, m] of Object.entries(v.metrics)) {
    if (typeof m !== 'number' || !Number.isFinite(m)) bad(`metrics.${k}`, `metric ${k} is ${String(m)}, not a finite number`);
  }
}

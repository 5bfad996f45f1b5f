import { AppError } from '../../../platform/errors';
import type { Db } from '../../../platform/db';
import { tf } from '../../../ml/runtime/backend';

// A tf.io handler backed by one row of the models table: save() writes the
// topology, weight manifest and weight bytes into that version's row, load()
// reads them back. So `model.save(registry.ioHandler(name, v))` and
// `tf.loadLayersModel(registry.ioHandler(name, v))` work like any TF.js URL.
//
// save() does its write synchronously, before it returns its (already
// settled) promise, and throws synchronously on failure: the registry calls
// it inside the SQLite transaction that inserts the row, and better-sqlite3
// transactions cannot span an await.

export const ARTIFACT_FORMAT = 'tfjs-layers';

interface ArtifactRow {
  format: string | null;
  topology: string | null;
  weight_specs: string | null;
  weights: Buffer | null;
}

export function registryIoHandler(db: Db, name: string, version: number, now: () => number): tf.io.IOHandler {
  return {
    save: (artifacts) => Promise.resolve({ modelArtifactsInfo: writeArtifact(db, name, version, artifacts, now) }),
    load: async () => readArtifact(db, name, version),
  };
}

function writeArtifact(db: Db, name: string, version: number, a: tf.io.ModelArtifacts, now: () => number): tf.io.ModelArtifactsInfo {
  if (a.modelTopology === undefined || a.modelTopology instanceof ArrayBuffer) {
    throw new AppError('bad_request', `model ${name} version ${version}: only a layers model with a JSON topology can be stored`);
  }
  const specs = a.weightSpecs ?? [];
  if (a.weightData === undefined && specs.length > 0) throw new AppError('bad_request', `model ${name} version ${version}: the weight manifest lists weights but no weight data was given`);
  const data = a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
  const row = db.prepare<[string, number], { format: string | null }>('SELECT format FROM models WHERE name = ? AND version = ?').get(name, version);
  if (!row) throw new AppError('not_found', `no model ${name} version ${version}`);
  // A version is immutable once it has weights: a retrained model is a new version.
  if (row.format !== null) throw new AppError('conflict', `model ${name} version ${version} already has stored weights; register a new version instead`);
  const topology = JSON.stringify(a.modelTopology);
  const weightSpecs = JSON.stringify(specs);
  const weights = Buffer.from(new Uint8Array(data));
  const size = Buffer.byteLength(topology) + Buffer.byteLength(weightSpecs) + weights.byteLength;
  db.prepare('UPDATE models SET format = ?, topology = ?, weight_specs = ?, weights = ?, size_bytes = ? WHERE name = ? AND version = ?')
    .run(ARTIFACT_FORMAT, topology, weightSpecs, weights, size, name, version);
  return {
    dateSaved: new Date(now()),
    modelTopologyType: 'JSON',
    modelTopologyBytes: Buffer.byteLength(topology),
    weightSpecsBytes: Buffer.byteLength(weightSpecs),
    weightDataBytes: weights.byteLength,
  };
}

function readArtifact(db: Db, name: string, version: number): tf.io.ModelArtifacts {
  const row = db.prepare<[string, number], ArtifactRow>('SELECT format, topology, weight_specs, weights FROM models WHERE name = ? AND version = ?').get(name, version);
  if (!row) throw new AppError('not_found', `no model ${name} version ${version}`);
  if (row.format === null || row.topology === null || row.weight_specs === null || row.weights === null) {
    throw new AppError('not_found', `model ${name} version ${version} has no stored weights`);
  }
  if (row.format !== ARTIFACT_FORMAT) throw new AppError('internal', `model ${name} version ${version} is stored as ${row.format}, which this program cannot load`);
  // A fresh ArrayBuffer of exactly the weights: the Buffer may be a view into a larger pool.
  const w = row.weights;
  const weightData = w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer;
  return {
    modelTopology: JSON.parse(row.topology) as object,
    weightSpecs: JSON.parse(row.weight_specs) as tf.io.WeightsManifestEntry[],
    weightData,
    format: 'layers-model',
  };
}

import type { ModelKind, ModelStage, ModelVersionRecord } from './types';

// The models table as SQLite returns it, and its mapping to records. Record
// queries name their columns so that the weights BLOB is never read by a
// listing.

export interface ModelRow {
  id: string;
  name: string;
  version: number;
  kind: ModelKind;
  target: string;
  sensor_type: string | null;
  stage: ModelStage;
  created_at: number;
  trained_from: number | null;
  trained_to: number | null;
  train_rows: number;
  metrics: string;
  params: string;
  backend: string;
  seed: number;
  training_ms: number;
  size_bytes: number;
}

export const RECORD_COLUMNS = [
  'id', 'name', 'version', 'kind', 'target', 'sensor_type', 'stage', 'created_at', 'trained_from', 'trained_to',
  'train_rows', 'metrics', 'params', 'backend', 'seed', 'training_ms', 'size_bytes',
].join(', ');

export function toRecord(r: ModelRow): ModelVersionRecord {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    kind: r.kind,
    target: r.target,
    sensorType: r.sensor_type,
    stage: r.stage,
    createdAt: r.created_at,
    trainedFrom: r.trained_from,
    trainedTo: r.trained_to,
    trainRows: r.train_rows,
    metrics: JSON.parse(r.metrics) as Record<string, number>,
    params: JSON.parse(r.params) as Record<string, unknown>,
    backend: r.backend,
    seed: r.seed,
    trainingMs: r.training_ms,
    sizeBytes: r.size_bytes,
  };
}

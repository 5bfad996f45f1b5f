import type { z } from 'zod';
import type { ModelSummaryWire, ModelVersionWire } from '../../../../../contract/models';
import { toIso } from '../../../../../contract/timestamp';
import type { ModelSummary, ModelVersionRecord } from './types';

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : toIso(ms));

export function toVersionWire(r: ModelVersionRecord): ModelVersionWire {
  return {
    model_name: r.name,
    model_version: r.version,
    kind: r.kind,
    target: r.target,
    sensor_type: r.sensorType,
    stage: r.stage,
    created_at: toIso(r.createdAt),
    trained_from: isoOrNull(r.trainedFrom),
    trained_to: isoOrNull(r.trainedTo),
    train_rows: r.trainRows,
    metrics: r.metrics,
    params: r.params,
    backend: r.backend,
    seed: r.seed,
    training_ms: r.trainingMs,
    size_bytes: r.sizeBytes,
  };
}

export function toSummaryWire(s: ModelSummary): z.infer<typeof ModelSummaryWire> {
  return {
    model_name: s.name,
    kind: s.kind,
    target: s.target,
    sensor_type: s.sensorType,
    versions: s.versions,
    latest_version: s.latestVersion,
    production_version: s.productionVersion,
    staging_version: s.stagingVersion,
    updated_at: toIso(s.updatedAt),
    metrics: s.metrics,
  };
}

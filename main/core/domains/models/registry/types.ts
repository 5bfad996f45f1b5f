import type { ModelKind, ModelStage } from '../../../../../contract/models';
import type { ModelArtifact } from '../../../ml/runtime/artifact';

export type { ModelKind, ModelStage };

/** A trained model, as the training job hands it to the registry. */
export interface NewModelVersion {
  name: string;
  kind: ModelKind;
  /** Asset id (anomaly), sensor id (forecast) or data set label (rul). */
  target: string;
  sensorType: string | null;
  trainedFrom: number | null;
  trainedTo: number | null;
  trainRows: number;
  metrics: Record<string, number>;
  params: Record<string, unknown>;
  /** Model-specific data the loader needs (normalisation, thresholds); stored as JSON. */
  meta: unknown;
  backend: string;
  seed: number;
  trainingMs: number;
  /** null for a model with no weights. */
  artifact: ModelArtifact | null;
}

export interface ModelVersionRecord {
  id: string;
  name: string;
  version: number;
  kind: ModelKind;
  target: string;
  sensorType: string | null;
  stage: ModelStage;
  createdAt: number;
  trainedFrom: number | null;
  trainedTo: number | null;
  trainRows: number;
  metrics: Record<string, number>;
  params: Record<string, unknown>;
  backend: string;
  seed: number;
  trainingMs: number;
  /** Bytes of the stored TF.js artifact (topology JSON + weight manifest JSON + weights); 0 without one. */
  sizeBytes: number;
}

/** One model name with all its versions folded in. */
export interface ModelSummary {
  name: string;
  kind: ModelKind;
  target: string;
  /** Of the newest version. */
  sensorType: string | null;
  versions: number;
  latestVersion: number;
  productionVersion: number | null;
  /** The newest staging version. */
  stagingVersion: number | null;
  /** Epoch ms of the newest version or the latest stage change, whichever is later. */
  updatedAt: number;
  /** Metrics of the version `auto` resolves to. */
  metrics: Record<string, number>;
}

export interface StageChange {
  version: number;
  from: ModelStage | null;
  to: ModelStage;
  actor: string | null;
  at: number;
}

/** The best version of one (sensor type, kind), by that kind's primary validation metric. */
export interface BestModel {
  sensorType: string | null;
  kind: ModelKind;
  name: string;
  version: number;
  stage: ModelStage;
  metric: string;
  value: number;
  /** Versions compared (not archived, with the metric). */
  candidates: number;
  reason: string;
}

export type VersionRef = 'auto' | 'latest' | number;

export { ModelRegistry } from './model-registry';
export { toSummaryWire, toVersionWire } from './wire';
export { PRIMARY_METRIC, matchesSensorType } from './recommend';
export { pickVersion } from './resolve';
export { ARTIFACT_FORMAT } from './artifact-io';
export type { BestModel, ModelKind, ModelStage, ModelSummary, ModelVersionRecord, NewModelVersion, StageChange, VersionRef } from './types';

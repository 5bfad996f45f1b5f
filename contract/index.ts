import type { z } from 'zod';
import * as admin from './admin';
import * as data from './data';
import * as ml from './ml';
import * as sensors from './sensors';
import type { Operation } from './operation';

export * from './operation';

/**
 * The registry: every operation the console or an integrator can call,
 * keyed by name. HTTP routes, IPC handlers, OpenAPI docs and the renderer's
 * typed client are all derived from it.
 */
export const operations = {
  [admin.health.name]: admin.health,
  [admin.healthDb.name]: admin.healthDb,
  [admin.whoami.name]: admin.whoami,
  [admin.signIn.name]: admin.signIn,
  [admin.createKey.name]: admin.createKey,
  [admin.listKeys.name]: admin.listKeys,
  [admin.revokeKey.name]: admin.revokeKey,
  [admin.listAudit.name]: admin.listAudit,
  [data.ingest.name]: data.ingest,
  [data.importReadings.name]: data.importReadings,
  [data.listImports.name]: data.listImports,
  [data.getImport.name]: data.getImport,
  [sensors.listSensors.name]: sensors.listSensors,
  [sensors.getSensor.name]: sensors.getSensor,
  [sensors.updateSensor.name]: sensors.updateSensor,
  [sensors.listReadings.name]: sensors.listReadings,
  [sensors.readingSeries.name]: sensors.readingSeries,
  [sensors.exportReadings.name]: sensors.exportReadings,
  [ml.train.name]: ml.train,
  [ml.listJobs.name]: ml.listJobs,
  [ml.getJob.name]: ml.getJob,
  [ml.cancelJob.name]: ml.cancelJob,
  [ml.mlHealth.name]: ml.mlHealth,
  [ml.listModels.name]: ml.listModels,
  [ml.modelVersions.name]: ml.modelVersions,
  [ml.latestModel.name]: ml.latestModel,
  [ml.promoteModel.name]: ml.promoteModel,
  [ml.rollbackModel.name]: ml.rollbackModel,
  [ml.predict.name]: ml.predict,
  [ml.forecast.name]: ml.forecast,
  [ml.detect.name]: ml.detect,
  [ml.checkDrift.name]: ml.checkDrift,
  [ml.recommend.name]: ml.recommend,
} as const;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type InputOf<N extends OperationName> = z.input<Operations[N]['input']>;
export type ParsedInputOf<N extends OperationName> = z.output<Operations[N]['input']>;
export type OutputOf<N extends OperationName> = z.output<Operations[N]['output']>;

export const operationNames: ReadonlySet<string> = new Set(Object.keys(operations));

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && operationNames.has(name);
}

export function getOperation(name: OperationName): Operation {
  return operations[name] as unknown as Operation;
}

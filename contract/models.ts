import { defineContract } from './operation';
import { latestModel, listModels, mlHealth, modelVersions, promoteModel, rollbackModel } from './models-registry';
import { cancelJob, getJob, listJobs, train } from './models-training';
import { checkDrift, detect, dismissRecommendation, forecast, predict, recommend, viewDrift } from './models-inference';
import { anomalyCleared, anomalyOnset, driftDetected, modelPromoted, modelTrained } from './models-events';
import { alarmPolicyChanged, policyOperations } from './models-policy';

export * from './models-registry';
export * from './models-training';
export * from './models-inference';
export * from './models-events';
export * from './models-policy';

export const modelsContract = defineContract({
  domain: 'models',
  operations: [
    train, listJobs, getJob, cancelJob, mlHealth, listModels, modelVersions, latestModel, promoteModel, rollbackModel,
    predict, forecast, detect, checkDrift, viewDrift, recommend, dismissRecommendation, ...policyOperations,
  ],
  events: [modelTrained, modelPromoted, anomalyOnset, anomalyCleared, driftDetected, alarmPolicyChanged],
});

// Remaining useful life from run-to-failure histories: CSV reading, training
// (windowed dense network with a calibrated interval), prediction and the
// self-contained model file of `smc rul`.

export { readRunToFailureCsv, runToFailureColumns, type RunToFailureData, type RunToFailureCsvOptions } from './run-to-failure-csv';
export type { RulModelMeta, IntervalBand } from './rul-meta';
export { trainRulModel, RUL_DEFAULTS, type TrainedRulModel, type RulTrainOptions } from './train-rul';
export { loadRulPredictor, type RulEstimate, type RulPredictor } from './rul-predictor';
export { writeRulModelFile, readRulModelFile, RUL_MODEL_FORMAT, RUL_MODEL_FORMAT_VERSION, type RulModelFile } from './rul-model-file';

// Remaining useful life from run-to-failure histories: CSV reading, training
// (an ensemble of windowed networks, cross-validated by asset, with a
// calibrated interval), prediction and the
// self-contained model file of `smc rul`.

export { readRunToFailureCsv, runToFailureColumns, type RunToFailureData, type RunToFailureCsvOptions } from './run-to-failure-csv';
export type { RulModelMeta, IntervalBand } from './rul-meta';
export { trainRulModel, RUL_DEFAULTS, RUL_TUNING, type TrainedRulModel, type RulTrainOptions, type RulTuning } from './train-rul';
export type { HeldOutCut } from './rul-evaluate';
export { nasaScore, nasaScoreSum, rmse } from './rul-scores';
export { AVERAGED_ESTIMATES } from './rul-average';
export { loadRulPredictor, type RulEstimate, type RulPredictor } from './rul-predictor';
export { writeRulModelFile, readRulModelFile, RUL_MODEL_FORMAT, RUL_MODEL_FORMAT_VERSION, type RulModelFile } from './rul-model-file';

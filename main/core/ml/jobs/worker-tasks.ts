import type { TrainContext } from '../runtime/train-context';
import { fitStatisticalDetector, trainAnomalyModel, loadAnomalyDetector, type AnomalyModelMeta, type CalibrationAdjust, type AnomalyTrainOptions, type SeriesMatrix } from '../anomaly';
import { trainForecastModel, type RegularSeries } from '../forecast';
import { readRunToFailureCsv, trainRulModel } from '../rul';
import type { ModelArtifact } from '../runtime/artifact';

// The work a model worker can do. Each task takes plain data (typed arrays
// arrive as copies or transfers) and returns plain data.

export interface TrainAnomalyInput { matrix: SeriesMatrix; options: AnomalyTrainOptions }
export interface TrainForecastInput { series: RegularSeries; options: { lookback?: number; horizon?: number; epochs?: number } }
export interface TrainRulInput { csv: string; assetCol: string; timeCol: string; featureCols?: string[]; sep?: string; options: { cap?: number; window?: number; epochs?: number } }
export interface ScoreAnomalyInput { artifact: ModelArtifact; meta: AnomalyModelMeta; matrix: SeriesMatrix }
export interface ScoreStatisticalInput { referenceRows: number; matrix: SeriesMatrix; adjust?: CalibrationAdjust }

export const workerTasks = {
  /** Starts TF.js and answers: the station's check that training can run at all. */
  probe: async (_input: Record<string, never>) => ({ ok: true as const }),
  'train-anomaly': (input: TrainAnomalyInput, ctx: TrainContext) => trainAnomalyModel(input.matrix, input.options, ctx),
  'train-forecast': (input: TrainForecastInput, ctx: TrainContext) => trainForecastModel(input.series, input.options, ctx),
  'train-rul': (input: TrainRulInput, ctx: TrainContext) => {
    const data = readRunToFailureCsv(input.csv, {
      assetCol: input.assetCol,
      timeCol: input.timeCol,
      ...(input.featureCols ? { featureCols: input.featureCols } : {}),
      ...(input.sep ? { sep: input.sep } : {}),
      source: 'csv',
    });
    return trainRulModel(data, input.options, ctx);
  },
  'score-anomaly': async (input: ScoreAnomalyInput) => {
    const detector = await loadAnomalyDetector(input.artifact, input.meta);
    try {
      return await detector.scoreSeries(input.matrix);
    } finally {
      detector.dispose();
    }
  },
  /** The statistical stand-in over a long history: fitted on its first rows, then scored — off the serving thread. */
  'score-statistical': async (input: ScoreStatisticalInput) => {
    const { matrix: m, referenceRows: n } = input;
    const k = m.sensors.length;
    const d = fitStatisticalDetector({ sensors: m.sensors, timestamps: m.timestamps.subarray(0, n), values: m.values.subarray(0, n * k) }, input.adjust ? { adjust: input.adjust } : {});
    return { scores: await d.scoreSeries(m), threshold: d.threshold, window: d.window, hysteresis: d.hysteresis, seasonal: d.seasonal };
  },
} as const;

export type WorkerTaskName = keyof typeof workerTasks;
export type TaskInput<T extends WorkerTaskName> = Parameters<(typeof workerTasks)[T]>[0];
export type TaskResult<T extends WorkerTaskName> = Awaited<ReturnType<(typeof workerTasks)[T]>>;

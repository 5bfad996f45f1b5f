import { fitAndScore, type FitAndScoreOptions } from '../../main/core/ml/anomaly/fit-and-score';
import type { SeriesMatrix } from '../../main/core/ml/anomaly/types';
import { quietContext } from '../../main/core/ml/runtime/train-context';
import { loadNabFile, loadNabWindows, NAB_REAL_KNOWN_CAUSE } from './nab-data';
import { corpusScore, probationaryLength, scoreAnomalyColumn, type NabFileScore } from './nab-scorer';

// The detector on NAB's realKnownCause corpus, run the way `smc score` runs
// it: each file's probationary period (its first min(15%, 750) rows, which
// NAB never scores) is the training data, the whole file is scored, and the
// alarm onsets are the detections.

export interface NabRunOptions {
  dir: string;
  files?: readonly string[];
  window?: number;
  epochs?: number;
  seed?: number;
  statistical?: boolean;
}

export interface NabFileResult extends NabFileScore {
  file: string;
  rows: number;
  trainRows: number;
  alarms: number;
}

export interface NabRunResult {
  files: NabFileResult[];
  /** NAB-normalised score over all files (sums of raw, null and perfect). */
  overall: number;
  method: 'autoencoder' | 'statistical';
}

export async function runNabCorpus(opts: NabRunOptions): Promise<NabRunResult> {
  const windows = loadNabWindows(opts.dir);
  const files: NabFileResult[] = [];
  let method: NabRunResult['method'] = opts.statistical ? 'statistical' : 'autoencoder';
  for (const name of opts.files ?? NAB_REAL_KNOWN_CAUSE) {
    const f = loadNabFile(opts.dir, name, windows);
    const rows = f.values.length;
    const matrix: SeriesMatrix = { sensors: ['value'], timestamps: f.times, values: Float32Array.from(f.values) };
    const trainRows = Math.floor(probationaryLength(rows));
    const train: SeriesMatrix = { sensors: ['value'], timestamps: f.times.subarray(0, trainRows), values: matrix.values.subarray(0, trainRows) };
    const fitOpts: FitAndScoreOptions = {
      ...(opts.window !== undefined ? { window: opts.window } : {}),
      ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
      ...(opts.statistical ? { statistical: true } : {}),
      ctx: quietContext(opts.seed ?? 42),
    };
    const r = await fitAndScore(train, matrix, fitOpts);
    method = r.method;
    const score = scoreAnomalyColumn(r.scores.alarm, f.windows);
    files.push({ file: name, rows, trainRows, alarms: r.scores.anomalies.length, ...score });
  }
  return { files, overall: corpusScore(files), method };
}

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitStatisticalDetector, loadAnomalyDetector, trainAnomalyModel, type SeriesMatrix, type SeriesScores } from '../../../main/core/ml/anomaly';
import { loadNabFile, type NabFile } from '../../eval/nab-data';
import { alarmOnsets, scoreAnomalyColumn } from '../../eval/nab-scorer';
import { quietContext } from '../../../main/core/ml/runtime/train-context';

// The quality bar operators rely on: NAB's machine_temperature_system_failure
// (a real industrial sensor, four labelled failures), the detector trained on
// its first 2,000 rows (Dec 2–9, before the first labelled window on Dec 10).
// Each failure window must be flagged, with the alarm raised inside it, and
// few alarms elsewhere. Measured with the default settings: all four onsets
// inside their windows, 3 false onsets (the same three rows ±5 for seeds 1,
// 7, 42 and 123): the Jan 22 dip, the renewed fall on Jan 30 right after the
// third window, and the Feb 2–3 drop to 44 — each a real excursion, none
// labelled. The bound below is that measured number.

const DIR = join(__dirname, '..', '..', '..', 'assets', 'datasets', 'nab');
const TRAIN_ROWS = 2000;
const MAX_FALSE_ONSETS = 3;

let file: NabFile;
let all: SeriesMatrix;
let train: SeriesMatrix;

beforeAll(() => {
  file = loadNabFile(DIR, 'machine_temperature_system_failure.csv');
  const values = Float32Array.from(file.values);
  all = { sensors: ['temperature'], timestamps: file.times, values };
  train = { sensors: ['temperature'], timestamps: file.times.subarray(0, TRAIN_ROWS), values: values.subarray(0, TRAIN_ROWS) };
});

function judge(r: SeriesScores) {
  const onsets = alarmOnsets(r.alarm);
  const inside = (i: number) => file.windows.some((w) => i >= w.start && i <= w.end);
  return {
    flagged: file.windows.map((w) => r.anomaly.subarray(w.start, w.end + 1).includes(1)),
    onsetInside: file.windows.map((w) => onsets.some((i) => i >= w.start && i <= w.end)),
    falseOnsets: onsets.filter((i) => !inside(i)),
    nab: scoreAnomalyColumn(r.alarm, file.windows).normalized,
  };
}

describe('anomaly detection on NAB machine temperature (trained on the first 2,000 rows)', () => {
  it('the autoencoder flags all four failure windows, alarming inside each, with few false alarms', async () => {
    const trained = await trainAnomalyModel(train, {}, quietContext(42));
    expect(trained.trainRows).toBe(TRAIN_ROWS);
    expect(trained.metrics.val_recon_error).toBeGreaterThan(0);
    expect(trained.metrics.val_recon_error).toBeLessThan(0.1); // normalised units: the shapes of held-out windows are learnt
    expect(trained.metrics.threshold).toBe(trained.meta.threshold);
    const detector = await loadAnomalyDetector(trained.artifact, JSON.parse(JSON.stringify(trained.meta)));
    try {
      expect(detector.method).toBe('autoencoder');
      const r = await detector.scoreSeries(all);
      expect(r.scores).toHaveLength(file.values.length);
      const j = judge(r);
      expect(j.flagged).toEqual([true, true, true, true]);
      expect(j.onsetInside).toEqual([true, true, true, true]);
      expect(j.falseOnsets.length).toBeLessThanOrEqual(MAX_FALSE_ONSETS);
      // Nothing in the training rows is further from normal than the threshold allows.
      expect(alarmOnsets(r.alarm).every((i) => i >= TRAIN_ROWS)).toBe(true);
      // The crash to ~2 °F in the second window scores far above the threshold, and
      // the run covering it is explained by the only sensor.
      const crash = r.anomalies.find((a) => a.onsetIndex >= file.windows[1]!.start && a.onsetIndex <= file.windows[1]!.end)!;
      expect(crash.peakScore).toBeGreaterThan(10 * detector.threshold);
      expect(crash.contributions).toEqual([{ sensor: 'temperature', share: 1 }]);
      expect(j.nab).toBeGreaterThan(85);
    } finally {
      detector.dispose();
    }
  }, 60_000);

  it('the statistical fallback (no TF.js) also flags all four windows', async () => {
    // Measured: 4/4 onsets inside, 4 false onsets (the three above and one more on Jan 29,
    // just after the third window).
    const detector = fitStatisticalDetector(train);
    expect(detector.method).toBe('statistical');
    const j = judge(await detector.scoreSeries(all));
    expect(j.flagged).toEqual([true, true, true, true]);
    expect(j.onsetInside).toEqual([true, true, true, true]);
    expect(j.falseOnsets.length).toBeLessThanOrEqual(MAX_FALSE_ONSETS + 1);
  });
});

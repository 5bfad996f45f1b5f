// NAB-style scoring of an anomaly detector against labelled windows.
//
// This follows the Numenta Anomaly Benchmark's scorer (Lavin & Ahmad 2015,
// "Evaluating Real-time Anomaly Detection Algorithms — the Numenta Anomaly
// Benchmark"; github.com/numenta/NAB, nab/sweeper.py), standard profile:
//
//   A_TP = 1.0, A_FP = -0.11, A_FN = -1.0.
//
// Rows are scored by their position relative to the labelled windows with
// NAB's scaled sigmoid  σ(y) = 2 / (1 + e^(5y)) - 1  (σ(y) = -1 for y >= 3):
//
// - A detection inside a window at row i of a window [l, r] (width
//   W = r - l + 1) sits at y = -(r - i + 1) / W, from -1 at the window's
//   start to ~0 at its end, and scores A_TP * σ(y) / σ(-1): +1 at the start,
//   falling to ~0 at the end. Only the first detection in a window counts
//   (later ones in the same window score nothing, neither good nor bad).
// - A detection outside every window is a false positive scoring
//   |A_FP| * σ(y) <= 0, where y = (i - r_prev) / (W_prev - 1) is its
//   distance after the preceding window's end in units of that window's
//   width: just after a window it costs ~0, three widths later the full
//   A_FP. Before the first window it costs the full A_FP.
// - A window without a detection scores A_FN.
// - Rows in the probationary period (the first min(floor(0.15 n), 750)
//   rows, NAB's definition: 15% of the file capped at 0.15 x 5000) are not
//   scored at all: detections there count for nothing, and a window lying
//   entirely inside it is neither found nor missed.
//
// The normalised score of a file (or of a corpus: sums over its files) is
//
//   100 * (raw - null) / (perfect - null)
//
// where the null detector flags nothing (raw = A_FN per window) and the
// perfect one flags each window's first row (A_TP per window). So 0 is
// "no better than silence", 100 is perfect, and false alarms can push it
// below 0.
//
// What counts as a detection here: the onsets of alarms — rows where the
// detector's alarm state goes from 0 to 1 — not every row flagged. An
// operator is paged once per alarm, and that is what the false-positive
// cost is meant to price; NAB itself thresholds a per-row score, so a
// long alarm outside a window would cost once per row there.

export interface CostProfile {
  tp: number;
  fp: number;
  fn: number;
}

export const STANDARD_PROFILE: CostProfile = { tp: 1.0, fp: -0.11, fn: -1.0 };

/** A labelled window as inclusive row indices. */
export interface RowWindow {
  start: number;
  end: number;
}

export interface NabFileScore {
  raw: number;
  null: number;
  perfect: number;
  /** 100 * (raw - null) / (perfect - null); 0 when the file has no scorable window. */
  normalized: number;
  /** Windows (after the probationary period) and how many were found. */
  windows: number;
  detectedWindows: number;
  /** Detections outside every window (after the probationary period). */
  falsePositives: number;
  /** Row of the first detection in each scorable window, or null. */
  firstDetections: (number | null)[];
}

/** NAB's probationary period: 15% of the rows, at most 750 (0.15 x 5000). */
export function probationaryLength(rows: number, fraction = 0.15): number {
  return Math.min(Math.floor(fraction * rows), fraction * 5000);
}

/** NAB's scaled sigmoid of a relative position. */
export function scaledSigmoid(y: number): number {
  if (y >= 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/** Rows where the alarm state switches on (0 -> 1; a 1 on row 0 is an onset). */
export function alarmOnsets(anomaly: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < anomaly.length; i++) if (anomaly[i] && (i === 0 || !anomaly[i - 1])) out.push(i);
  return out;
}

/**
 * Scores the detections (row indices) of one file of `rows` rows against
 * its windows (sorted, not overlapping).
 */
export function scoreDetections(rows: number, windows: readonly RowWindow[], detections: readonly number[], profile: CostProfile = STANDARD_PROFILE, probation = probationaryLength(rows)): NabFileScore {
  const maxTp = scaledSigmoid(-1);
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  for (let k = 0; k < sorted.length; k++) {
    const w = sorted[k]!;
    if (!(w.start <= w.end) || w.start < 0 || w.end >= rows) throw new Error(`window ${k} [${w.start}, ${w.end}] is not inside 0..${rows - 1}`);
    if (k > 0 && w.start <= sorted[k - 1]!.end) throw new Error(`windows ${k - 1} and ${k} overlap`);
  }
  // A window counts when at least one of its rows is past the probationary period.
  const scorable = sorted.map((w) => w.end >= probation);
  const first: (number | null)[] = sorted.map(() => null);
  const windowScore = sorted.map((w, k) => (scorable[k] ? profile.fn : 0));
  let fpScore = 0;
  let falsePositives = 0;
  for (const i of [...new Set(detections)].sort((a, b) => a - b)) {
    if (i < probation || i < 0 || i >= rows) continue;
    const k = sorted.findIndex((w) => i >= w.start && i <= w.end);
    if (k >= 0) {
      if (first[k] !== null) continue;
      const w = sorted[k]!;
      const width = w.end - w.start + 1;
      first[k] = i;
      windowScore[k] = (profile.tp * scaledSigmoid(-(w.end - i + 1) / width)) / maxTp;
      continue;
    }
    // Outside every window: weighted by the distance from the preceding window.
    let prev: RowWindow | undefined;
    for (const w of sorted) if (w.end < i) prev = w;
    const y = prev ? (prev.end === prev.start ? 3 : (i - prev.end) / (prev.end - prev.start)) : 3;
    fpScore += Math.abs(profile.fp) * scaledSigmoid(y);
    falsePositives++;
  }
  const counted = scorable.filter(Boolean).length;
  const raw = windowScore.reduce((a, b) => a + b, 0) + fpScore;
  const nul = counted * profile.fn;
  const perfect = counted * profile.tp;
  return {
    raw,
    null: nul,
    perfect,
    normalized: perfect === nul ? 0 : (100 * (raw - nul)) / (perfect - nul),
    windows: counted,
    detectedWindows: first.filter((f, k) => f !== null && scorable[k]).length,
    falsePositives,
    firstDetections: first.filter((_, k) => scorable[k]),
  };
}

/** Scores a file from its per-row alarm state (SeriesScores.alarm; detections = alarm onsets). */
export function scoreAnomalyColumn(anomaly: ArrayLike<number>, windows: readonly RowWindow[], profile: CostProfile = STANDARD_PROFILE): NabFileScore {
  return scoreDetections(anomaly.length, windows, alarmOnsets(anomaly), profile);
}

/** The corpus score: NAB normalises the sums of raw, null and perfect over all files. */
export function corpusScore(files: readonly NabFileScore[]): number {
  const raw = files.reduce((a, f) => a + f.raw, 0);
  const nul = files.reduce((a, f) => a + f.null, 0);
  const perfect = files.reduce((a, f) => a + f.perfect, 0);
  return perfect === nul ? 0 : (100 * (raw - nul)) / (perfect - nul);
}

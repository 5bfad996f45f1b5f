// Row-level figures of a detector against labels, as an operator lives with
// them. `flagged` is the alarm state per row (what `smc score` writes as
// `anomaly`), `labels` 1 on anomalous rows; only rows with `scored` set count
// (the training rows are left out: a detector is not judged on what it was
// fitted to).
//
// - F1: 2 TP / (2 TP + FP + FN) over the scored rows.
// - False-alarm rate (FAR): flagged normal rows / normal rows.
// - Missed-alarm rate (MAR): unflagged anomalous rows / anomalous rows.
// - Onsets per 1,000 normal rows: alarm onsets (0 -> 1 steps of `flagged`,
//   counted where the row itself is normal) per 1,000 normal rows — how
//   often someone is paged for nothing.

export interface RowCounts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** Onsets on normal rows. */
  falseOnsets: number;
}

export interface RowMetrics extends RowCounts {
  f1: number;
  far: number;
  mar: number;
  onsetsPer1000: number;
}

export function rowCounts(flagged: ArrayLike<number>, labels: ArrayLike<number>, scored?: ArrayLike<number>): RowCounts {
  if (flagged.length !== labels.length || (scored && scored.length !== labels.length)) throw new Error('flags, labels and scored rows differ in length');
  const c: RowCounts = { tp: 0, fp: 0, fn: 0, tn: 0, falseOnsets: 0 };
  for (let i = 0; i < labels.length; i++) {
    if (scored && !scored[i]) continue;
    const f = flagged[i] ? 1 : 0;
    const a = labels[i] ? 1 : 0;
    if (f && a) c.tp++;
    else if (f) c.fp++;
    else if (a) c.fn++;
    else c.tn++;
    if (f && !a && (i === 0 || !flagged[i - 1])) c.falseOnsets++;
  }
  return c;
}

/** Sums of counts (pooling rows over files). */
export function addCounts(list: readonly RowCounts[]): RowCounts {
  return list.reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn, tn: a.tn + c.tn, falseOnsets: a.falseOnsets + c.falseOnsets }), { tp: 0, fp: 0, fn: 0, tn: 0, falseOnsets: 0 });
}

export function metricsOf(c: RowCounts): RowMetrics {
  const normal = c.fp + c.tn;
  const anomalous = c.tp + c.fn;
  const denom = 2 * c.tp + c.fp + c.fn;
  return {
    ...c,
    f1: denom === 0 ? 0 : (2 * c.tp) / denom,
    far: normal === 0 ? 0 : c.fp / normal,
    mar: anomalous === 0 ? 0 : c.fn / anomalous,
    onsetsPer1000: normal === 0 ? 0 : (1000 * c.falseOnsets) / normal,
  };
}

export function rowMetrics(flagged: ArrayLike<number>, labels: ArrayLike<number>, scored?: ArrayLike<number>): RowMetrics {
  return metricsOf(rowCounts(flagged, labels, scored));
}

/**
 * What the constants of models of several sensors are chosen by
 * (test/eval/choose-calibration.ts, choose-baseline.ts): the mean of F1 -
 * false-alarm rate over C-MAPSS and AI4I. F1 rewards finding the faults; the
 * false-alarm rate is the share of normal rows an operator is paged on.
 */
export function severalSensorObjective(cmapss: { f1: number; far: number }, ai4i: { f1: number; far: number }): number {
  return (cmapss.f1 - cmapss.far + (ai4i.f1 - ai4i.far)) / 2;
}

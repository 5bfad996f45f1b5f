import type { OutputOf } from '../../../contract';
import { toMs } from '../../format/time';

// What the anomaly-score chart marks. The API's per-point `anomaly` flag is
// the alarm state, which has hysteresis: it stays on while the score falls
// back well below the threshold, so it cannot stand for "above threshold".
// The chart marks the points above the threshold from their scores, and
// shades the reported anomaly periods (alarm onset to its end) separately.

type Detect = OutputOf<'ml.detect'>;
export interface Point { x: number; y: number }
export interface Span { start: number; end: number }

export function aboveThreshold(scores: Detect['scores'], threshold: number): Point[] {
  return scores.filter((p) => p.score > threshold).map((p) => ({ x: toMs(p.t), y: p.score }));
}

/** The anomaly periods within the charted span [first, last], as they are drawn. */
export function anomalySpans(anomalies: Detect['anomalies'], first: number, last: number): Span[] {
  return anomalies
    .map((a) => ({ start: Math.max(first, toMs(a.start)), end: Math.min(last, toMs(a.end)) }))
    .filter((s) => s.end >= s.start)
    .sort((a, b) => a.start - b.start);
}

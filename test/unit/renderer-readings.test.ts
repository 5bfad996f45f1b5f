import { describe, expect, it } from 'vitest';
import { tabFromHash } from '../../renderer/components/tab-hash';
import { importOutcome, OUTCOME_TONE } from '../../renderer/tabs/ingest/import-outcome';
import { ksDiffers, PSI_STABLE_BELOW, readPsi } from '../../renderer/tabs/prediction/drift-reading';
import { aboveThreshold, anomalySpans } from '../../renderer/tabs/prediction/score-marks';

// How the console reads what the station answers: one rule per reading,
// shared by every place that shows it.

describe('readPsi', () => {
  it('reads below 0.1 as stable, up to the threshold as moderate, above it as significant', () => {
    expect(PSI_STABLE_BELOW).toBe(0.1);
    expect([0, 0.05, 0.0999].map((p) => readPsi(p, 0.2))).toEqual(['stable', 'stable', 'stable']);
    // The value of the report: 0.162 is a moderate shift, not a stable population.
    expect([0.1, 0.162, 0.2].map((p) => readPsi(p, 0.2))).toEqual(['moderate', 'moderate', 'moderate']);
    expect([0.2001, 0.25, 3.2].map((p) => readPsi(p, 0.2))).toEqual(['significant', 'significant', 'significant']);
  });

  it('is significant exactly when the station declares drift by PSI (psi > psi_threshold), whatever the threshold', () => {
    for (const threshold of [0.05, 0.1, 0.2, 0.25, 1]) {
      for (const psi of [0, 0.04, 0.05, 0.06, 0.1, 0.15, 0.2, 0.24, 0.25, 0.3, 1, 1.5]) {
        expect(readPsi(psi, threshold) === 'significant', `psi ${psi}, threshold ${threshold}`).toBe(psi > threshold);
      }
    }
    // A threshold below 0.1 leaves no moderate band.
    expect([0.04, 0.06].map((p) => readPsi(p, 0.05))).toEqual(['stable', 'significant']);
  });

  it('reads the KS test as the station does: different when p is below the threshold', () => {
    expect([ksDiffers(0.049, 0.05), ksDiffers(0.05, 0.05), ksDiffers(0.4, 0.05)]).toEqual([true, false, false]);
  });
});

describe('importOutcome', () => {
  const done = { status: 'completed' as const, rows: 6, rejected: 0, conflicts: 0 };

  it('is a success only when no row was rejected or conflicting', () => {
    expect(importOutcome(done)).toBe('ok');
    expect(importOutcome({ ...done, rejected: 4 })).toBe('problems');
    expect(importOutcome({ ...done, conflicts: 1 })).toBe('problems');
    expect(importOutcome({ ...done, rejected: 6 })).toBe('rejected');
    expect(importOutcome({ ...done, rows: 0 })).toBe('empty');
    expect(importOutcome({ ...done, status: 'failed', rejected: 1 })).toBe('failed');
    expect(importOutcome({ ...done, status: 'interrupted' })).toBe('failed');
  });

  it('gives problems the warning tone and nothing usable the error tone', () => {
    expect(OUTCOME_TONE).toEqual({ ok: 'ok', problems: 'warn', empty: 'warn', rejected: 'error', failed: 'error' });
  });
});

describe('anomaly score marks', () => {
  const threshold = 1;
  // The alarm state (anomaly) lags the score: on after the score has been above, and still on as it falls back.
  const scores = [
    { t: 0, score: 0.2, anomaly: false },
    { t: 1, score: 1.4, anomaly: false },
    { t: 2, score: 1.6, anomaly: true },
    { t: 3, score: 0.95, anomaly: true },
    { t: 4, score: 0.01, anomaly: true },
    { t: 5, score: 1, anomaly: false },
  ];

  it('marks a point above the threshold by its score, not by the alarm flag', () => {
    expect(aboveThreshold(scores, threshold)).toEqual([{ x: 1, y: 1.4 }, { x: 2, y: 1.6 }]);
  });

  it('shades the reported periods, clipped to the charted span, in time order', () => {
    const a = (start: number, end: number) => ({ start, end, peak_score: 2, peak_at: start, contributions: [] });
    expect(anomalySpans([a(8, 12), a(2, 4), a(-3, 1), a(20, 30)], 0, 10)).toEqual([
      { start: 0, end: 1 },
      { start: 2, end: 4 },
      { start: 8, end: 10 },
    ]);
  });
});

describe('tabFromHash', () => {
  it('decodes the tab id kept in the hash', () => {
    expect(tabFromHash('#models')).toBe('models');
    expect(tabFromHash('#pr%C3%A9')).toBe('pré');
    expect(tabFromHash('')).toBe('');
  });

  it('returns a malformed escape as typed instead of throwing', () => {
    expect(() => decodeURIComponent('%E0%A4%A')).toThrow(URIError);
    expect(tabFromHash('#%E0%A4%A')).toBe('%E0%A4%A');
    expect(tabFromHash('#%')).toBe('%');
  });
});

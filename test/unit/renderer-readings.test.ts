import { describe, expect, it } from 'vitest';
import { tabFromHash } from '../../renderer/components/tab-hash';
import { importOutcome, OUTCOME_TONE } from '../../renderer/tabs/ingest/import-outcome';
import { ksDiffers } from '../../renderer/tabs/prediction/drift-reading';
import { aboveThreshold, anomalySpans } from '../../renderer/tabs/prediction/score-marks';

// How the console reads what the station answers: one rule per reading,
// shared by every place that shows it.

describe('ksDiffers', () => {
  // PSI is read by the station (psi_level); the console keeps no rule of its own for it.
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
  const T0 = Date.UTC(2024, 4, 1);
  const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
  // Times arrive as ISO strings. The period flag (anomaly) is not the threshold: a period holds points below it.
  const scores = [
    { t: at(0), score: 0.2, above_threshold: false, anomaly: false },
    { t: at(1), score: 1.4, above_threshold: true, anomaly: false },
    { t: at(2), score: 1.6, above_threshold: true, anomaly: true },
    { t: at(3), score: 0.95, above_threshold: false, anomaly: true },
    { t: at(4), score: 0.01, above_threshold: false, anomaly: true },
    { t: at(5), score: 1, above_threshold: false, anomaly: false },
  ];

  it('marks a point above the threshold by its score, not by the period flag, at its time in epoch ms', () => {
    expect(aboveThreshold(scores, threshold)).toEqual([{ x: T0 + 60_000, y: 1.4 }, { x: T0 + 120_000, y: 1.6 }]);
  });

  it('shades the reported periods, clipped to the charted span, in time order', () => {
    const a = (start: number, end: number) => ({ start: at(start), end: at(end), peak_score: 2, peak_at: at(start), contributions: [] });
    const ms = (m: number) => T0 + m * 60_000;
    expect(anomalySpans([a(8, 12), a(2, 4), a(-3, 1), a(20, 30)], ms(0), ms(10))).toEqual([
      { start: ms(0), end: ms(1) },
      { start: ms(2), end: ms(4) },
      { start: ms(8), end: ms(10) },
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

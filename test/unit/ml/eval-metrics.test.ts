import { describe, expect, it } from 'vitest';
import { addCounts, metricsOf, rowCounts, rowMetrics } from '../../eval/metrics';
import { CMAPSS, cmapssCases } from '../../eval/datasets';

// The evaluation's row figures on examples worked by hand.

describe('evaluation metrics', () => {
  // rows:     0 1 2 3 4 5 6 7 8 9
  // labels:   0 0 0 1 1 1 1 0 0 0
  // flagged:  0 1 0 0 1 1 1 1 0 1
  // TP rows 4,5,6 (3); FP rows 1,7,9 (3); FN row 3 (1); TN rows 0,2,8 (3).
  // Onsets (0 -> 1): rows 1, 4, 9; on normal rows: 1 and 9 (row 7 continues the alarm begun at 4).
  const labels = [0, 0, 0, 1, 1, 1, 1, 0, 0, 0];
  const flagged = [0, 1, 0, 0, 1, 1, 1, 1, 0, 1];

  it('counts rows and false onsets', () => {
    expect(rowCounts(flagged, labels)).toEqual({ tp: 3, fp: 3, fn: 1, tn: 3, falseOnsets: 2 });
  });

  it('gives F1, false-alarm rate, missed-alarm rate and onsets per 1,000 normal rows', () => {
    const m = rowMetrics(flagged, labels);
    expect(m.f1).toBeCloseTo((2 * 3) / (2 * 3 + 3 + 1), 12); // 6/10
    expect(m.far).toBeCloseTo(3 / 6, 12);
    expect(m.mar).toBeCloseTo(1 / 4, 12);
    expect(m.onsetsPer1000).toBeCloseTo((1000 * 2) / 6, 9);
  });

  it('counts only the scored rows', () => {
    // Rows 0-2 are training rows: row 1's false alarm does not count.
    const scored = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
    expect(rowCounts(flagged, labels, scored)).toEqual({ tp: 3, fp: 2, fn: 1, tn: 1, falseOnsets: 1 });
    const m = rowMetrics(flagged, labels, scored);
    expect(m.far).toBeCloseTo(2 / 3, 12);
    expect(m.onsetsPer1000).toBeCloseTo(1000 / 3, 9);
  });

  it('pools counts over files before taking ratios', () => {
    const a = rowCounts([1, 1, 0, 0], [1, 1, 0, 0]); // perfect
    const b = rowCounts([0, 0, 1, 0], [1, 0, 0, 0]); // misses, one false alarm
    const m = metricsOf(addCounts([a, b]));
    expect(m.tp).toBe(2);
    expect(m.fn).toBe(1);
    expect(m.fp).toBe(1);
    expect(m.f1).toBeCloseTo(4 / 6, 12);
    expect(m.far).toBeCloseTo(1 / 5, 12);
    expect(m.mar).toBeCloseTo(1 / 3, 12);
  });

  it('gives zeros, not NaN, where a class is absent', () => {
    const m = rowMetrics([0, 0, 0], [0, 0, 0]);
    expect(m).toMatchObject({ f1: 0, far: 0, mar: 0, onsetsPer1000: 0 });
    expect(rowMetrics([1, 1], [1, 1])).toMatchObject({ f1: 1, far: 0, mar: 0 });
    expect(() => rowCounts([1], [1, 0])).toThrow(/length/);
  });

  it('scores a C-MAPSS engine on its healthy plateau and its last 30 cycles only', () => {
    const cases = cmapssCases();
    expect(cases).toHaveLength(100);
    let healthy = 0;
    for (const c of cases) {
      const n = c.labels.length;
      for (let i = 0; i < n; i++) {
        const left = n - 1 - i;
        const expected = i >= CMAPSS.trainCycles && (left < CMAPSS.failingCycles || left >= CMAPSS.healthyRul) ? 1 : 0;
        expect(c.scored[i], `${c.name} row ${i}`).toBe(expected);
        expect(c.labels[i]).toBe(left < CMAPSS.failingCycles ? 1 : 0);
        expect(c.scoredAfterTraining![i]).toBe(i >= CMAPSS.trainCycles ? 1 : 0);
        if (expected && !c.labels[i]) healthy++;
      }
    }
    // Engines of more than 80 + 125 cycles have healthy rows after training.
    expect(healthy).toBeGreaterThan(1000);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { doubleDecimal, float32Decimal, float32Decimals } from '../../../main/core/ml/runtime/decimals';
import { shortestFloat32Decimal as shortestByDefinition } from '../../helpers/ml-data';

// How model outputs are written: a float32 as the shortest decimal that
// reads back as the same float32, a float64 result with the 15 digits a
// float64 holds. Checked against a plain definition: try 1, 2, … 9
// significant digits and take the first that reads back.

describe('float32Decimal', () => {
  it('writes float32 values without the digits of a float64 they never had', () => {
    expect(Math.fround(61.57)).toBe(61.56999969482422);
    expect(float32Decimal(61.56999969482422)).toBe(61.57);
    expect(float32Decimal(Math.fround(65.28))).toBe(65.28);
    expect(float32Decimal(Math.fround(0.1))).toBe(0.1);
    expect(float32Decimal(Math.fround(-273.15))).toBe(-273.15);
    expect(float32Decimal(123456789)).toBe(123456790); // the float32 is 123456792
    expect(float32Decimal(Math.fround(1e-30))).toBe(1e-30);
    expect(float32Decimal(Math.fround(3.4e38))).toBe(3.4e38);
    expect(float32Decimal(1e-45)).toBe(1e-45); // the smallest subnormal
    expect(float32Decimal(0)).toBe(0);
    expect(float32Decimal(125)).toBe(125);
    expect(float32Decimal(Infinity)).toBe(Infinity);
    expect(float32Decimal(NaN)).toBeNaN();
    expect(Array.from(float32Decimals(Float32Array.of(61.57, 65.28, 1 / 3)))).toEqual([61.57, 65.28, 0.33333334]);
  });

  it('is the shortest decimal that reads back as the same float32, for any float32', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (f) => {
        const d = float32Decimal(f);
        expect(Math.fround(d)).toBe(Math.fround(f));
        expect(d).toBe(shortestByDefinition(f));
      }),
      { numRuns: 20_000 },
    );
  });

  it('keeps the order of the float32 values it writes', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), fc.float({ noNaN: true, noDefaultInfinity: true }), (a, b) => {
        if (Math.fround(a) < Math.fround(b)) expect(float32Decimal(a)).toBeLessThan(float32Decimal(b));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('doubleDecimal', () => {
  it('drops the binary tail of float64 arithmetic on decimals, and leaves stored decimals alone', () => {
    expect((61.5 + 61.54) / 2).toBe(61.519999999999996);
    expect(doubleDecimal((61.5 + 61.54) / 2)).toBe(61.52);
    expect(doubleDecimal(0.1 + 0.2)).toBe(0.3);
    expect(doubleDecimal(65.64 + (65.28 - 65.64))).toBe(65.28);
    expect(doubleDecimal(61.57)).toBe(61.57);
    expect(doubleDecimal(-0.000123456789012345)).toBe(-0.000123456789012345);
    expect(doubleDecimal(0)).toBe(0);
  });

  it('returns any decimal of up to 15 significant digits unchanged', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 15 }), (x, p) => {
        const stored = Number(x.toPrecision(p));
        expect(doubleDecimal(stored)).toBe(stored);
      }),
      { numRuns: 5000 },
    );
  });
});

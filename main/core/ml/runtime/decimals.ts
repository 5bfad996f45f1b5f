// How numbers leave the models. Three kinds, three rules:
//
// - Stored readings (forecast history, a grid cell holding one reading, a
//   persistence forecast) are returned exactly as stored: no rule here
//   touches them.
// - What a TF.js network computes is float32, and so is everything derived
//   from its output at that precision: forecasts and their bands, anomaly
//   scores, remaining useful life. Such a value is returned as the shortest
//   decimal that reads back as the same float32 (`float32Decimal`): 65.28,
//   not 65.27999877929688, which is the same float32 printed with the
//   digits of a float64 it never had. Math.fround of the returned number is
//   the model's exact float32, so nothing is lost.
// - Values computed in float64 from readings (the mean of several readings
//   in one grid cell, a statistical forecast and its band) are rounded to
//   15 significant digits (`doubleDecimal`), the most a float64 carries
//   without loss (DBL_DIG): 61.52 rather than the 61.519999999999996 that
//   averaging 61.5 and 61.54 leaves behind. A stored reading of up to 15
//   significant digits passes through it unchanged.

/** Powers of ten that are exact doubles. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** The smallest normal float32: below it precision thins out, and short decimals can read back. */
const MIN_NORMAL32 = 2 ** -126;

/**
 * `a` (> 0) rounded to `p` significant digits, halves away from zero as
 * toPrecision rounds, given its decimal exponent `e` (10^e <= a < 10^(e+1)).
 */
function roundedTo(a: number, p: number, e: number): number {
  const k = p - 1 - e;
  // Division and multiplication of exact operands round once, as parsing the decimal would.
  if (k >= 0 && k <= 22) return Math.round(a * POW10[k]!) / POW10[k]!;
  if (k < 0 && k >= -22) return Math.round(a / POW10[-k]!) * POW10[-k]!;
  return Number(a.toPrecision(p));
}

/**
 * The shortest decimal (fewest significant digits) that Math.fround maps
 * back to the float32 nearest `v`. Six digits are tried first: six-digit
 * decimals lie further apart than normal float32 neighbours, so when the
 * nearest one does not read back, no shorter decimal does either (subnormals
 * start from one digit); nine always do.
 */
export function float32Decimal(v: number): number {
  const f = Math.fround(v);
  if (f === 0 || !Number.isFinite(f)) return f;
  const a = Math.abs(f);
  let e = Math.floor(Math.log10(a));
  // log10 may land one off next to a power of ten.
  if (a < 10 ** e) e--;
  else if (a >= 10 ** (e + 1)) e++;
  for (let p = a < MIN_NORMAL32 ? 1 : 6; p < 9; p++) {
    const d = f < 0 ? -roundedTo(a, p, e) : roundedTo(a, p, e);
    if (Math.fround(d) === f) return d;
  }
  return Number(f.toPrecision(9));
}

/** float32Decimal of every value, as float64 (a Float32Array cannot hold the decimals). */
export function float32Decimals(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32Decimal(values[i]!);
  return out;
}

/** A float64 result rounded to the 15 significant digits a float64 carries without loss. */
export function doubleDecimal(v: number): number {
  return v === 0 || !Number.isFinite(v) ? v : Number(v.toPrecision(15));
}

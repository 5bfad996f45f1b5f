// Windows as the autoencoder reads them. A window of W normalised rows is
// split in two parts: each sensor's mean over the window (its level) and
// the window minus those means (its shape). The network learns shapes —
// how the sensors move together over W steps — and the level is scored
// directly against the training rows, so a normal regime a little above
// anything seen in training is not mistaken for a broken pattern, while a
// sustained shift still counts (see score-parts.ts).

/**
 * Windows starting at rows `starts[k]` of `norm` (row-major, s sensors),
 * flattened to k x (w * s) with each sensor centred on its window mean;
 * the means go to `means` (k x s) when given.
 */
export function centredFrames(norm: Float32Array, starts: ArrayLike<number>, w: number, s: number, means?: Float32Array): Float32Array {
  const n = starts.length;
  const out = new Float32Array(n * w * s);
  const m = new Float64Array(s);
  for (let k = 0; k < n; k++) {
    const base = starts[k]! * s;
    const o = k * w * s;
    m.fill(0);
    for (let t = 0, p = base; t < w; t++) for (let j = 0; j < s; j++, p++) m[j]! += norm[p]!;
    for (let j = 0; j < s; j++) m[j] = m[j]! / w;
    for (let t = 0, p = base, q = o; t < w; t++) for (let j = 0; j < s; j++, p++, q++) out[q] = norm[p]! - m[j]!;
    if (means) for (let j = 0; j < s; j++) means[k * s + j] = m[j]!;
  }
  return out;
}

/** Start rows first, first + 1, ..., first + count - 1. */
export function consecutive(first: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let k = 0; k < count; k++) out[k] = first + k;
  return out;
}

/**
 * Centres one window (w x s) in place on each sensor's mean, which goes to
 * `means`; the same arithmetic as centredFrames, so online and batch agree.
 */
export function centreInPlace(win: Float32Array, w: number, s: number, means: Float32Array, scratch: Float64Array): void {
  scratch.fill(0);
  for (let t = 0, p = 0; t < w; t++) for (let j = 0; j < s; j++, p++) scratch[j]! += win[p]!;
  for (let j = 0; j < s; j++) {
    scratch[j] = scratch[j]! / w;
    means[j] = scratch[j]!;
  }
  for (let t = 0, p = 0; t < w; t++) for (let j = 0; j < s; j++, p++) win[p] = win[p]! - scratch[j]!;
}

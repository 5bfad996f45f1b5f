import { seededRandom, shuffledIndices } from '../runtime/random';

// Folds of whole assets. Rows of one engine are strongly correlated (its
// initial wear, its sensor offsets), so any split that puts rows of one asset
// on both sides lets the model recognise the engine instead of its wear.
// Every split here is of asset indices; windows follow their asset.

/** Fold (0..k-1) of each of `n` assets, seeded; fold sizes differ by at most one. */
export function assignFolds(n: number, k: number, seed: number): Int32Array {
  const order = shuffledIndices(n, seededRandom(seed));
  const fold = new Int32Array(n);
  order.forEach((asset, i) => {
    fold[asset] = i % k;
  });
  return fold;
}

/** How many folds `n` assets allow: `wanted`, but at least one asset per fold and at least 2 folds. */
export function foldCount(n: number, wanted: number): number {
  return Math.max(2, Math.min(wanted, n));
}

/**
 * Splits the training assets of a fold into the ones fitted and the inner
 * validation ones that stop training (`fraction` of them, at least one).
 * With a single training asset there is nothing to hold out: it is both,
 * and the caller says so in its metrics.
 */
export function innerSplit(training: number[], fraction: number, seed: number): { fit: number[]; inner: number[] } {
  if (training.length < 2) return { fit: training, inner: [] };
  const order = Array.from(shuffledIndices(training.length, seededRandom(seed)), (i) => training[i]!);
  const nInner = Math.min(training.length - 1, Math.max(1, Math.round(training.length * fraction)));
  return { inner: order.slice(0, nInner), fit: order.slice(nInner) };
}

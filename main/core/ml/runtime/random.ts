// Seeded randomness, so that a training run is reproducible from its seed:
// weight initialisers get seeds derived from it and batches are shuffled with
// it (TF.js's own shuffle uses Math.random).

/** mulberry32: a small, fast, well-distributed 32-bit generator. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of 0..n-1 with the given generator. */
export function shuffledIndices(n: number, rand: () => number): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx;
}

/** A stream of distinct integer seeds for layer initialisers, derived from one seed. */
export function seedSequence(seed: number): () => number {
  const rand = seededRandom(seed ^ 0x9e3779b9);
  return () => Math.floor(rand() * 2 ** 31);
}

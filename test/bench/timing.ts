// Latency sampling shared by the model benches.

/** The q-quantile of an ascending array (nearest rank). */
export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** p50 and p95 in ms of `n` calls after 50 warm-up calls. */
export function timed(n: number, fn: (i: number) => void): { p50: number; p95: number } {
  for (let i = 0; i < 50; i++) fn(i);
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    fn(i);
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { p50: quantile(t, 0.5), p95: quantile(t, 0.95) };
}

// The widths of the rollup buckets, finest first. A bucket starts at a
// multiple of its width counted from the Unix epoch (UTC), so each coarser
// bucket is exactly a run of finer ones.

export const SECOND = 1000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const RESOLUTIONS = [SECOND, MINUTE, HOUR, DAY] as const;

/** Start of the bucket of width `res` that holds `ts` (floor, also before 1970). */
export function bucketOf(ts: number, res: number): number {
  return ts - (((ts % res) + res) % res);
}

/** The SQL form of bucketOf over a column. */
export function bucketSql(column: string, res: number): string {
  return `(${column} - ((${column} % ${res}) + ${res}) % ${res})`;
}

// Tick positions for a time axis on a plain linear scale: round local times
// (every 5 minutes, every 6 hours, midnight…) instead of the arbitrary
// millisecond values a linear scale would pick.

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const STEPS = [S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M, H, 2 * H, 3 * H, 6 * H, 12 * H, D, 2 * D, 7 * D, 14 * D, 30 * D, 91 * D, 182 * D, 365 * D];

/** Offset of local time from UTC at `ms`, in ms (east positive). */
const localOffset = (ms: number) => -new Date(ms).getTimezoneOffset() * M;

export function timeTicks(min: number, max: number, maxTicks: number): number[] {
  if (!(max > min) || maxTicks < 2) return [min];
  const step = STEPS.find((s) => (max - min) / s <= maxTicks) ?? STEPS[STEPS.length - 1]!;
  const ticks: number[] = [];
  // Align in local wall time, so hour and day ticks fall on the operator's hours and midnights.
  const offset = localOffset(min);
  for (let t = Math.ceil((min + offset) / step) * step - offset; t <= max && ticks.length < 1000; t += step) {
    // Across a DST change the offset moves; re-align each tick to its own offset.
    const shift = localOffset(t) - offset;
    const tick = step >= H ? t - shift : t;
    if (tick >= min && tick <= max) ticks.push(tick);
  }
  return ticks;
}

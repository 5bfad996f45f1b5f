import type { ChartOptions } from 'chart.js';
import { formatAxisTick } from './time';
import { timeTicks } from './time-ticks';

// The x axis of every time chart: a linear axis of epoch milliseconds (no
// date adapter) with ticks at round times, formatted with Intl in the
// operator's zone.

type ScaleOptions = NonNullable<ChartOptions<'line'>['scales']>[string];

/**
 * `pinned`: the axis spans exactly first..last (a forecast's history and
 * horizon); otherwise Chart.js fits it to the data.
 */
export function timeAxis(first: number, last: number, title: string, locale: string, pinned = false): ScaleOptions {
  const span = last - first;
  return {
    type: 'linear',
    // A single point has no span: show the hour around it rather than a 2 ms axis.
    ...(span === 0 ? { min: first - 30 * 60_000, max: first + 30 * 60_000 } : pinned ? { min: first, max: last } : {}),
    title: { display: true, text: title },
    ticks: { maxRotation: 0, autoSkip: false, callback: (v) => formatAxisTick(Number(v), span, locale) },
    afterBuildTicks: (scale) => {
      // About one label per 130 px keeps them apart even with dates in them.
      scale.ticks = timeTicks(scale.min, scale.max, Math.max(2, Math.floor(scale.width / 130))).map((value) => ({ value }));
    },
    grid: { color: '#d4d9e0' },
  };
}

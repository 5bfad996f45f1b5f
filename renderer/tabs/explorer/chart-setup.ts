// Chart.js is tree-shaken: only the parts the series chart uses are
// registered. There is no date adapter, so time is a linear axis of epoch
// milliseconds whose ticks are formatted with Intl in the operator's zone.
import {
  Chart,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartData,
  type ChartOptions,
} from 'chart.js';
import type { Series } from '../../stores/explorer-store';
import { formatAxisTick, formatDateTime, formatNumber } from '../../format/time';
import { timeTicks } from '../../format/time-ticks';

Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Tooltip, Legend, Decimation);
Chart.defaults.font.size = 14;
Chart.defaults.color = '#1b1f24';

export type XY = { x: number; y: number };

const MEAN = '#0a4da2';
const BAND = 'rgba(10, 77, 162, 0.22)';

export interface ChartLabels {
  min: string;
  max: string;
  mean: string;
  band: string;
  axis: string;
  unit: string;
}

export function seriesData(series: Series, labels: ChartLabels): ChartData<'line', XY[]> {
  const pts = series.points;
  // With only a few points a line of radius-0 points would draw nothing at all.
  const pointRadius = pts.length < 60 ? 3 : 0;
  return {
    datasets: [
      { label: labels.min, data: pts.map((p) => ({ x: p.t, y: p.min })), borderWidth: 0, pointRadius: 0, borderColor: BAND, backgroundColor: BAND, fill: false },
      { label: labels.band, data: pts.map((p) => ({ x: p.t, y: p.max })), borderWidth: 0, pointRadius: 0, borderColor: BAND, backgroundColor: BAND, fill: '-1' },
      { label: labels.mean, data: pts.map((p) => ({ x: p.t, y: p.mean })), borderWidth: 2, pointRadius, borderColor: MEAN, backgroundColor: MEAN, fill: false },
    ],
  };
}

export function seriesOptions(series: Series, labels: ChartLabels, locale: string): ChartOptions<'line'> {
  const first = series.points[0]?.t ?? 0;
  const last = series.points[series.points.length - 1]?.t ?? first;
  const span = last - first;
  return {
    // Decimation needs pre-parsed {x,y} data and a linear x axis.
    parsing: false,
    normalized: true,
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    scales: {
      x: {
        type: 'linear',
        // A single bucket has no span: show the hour around it rather than a 2 ms axis.
        ...(span === 0 ? { min: first - 30 * 60_000, max: first + 30 * 60_000 } : {}),
        title: { display: true, text: labels.axis },
        ticks: { maxRotation: 0, autoSkip: false, callback: (v) => formatAxisTick(Number(v), span, locale) },
        afterBuildTicks: (scale) => {
          // About one label per 130 px keeps them apart even with dates in them.
          scale.ticks = timeTicks(scale.min, scale.max, Math.max(2, Math.floor(scale.width / 130))).map((value) => ({ value }));
        },
        grid: { color: '#d4d9e0' },
      },
      y: {
        title: { display: labels.unit !== '', text: labels.unit },
        ticks: { callback: (v) => formatNumber(Number(v), locale) },
        grid: { color: '#d4d9e0' },
      },
    },
    plugins: {
      decimation: { enabled: true, algorithm: 'min-max' },
      legend: {
        position: 'top',
        labels: { boxWidth: 18, padding: 16, filter: (item) => item.datasetIndex !== 0 },
      },
      tooltip: {
        callbacks: {
          title: (items) => (items[0] ? formatDateTime(items[0].parsed.x ?? 0, locale) : ''),
          label: (item) => `${item.dataset.label}: ${formatNumber(item.parsed.y, locale)}${labels.unit ? ` ${labels.unit}` : ''}`,
        },
      },
    },
  };
}

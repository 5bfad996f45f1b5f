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
import { formatDateTime, formatNumber, toMs } from '../../format/time';
import { timeAxis } from '../../format/time-axis';

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
      { label: labels.min, data: pts.map((p) => ({ x: toMs(p.t), y: p.min })), borderWidth: 0, pointRadius: 0, borderColor: BAND, backgroundColor: BAND, fill: false },
      { label: labels.band, data: pts.map((p) => ({ x: toMs(p.t), y: p.max })), borderWidth: 0, pointRadius: 0, borderColor: BAND, backgroundColor: BAND, fill: '-1' },
      { label: labels.mean, data: pts.map((p) => ({ x: toMs(p.t), y: p.mean })), borderWidth: 2, pointRadius, borderColor: MEAN, backgroundColor: MEAN, fill: false },
    ],
  };
}

export function seriesOptions(series: Series, labels: ChartLabels, locale: string): ChartOptions<'line'> {
  const first = toMs(series.points[0]?.t ?? 0);
  const last = toMs(series.points[series.points.length - 1]?.t ?? first);
  return {
    // Decimation needs pre-parsed {x,y} data and a linear x axis.
    parsing: false,
    normalized: true,
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    scales: {
      x: timeAxis(first, last, labels.axis, locale),
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

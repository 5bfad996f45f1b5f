// Chart.js parts of the forecast and anomaly-score charts (registering twice
// is harmless, so this does not depend on the Explorer having loaded). No
// date adapter: time is a linear axis of epoch ms with Intl-formatted ticks.
import {
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartData,
  type ChartOptions,
  type Plugin,
} from 'chart.js';
import type { DetectResult, ForecastResult } from '../../stores/prediction-store';
import { formatDateTime, toMs } from '../../format/time';
import { timeAxis } from '../../format/time-axis';
import { formatSig } from '../models/model-format';
import { aboveThreshold, type Span } from './score-marks';

Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Tooltip);

export type XY = { x: number; y: number };

/** Colours of the legend swatches and the lines they stand for (high contrast on white). */
export const COLORS = {
  history: '#0a4da2',
  forecast: '#b34700',
  band: 'rgba(179, 71, 0, 0.22)',
  threshold: '#a4161a',
  score: '#0a4da2',
  anomaly: '#a4161a',
  period: 'rgba(164, 22, 26, 0.13)',
  periodEdge: '#a4161a',
} as const;

export interface ForecastLabels {
  history: string;
  forecast: string;
  lower: string;
  upper: string;
  threshold: string;
  crossing: string;
  axis: string;
  unit: string;
}

function baseOptions(min: number, max: number, axis: string, unit: string, locale: string): ChartOptions<'line'> {
  return {
    parsing: false,
    normalized: true,
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    scales: {
      x: timeAxis(min, max, axis, locale, true),
      y: { title: { display: unit !== '', text: unit }, ticks: { callback: (v) => formatSig(Number(v), locale) }, grid: { color: '#d4d9e0' } },
    },
    plugins: {
      // The legend is drawn in HTML next to the chart: readable, translatable, testable.
      legend: { display: false },
      tooltip: {
        callbacks: {
          title: (items) => (items[0] ? formatDateTime(items[0].parsed.x ?? 0, locale) : ''),
          label: (item) => `${item.dataset.label}: ${formatSig(item.parsed.y, locale)}${unit ? ` ${unit}` : ''}`,
        },
      },
    },
  };
}

/** The span the forecast chart covers: history, then the horizon. */
export function forecastSpan(r: ForecastResult): [number, number] {
  const first = r.history[0]?.t ?? r.points[0]?.t ?? r.last_timestamp;
  const last = r.points[r.points.length - 1]?.t ?? r.last_timestamp;
  return [toMs(first), toMs(last)];
}

export function forecastData(r: ForecastResult, labels: ForecastLabels): ChartData<'line', XY[]> {
  const last = r.history[r.history.length - 1];
  // The forecast and its band start at the last reading, so the eye follows on from it.
  const anchor = last ? [{ x: toMs(last.t), y: last.value }] : [];
  const [min, max] = forecastSpan(r);
  const crossing = r.threshold_crossing;
  const datasets: ChartData<'line', XY[]>['datasets'] = [
    { label: labels.history, data: r.history.map((p) => ({ x: toMs(p.t), y: p.value })), borderColor: COLORS.history, backgroundColor: COLORS.history, borderWidth: 2, pointRadius: 0, fill: false },
    { label: labels.lower, data: [...anchor, ...r.points.map((p) => ({ x: toMs(p.t), y: p.lower }))], borderWidth: 0, pointRadius: 0, borderColor: COLORS.band, backgroundColor: COLORS.band, fill: false },
    { label: labels.upper, data: [...anchor, ...r.points.map((p) => ({ x: toMs(p.t), y: p.upper }))], borderWidth: 0, pointRadius: 0, borderColor: COLORS.band, backgroundColor: COLORS.band, fill: '-1' },
    { label: labels.forecast, data: [...anchor, ...r.points.map((p) => ({ x: toMs(p.t), y: p.value }))], borderColor: COLORS.forecast, backgroundColor: COLORS.forecast, borderWidth: 3, borderDash: [8, 5], pointRadius: r.points.length < 40 ? 3 : 0, fill: false },
  ];
  if (crossing) {
    datasets.push({ label: labels.threshold, data: [{ x: min, y: crossing.threshold }, { x: max, y: crossing.threshold }], borderColor: COLORS.threshold, backgroundColor: COLORS.threshold, borderWidth: 2, borderDash: [3, 4], pointRadius: 0, fill: false });
    // Already beyond: there is no crossing ahead to mark.
    if (crossing.eta !== null && !crossing.already_crossed) {
      datasets.push({ label: labels.crossing, data: [{ x: toMs(crossing.eta), y: crossing.threshold }], borderColor: COLORS.threshold, backgroundColor: '#ffffff', borderWidth: 3, pointRadius: 9, pointStyle: 'crossRot', showLine: false });
    }
  }
  return { datasets };
}

export function forecastOptions(r: ForecastResult, labels: ForecastLabels, locale: string): ChartOptions<'line'> {
  const [min, max] = forecastSpan(r);
  return baseOptions(min, max, labels.axis, labels.unit, locale);
}

export interface ScoreLabels {
  score: string;
  threshold: string;
  anomaly: string;
  axis: string;
}

/** First and last scored time, epoch ms. */
export function scoreSpan(r: DetectResult): [number, number] {
  const first = toMs(r.scores[0]?.t ?? 0);
  const last = toMs(r.scores[r.scores.length - 1]?.t ?? first);
  return [first, last];
}

export function scoreData(r: DetectResult, labels: ScoreLabels): ChartData<'line', XY[]> {
  const [first, last] = scoreSpan(r);
  return {
    datasets: [
      { label: labels.score, data: r.scores.map((p) => ({ x: toMs(p.t), y: p.score })), borderColor: COLORS.score, backgroundColor: COLORS.score, borderWidth: 1.5, pointRadius: 0, fill: false },
      { label: labels.threshold, data: [{ x: first, y: r.threshold }, { x: last, y: r.threshold }], borderColor: COLORS.threshold, backgroundColor: COLORS.threshold, borderWidth: 2, borderDash: [3, 4], pointRadius: 0, fill: false },
      { label: labels.anomaly, data: aboveThreshold(r.scores, r.threshold), borderColor: COLORS.anomaly, backgroundColor: COLORS.anomaly, pointRadius: 3, showLine: false },
    ],
  };
}

export function scoreOptions(r: DetectResult, labels: ScoreLabels, locale: string): ChartOptions<'line'> {
  const [first, last] = scoreSpan(r);
  return baseOptions(first, last, labels.axis, '', locale);
}

/** Shades the anomaly periods behind the lines, full height, so a period reads as a span of time rather than as points. */
export function periodShading(spans: readonly Span[]): Plugin<'line'> {
  return {
    id: 'anomalyPeriods',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea: area, scales } = chart;
      const x = scales.x;
      if (!x || !area) return;
      ctx.save();
      ctx.fillStyle = COLORS.period;
      ctx.strokeStyle = COLORS.periodEdge;
      ctx.lineWidth = 1;
      for (const s of spans) {
        const x0 = Math.max(area.left, x.getPixelForValue(s.start));
        const x1 = Math.min(area.right, x.getPixelForValue(s.end));
        // A period shorter than a pixel still shows.
        const w = Math.max(2, x1 - x0);
        ctx.fillRect(x0, area.top, w, area.bottom - area.top);
        ctx.strokeRect(x0, area.top, w, area.bottom - area.top);
      }
      ctx.restore();
    },
  };
}

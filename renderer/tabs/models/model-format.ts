// Number, duration and metric formatting shared by the Models and
// Prediction tabs. Scores and metrics are shown with a few significant
// digits: six decimals of a loss are noise to an operator.
import type { JobWire } from '../../../contract/models';

/** Metrics, in the order one of them is worth showing as "the" metric of a model. */
const KEY_METRICS = ['val_rmse', 'val_mae', 'val_recon_error', 'rmse', 'mae', 'f1', 'precision', 'recall'];

export function keyMetric(metrics: Record<string, number>): [string, number] | null {
  for (const name of KEY_METRICS) {
    const v = metrics[name];
    if (v !== undefined) return [name, v];
  }
  const first = Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b))[0];
  return first ?? null;
}

export function formatSig(value: number | null | undefined, locale: string, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  // Integers stay whole (row counts, epochs); fractions keep `digits` significant figures.
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return new Intl.NumberFormat(locale).format(value);
  // A p-value of 1e-46 would otherwise print as fifty zeros.
  const tiny = value !== 0 && Math.abs(value) < 1e-4;
  return new Intl.NumberFormat(locale, { maximumSignificantDigits: digits, ...(tiny || Math.abs(value) >= 1e9 ? { notation: 'scientific' } : {}) }).format(value);
}

export function formatPercent(share: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: share < 0.1 ? 1 : 0 }).format(share);
}

const UNITS: [Intl.NumberFormatOptions['unit'], number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** A duration in its two largest units, e.g. "2 hr 5 min", "3 days 4 hr". */
export function formatDuration(ms: number, locale: string): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'short' }).format(0);
  const unitText = (n: number, unit: Intl.NumberFormatOptions['unit']) => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(n);
  const i = UNITS.findIndex(([, size]) => abs >= size);
  const [unit, size] = UNITS[i]!;
  const whole = Math.floor(abs / size);
  const parts = [unitText(whole, unit)];
  const next = UNITS[i + 1];
  if (next) {
    const n = Math.floor((abs - whole * size) / next[1]);
    if (n > 0) parts.push(unitText(n, next[0]));
  }
  return parts.join(' ');
}

/** The step a training job is on (JobWire.step). */
export type JobStep = NonNullable<JobWire['step']>;

/**
 * The step to say for a job, from the station's code, so it reads in the
 * operator's language. Epochs already say training, so that step adds
 * nothing; without a code, the station's words are shown as they are in
 * English and left out in other languages.
 */
export function jobStep(job: Pick<JobWire, 'step' | 'message'>, locale: string): Exclude<JobStep, 'training'> | 'other' | null {
  if (job.step === 'training') return null;
  if (job.step) return job.step;
  if (!job.message) return null;
  return locale.toLowerCase().startsWith('en') ? 'other' : null;
}

import type { TFunction } from 'i18next';

// Sizes for people: "439 bytes", "1.2 MB", "1,2 MB". SI units, as their
// names say (1 kB = 1000 bytes). Below a kilobyte the count goes through the
// catalogue: Intl's short unit reads "439 byte" in English, and CLDR puts 0
// in Portuguese's singular ("0 byte").

const UNITS = [
  ['kilobyte', 1e3],
  ['megabyte', 1e6],
  ['gigabyte', 1e9],
  ['terabyte', 1e12],
] as const;

/** A tenth: the precision sizes are shown with. */
const tenths = (x: number) => Math.round(x * 10) / 10;

export function formatBytes(n: number, locale: string, t: TFunction): string {
  const whole = Math.round(n);
  if (whole < 1000) return t('common.bytes', { count: whole, n: new Intl.NumberFormat(locale).format(whole) });
  // The largest unit the size reaches, moving up when rounding would show 1,000 of it (999,960 bytes is 1 MB, not 1,000 kB).
  let i = UNITS.findLastIndex(([, size]) => n >= size);
  if (i < 0) i = 0;
  if (i < UNITS.length - 1 && tenths(n / UNITS[i]![1]) >= 1000) i++;
  const [unit, size] = UNITS[i]!;
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(n / size);
}

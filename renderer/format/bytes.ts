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

export function formatBytes(n: number, locale: string, t: TFunction): string {
  // The largest unit the size reaches once rounded to a tenth: 999,960 bytes is "1 MB", not "1,000 kB".
  let chosen: (typeof UNITS)[number] | undefined;
  for (const u of UNITS) if (Math.round((n / u[1]) * 10) / 10 >= 1) chosen = u;
  if (!chosen || Math.round(n) < 1000) return t('common.bytes', { count: Math.round(n), n: new Intl.NumberFormat(locale).format(Math.round(n)) });
  const [unit, size] = chosen;
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(n / size);
}

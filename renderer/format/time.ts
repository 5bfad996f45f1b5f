// Times are stored and sent as UTC; the operator reads and types them in the
// zone of this computer. These helpers are the only place that converts.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, kind: 'full' | 'date' | 'axis-date' | 'axis-day' | 'axis-time'): Intl.DateTimeFormat {
  const id = `${locale}|${kind}`;
  let f = formatters.get(id);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'full'
        ? { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }
        : kind === 'date'
          ? { year: 'numeric', month: '2-digit', day: '2-digit' }
          : kind === 'axis-date'
          ? { month: 'short', day: 'numeric' }
          : kind === 'axis-day'
          ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
          : { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
    f = new Intl.DateTimeFormat(locale, opts);
    formatters.set(id, f);
  }
  return f;
}

/**
 * A time the station sent (every response carries ISO-8601 UTC strings) as
 * epoch ms, for arithmetic and charts; NaN when it is not a time.
 */
export function toMs(iso: string | number): number {
  return typeof iso === 'number' ? iso : Date.parse(iso);
}

/** A full local date and time with seconds, e.g. 01/05/2024 09:34:56. */
export function formatDateTime(value: string | number | null | undefined, locale: string): string {
  if (value === null || value === undefined) return '—';
  const ms = toMs(value);
  return Number.isFinite(ms) ? formatter(locale, 'full').format(ms) : String(value);
}

/** The local date alone, e.g. 01/05/2024 (a narrow column shows the time below it: formatClock). */
export function formatDate(value: string | number | null | undefined, locale: string): string {
  return formatWith(value, locale, 'date');
}

/** The local time of day with seconds, e.g. 09:34:56. */
export function formatClock(value: string | number | null | undefined, locale: string): string {
  return formatWith(value, locale, 'axis-time');
}

function formatWith(value: string | number | null | undefined, locale: string, kind: 'date' | 'axis-time'): string {
  if (value === null || value === undefined) return '—';
  const ms = toMs(value);
  return Number.isFinite(ms) ? formatter(locale, kind).format(ms) : String(value);
}

/** Chart ticks: the time of day when the visible span is short, the date too when it is long. */
export function formatAxisTick(ms: number, spanMs: number, locale: string): string {
  if (spanMs <= 36 * 3600_000) return formatter(locale, 'axis-time').format(ms);
  const d = new Date(ms);
  const midnight = d.getHours() === 0 && d.getMinutes() === 0;
  return formatter(locale, midnight ? 'axis-date' : 'axis-day').format(ms);
}

export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** `<input type="datetime-local">` value (local wall time) → ISO-8601 UTC; undefined when empty or invalid. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  // A date-time without an offset is parsed as local time by the ECMAScript spec.
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** Epoch ms → `datetime-local` value with seconds, in local time. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function formatNumber(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 6 }).format(value);
}

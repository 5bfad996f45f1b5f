// The bench's figures: each measured value, the reference measured in the
// same run (so a shared, noisy machine shifts both sides alike), their
// ratio, and the target an issue set for it. `met` is computed from the
// measurement, never written by hand; the last line of the bench is the
// whole list as one JSON object.

export interface Target {
  /** What the target is about: the figure itself or its ratio to the reference. */
  on: 'value' | 'ratio';
  op: '>=' | '<=' | '<' | '>';
  value: number;
}

export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  reference?: string;
  refValue?: number;
  ratio?: number;
  note?: string;
  target?: Target;
}

export const atLeast = (value: number, on: Target['on'] = 'ratio'): Target => ({ on, op: '>=', value });
export const atMost = (value: number, on: Target['on'] = 'value'): Target => ({ on, op: '<=', value });
export const below = (value: number, on: Target['on'] = 'value'): Target => ({ on, op: '<', value });

export function met(r: BenchRow): boolean | null {
  if (!r.target) return null;
  const x = r.target.on === 'ratio' ? r.ratio : r.value;
  if (x === undefined || !Number.isFinite(x)) return false;
  switch (r.target.op) {
    case '>=': return x >= r.target.value;
    case '<=': return x <= r.target.value;
    case '<': return x < r.target.value;
    case '>': return x > r.target.value;
  }
}

const rows: BenchRow[] = [];

/** Large figures as integers, small ones (latencies in ms, scores) with three significant digits. */
export function shown(v: number): string {
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en') : Number(v.toPrecision(3)).toString();
}

function targetText(t: Target): string {
  return `${t.on} ${t.op} ${t.value}`;
}

export function record(r: BenchRow): void {
  rows.push(r);
  const ratio = r.ratio === undefined ? '' : `  ratio ${r.ratio.toFixed(3)} of ${r.reference} (${shown(r.refValue!)} ${r.unit})`;
  const goal = r.target ? `  target ${targetText(r.target)}: ${met(r) ? 'met' : 'NOT MET'}` : '';
  process.stdout.write(`${r.metric.padEnd(52)} ${shown(r.value).padStart(12)} ${r.unit}${ratio}${goal}${r.note ? `  [${r.note}]` : ''}\n`);
}

export function recorded(): readonly BenchRow[] {
  return rows;
}

/** The last line: every figure with its target and whether it was met. */
export function figureLine(): string {
  return JSON.stringify({
    figures: rows.map((r) => ({
      name: r.metric,
      value: Number(r.value.toPrecision(6)),
      unit: r.unit,
      reference: r.reference ?? null,
      ratio: r.ratio === undefined ? null : Number(r.ratio.toPrecision(4)),
      target: r.target ? targetText(r.target) : null,
      met: met(r),
    })),
  });
}

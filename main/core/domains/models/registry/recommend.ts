import type { BestModel, ModelKind, ModelVersionRecord } from './types';

// Which model to use for a kind of sensor: per (sensor type, kind), the
// non-archived version with the best primary validation metric. Every
// metric here is an error, so lower is better.

export const PRIMARY_METRIC: Record<ModelKind, { key: string; label: string }> = {
  anomaly: { key: 'val_recon_error', label: 'validation reconstruction error' },
  forecast: { key: 'val_nmae', label: 'validation normalised MAE' },
  rul: { key: 'val_rmse', label: 'validation RMSE' },
};

/**
 * An anomaly model over several sensors has a sensor type like
 * "temperature+vibration"; filtering by "temperature" finds it.
 */
export function matchesSensorType(recordType: string | null, wanted: string): boolean {
  return recordType !== null && (recordType === wanted || recordType.split('+').includes(wanted));
}

export function bestModels(records: readonly ModelVersionRecord[], filter: { sensorType?: string; limit: number }): BestModel[] {
  const groups = new Map<string, ModelVersionRecord[]>();
  for (const r of records) {
    if (r.stage === 'archived') continue;
    if (filter.sensorType !== undefined && !matchesSensorType(r.sensorType, filter.sensorType)) continue;
    const v = r.metrics[PRIMARY_METRIC[r.kind].key];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const key = JSON.stringify([r.sensorType, r.kind]);
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const best: BestModel[] = [];
  for (const g of groups.values()) {
    const { key, label } = PRIMARY_METRIC[g[0]!.kind];
    // Ties go to the version in production, then to the newer one.
    const winner = [...g].sort((a, b) =>
      a.metrics[key]! - b.metrics[key]! || Number(b.stage === 'production') - Number(a.stage === 'production') || b.createdAt - a.createdAt || b.version - a.version,
    )[0]!;
    const value = winner.metrics[key]!;
    const scope = winner.sensorType === null ? 'with no sensor type' : `for sensor type ${winner.sensorType}`;
    const reason = g.length === 1
      ? `the only non-archived ${winner.kind} model version ${scope} with a ${label} (${key} ${fmt(value)})`
      : `lowest ${label} (${key} ${fmt(value)}) among ${g.length} non-archived ${winner.kind} model versions ${scope}`;
    best.push({ sensorType: winner.sensorType, kind: winner.kind, name: winner.name, version: winner.version, stage: winner.stage, metric: key, value, candidates: g.length, reason });
  }
  best.sort((a, b) => cmpType(a.sensorType, b.sensorType) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  return best.slice(0, filter.limit);
}

function cmpType(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(4)));
}

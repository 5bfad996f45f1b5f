import type { StoredEvent } from '../../platform/write-queue';
import type { StoredRows } from '../readings';
import type { ModelsContext } from './context';
import type { AssetOnlineState } from './online-state-repo';

// The rows an asset's model sees, from what one batch stored: one row per
// reading of the model's first sensor (its clock), holding the latest value
// of every other sensor; nothing until each sensor has reported once, and
// readings older than what a sensor already reported (a backfill) are not
// fed to the live window.

export interface SensorReading {
  ts: number;
  /** Position of the sensor in the model's sensors. */
  i: number;
  v: number;
}

type StoredPayload = StoredEvent<'readings.stored'>['payload'];

/** The batch's rows as it was committed, when the event still carries them in memory. */
export function localRows(e: StoredEvent): StoredRows | undefined {
  return e.local instanceof Map ? (e.local as StoredRows) : undefined;
}

/** Assets of the sensors a batch stored, in id order. */
export function assetsOf(ctx: Pick<ModelsContext, 'sensors'>, e: StoredEvent): string[] {
  const p = e.payload as StoredPayload;
  const local = localRows(e);
  const assets = new Set<string>();
  for (const id of p.sensors) {
    const a = local ? local.get(id)?.assetId : ctx.sensors.repo.get(id)?.asset_id;
    if (a) assets.add(a);
  }
  return [...assets].sort();
}

/**
 * This batch's readings of the model's sensors, in time order; at one
 * instant the other sensors before the clock. From memory when the event
 * carries them, else from the readings table: the same rows either way.
 */
export function readingsOf(ctx: Pick<ModelsContext, 'sensors' | 'readings'>, e: StoredEvent, sensors: readonly string[]): SensorReading[] {
  const p = e.payload as StoredPayload;
  const local = localRows(e);
  const from = Date.parse(p.from);
  const to = Date.parse(p.to);
  const out: SensorReading[] = [];
  const wanted = new Set(p.sensors);
  sensors.forEach((id, i) => {
    if (!wanted.has(id)) return;
    if (local) {
      const r = local.get(id);
      if (r) for (let k = 0; k < r.ts.length; k++) out.push({ ts: r.ts[k]!, i, v: r.values[k]! });
      return;
    }
    const s = ctx.sensors.repo.get(id);
    if (!s) return;
    for (const [ts, v] of ctx.readings.repo.storedBy(e.seq, s.sensor_key, from, to)) out.push({ ts, i, v });
  });
  return out.sort((a, b) => a.ts - b.ts || (a.i === 0 ? 1 : 0) - (b.i === 0 ? 1 : 0) || a.i - b.i);
}

/** Steps the latest values over `readings`; appends each row the model scores to `matrix` and returns their times. */
export function formRows(st: AssetOnlineState, readings: readonly SensorReading[], matrix: number[]): number[] {
  const latest = st.latest;
  const k = latest.length;
  const at: number[] = [];
  for (const { ts, i, v } of readings) {
    const last = st.latestTs[i];
    if (last !== null && last !== undefined && ts <= last) continue;
    st.latestTs[i] = ts;
    latest[i] = v;
    if (i !== 0 || latest.some((x) => x === null)) continue;
    for (let j = 0; j < k; j++) matrix.push(latest[j]!);
    at.push(ts);
  }
  return at;
}

import { AppError, type IssueDetail } from '../errors';
import type { ReadingsRepo } from '../db/readings-repo';
import type { SensorsRepo, SensorStatsDelta } from '../db/sensors-repo';
import { toIso } from '../../../contract/timestamp';
import { issue, type ValidReading } from './validate-readings';

export interface Conflict {
  index?: number;
  line?: number;
  sensor_id: string;
  timestamp: string;
  value: number;
  stored_value: number;
}

export interface StoreOutcome {
  stored: number;
  duplicates: number;
  conflicts: Conflict[];
  rejected: IssueDetail[];
  sensorsRegistered: string[];
}

export type StoreMode = 'atomic' | 'partial';

interface SensorState {
  key: number | null;
  type: string | null;
  unit: string | null;
  asset: string | null;
  dirty: boolean;
  accepted: boolean;
}

const DESCRIPTORS = [
  ['sensor_type', 'type', 'type'],
  ['unit', 'unit', 'unit'],
  ['asset_id', 'asset', 'asset'],
] as const;

/**
 * Stores validated readings inside the caller's transaction. Unknown sensors
 * are registered from their first reading; a reading whose type, unit or
 * asset contradicts its sensor is refused. An existing (sensor, timestamp)
 * with the same value is a duplicate; with another value it is a conflict and
 * the stored value is kept. In atomic mode any refusal or conflict throws, so
 * the caller's savepoint discards the whole batch.
 */
export function storeReadings(
  repos: { sensors: SensorsRepo; readings: ReadingsRepo },
  items: readonly ValidReading[],
  mode: StoreMode,
  now: number,
): StoreOutcome {
  const sensors = new Map<string, SensorState>();
  const rejected: IssueDetail[] = [];
  const accepted: ValidReading[] = [];

  for (const item of items) {
    const r = item.reading;
    let state = sensors.get(r.sensor_id);
    if (!state) {
      const row = repos.sensors.get(r.sensor_id);
      state = row
        ? { key: row.sensor_key, type: row.type, unit: row.unit, asset: row.asset_id, dirty: false, accepted: false }
        : { key: null, type: null, unit: null, asset: null, dirty: false, accepted: false };
      sensors.set(r.sensor_id, state);
    }
    const problems: IssueDetail[] = [];
    for (const [field, prop, label] of DESCRIPTORS) {
      const sent = r[field];
      const known = state[prop];
      if (sent !== undefined && known !== null && sent !== known) {
        problems.push(issue(item.index, item.line, field, `${field} '${sent}' contradicts sensor '${r.sensor_id}', registered with ${label} '${known}'`, 'sensor_mismatch'));
      }
    }
    if (problems.length > 0) {
      rejected.push(...problems);
      continue;
    }
    for (const [field, prop] of DESCRIPTORS) {
      const sent = r[field];
      if (sent !== undefined && state[prop] === null) {
        state[prop] = sent;
        state.dirty = true;
      }
    }
    state.accepted = true;
    accepted.push(item);
  }

  if (mode === 'atomic' && rejected.length > 0) {
    throw new AppError('validation_failed', `${rejected.length} reading(s) contradict their sensors; nothing was stored`, rejected);
  }

  const registered: string[] = [];
  for (const [id, s] of sensors) {
    if (!s.accepted) continue;
    if (s.key === null) {
      s.key = repos.sensors.create(id, { assetId: s.asset, type: s.type, unit: s.unit }, now).sensor_key;
      registered.push(id);
    } else if (s.dirty) {
      repos.sensors.update(id, { type: s.type, unit: s.unit, asset_id: s.asset }, now);
    }
  }

  let stored = 0;
  let duplicates = 0;
  const conflicts: Conflict[] = [];
  const deltas = new Map<number, SensorStatsDelta>();
  for (const item of accepted) {
    const r = item.reading;
    const key = sensors.get(r.sensor_id)!.key!;
    const res = repos.readings.insert(key, r.timestamp, r.value, r.quality ?? null, r.metadata === undefined ? null : JSON.stringify(r.metadata), now);
    if (res.inserted) {
      stored += 1;
      const d = deltas.get(key);
      if (!d) deltas.set(key, { count: 1, minTs: r.timestamp, maxTs: r.timestamp, valueAtMaxTs: r.value });
      else {
        d.count += 1;
        if (r.timestamp < d.minTs) d.minTs = r.timestamp;
        if (r.timestamp >= d.maxTs) { d.maxTs = r.timestamp; d.valueAtMaxTs = r.value; }
      }
    } else if (Object.is(res.storedValue, r.value) || res.storedValue === r.value) {
      duplicates += 1;
    } else {
      const c: Conflict = { sensor_id: r.sensor_id, timestamp: toIso(r.timestamp), value: r.value, stored_value: res.storedValue };
      if (item.line !== undefined) c.line = item.line;
      else c.index = item.index;
      conflicts.push(c);
    }
  }

  if (mode === 'atomic' && conflicts.length > 0) {
    throw new AppError(
      'conflict',
      `${conflicts.length} reading(s) carry a different value for a (sensor_id, timestamp) already stored; nothing was stored`,
      { conflicts },
    );
  }
  for (const [key, d] of deltas) repos.sensors.applyStats(key, d);
  return { stored, duplicates, conflicts, rejected, sensorsRegistered: registered };
}

import { toIso } from '../../../../contract/timestamp';
import { AppError, type IssueDetail } from '../../platform/errors';
import type { Tx } from '../../platform/write-queue';
import type { SensorsApi, SensorStatsDelta } from '../sensors';
import { sensorMismatchIssue } from './issues';
import type { NewReadings, ReadingsRepo } from './repository';
import { RollupAccumulator } from './rollups/accumulate';
import { JUDGED_AT, levelMask } from './rollups/fine-rollups';
import type { RollupsRepo } from './rollups/repository';
import type { ValidReading } from './validate';

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

/**
 * What one batch stored, per sensor id: its asset and its new readings in
 * time order. Kept in memory with the batch's `readings.stored` event
 * (StoredEvent.local), so online scoring need not read back the rows that
 * were just written; the database has the same rows (`storedBy`).
 */
export type StoredRows = Map<string, { assetId: string | null; ts: number[]; values: number[] }>;

export interface BatchSource {
  source: 'ingest' | 'import';
  importId?: string | null;
  /** The `readings.stored` event's correlation id, when it is not the write job's (a batch merged from several requests). */
  correlationId?: string | null;
}

/** What became of each item of a batch, by its `index` (storeReadings' `perItem`). */
export const ItemStatus = { stored: 1, duplicate: 2, conflict: 3, rejected: 4 } as const;

/** The refusal of an atomic batch whose readings contradict their sensors. */
export function contradictionError(rejected: IssueDetail[]): AppError {
  return new AppError('validation_failed', `${rejected.length} reading(s) contradict their sensors; nothing was stored`, rejected);
}

/** The refusal of an atomic batch that holds conflicting values. */
export function conflictError(conflicts: Conflict[]): AppError {
  return new AppError(
    'conflict',
    `${conflicts.length} reading(s) carry a different value for a (sensor_id, timestamp) already stored; nothing was stored`,
    { conflicts },
  );
}

interface SensorState {
  key: number | null;
  /** Readings stored before this batch, and the rollup levels the sensor keeps (a levelMask). */
  count: number;
  levels: number;
  sensor_type: string | null;
  unit: string | null;
  asset_id: string | null;
  dirty: boolean;
  accepted: boolean;
}

const DESCRIPTORS = ['sensor_type', 'unit', 'asset_id'] as const;

/**
 * Stores validated readings inside the caller's write job, and announces
 * them: one `readings.stored` event for the batch (none when nothing new was
 * stored), `sensor.registered` for each new sensor. Unknown sensors are
 * registered from their first reading; a reading whose type, unit or asset
 * contradicts its sensor is refused. An existing (sensor, timestamp) with
 * the same value is a duplicate; with another value it is a conflict and the
 * stored value is kept. In atomic mode any refusal or conflict throws, so
 * the job's savepoint discards the whole batch and its events.
 */
export function storeReadings(
  tx: Tx,
  deps: { sensors: SensorsApi; readings: ReadingsRepo; rollups: RollupsRepo },
  items: readonly ValidReading[],
  mode: StoreMode,
  batch: BatchSource,
  /** Filled with each item's ItemStatus, by item index, when given. */
  perItem?: Uint8Array,
): StoreOutcome {
  const sensors = new Map<string, SensorState>();
  const rejected: IssueDetail[] = [];
  const accepted: ValidReading[] = [];

  for (const item of items) {
    const r = item.reading;
    let state = sensors.get(r.sensor_id);
    if (!state) {
      const row = deps.sensors.repo.get(r.sensor_id);
      state = row
        ? { key: row.sensor_key, count: row.reading_count, levels: levelMask(row), sensor_type: row.sensor_type, unit: row.unit, asset_id: row.asset_id, dirty: false, accepted: false }
        : { key: null, count: 0, levels: levelMask({ second_rollups: 1, minute_rollups: 1 }), sensor_type: null, unit: null, asset_id: null, dirty: false, accepted: false };
      sensors.set(r.sensor_id, state);
    }
    let refused = false;
    for (const field of DESCRIPTORS) {
      const sent = r[field];
      const known = state[field];
      if (sent !== undefined && known !== null && sent !== known) {
        rejected.push(sensorMismatchIssue(item.index, item.line, field, r.sensor_id, sent, known));
        refused = true;
      }
    }
    if (refused) {
      if (perItem) perItem[item.index] = ItemStatus.rejected;
      continue;
    }
    for (const field of DESCRIPTORS) {
      const sent = r[field];
      if (sent !== undefined && state[field] === null) {
        state[field] = sent;
        state.dirty = true;
      }
    }
    state.accepted = true;
    accepted.push(item);
  }

  if (mode === 'atomic' && rejected.length > 0) throw contradictionError(rejected);

  const registered: string[] = [];
  for (const [id, s] of sensors) {
    if (!s.accepted) continue;
    if (s.key === null) {
      s.key = deps.sensors.register(tx, id, { assetId: s.asset_id, sensorType: s.sensor_type, unit: s.unit }).sensor_key;
      registered.push(id);
    } else if (s.dirty) {
      deps.sensors.repo.update(tx, id, { sensor_type: s.sensor_type, unit: s.unit, asset_id: s.asset_id });
    }
  }

  // Rows carry the seq of the event that announces them; an unused number is just a gap.
  const seq = tx.reserveSeq();
  const keys = accepted.map((item) => sensors.get(item.reading.sensor_id)!.key!);
  const order = keyOrder(accepted, keys);
  const n = order.length;
  const rows: NewReadings = { keys: new Array(n), ts: new Array(n), values: new Array(n), quality: new Array(n), metadata: new Array(n) };
  for (let k = 0; k < n; k++) {
    const r = accepted[order[k]!]!.reading;
    rows.keys[k] = keys[order[k]!]!;
    rows.ts[k] = r.timestamp;
    rows.values[k] = r.value;
    rows.quality[k] = r.quality ?? null;
    rows.metadata[k] = r.metadata === undefined ? null : JSON.stringify(r.metadata);
  }
  const outcomes = deps.readings.insertMany(tx, seq, rows);

  let stored = 0;
  let duplicates = 0;
  let minTs = Infinity;
  let maxTs = -Infinity;
  const conflicts: Conflict[] = [];
  const deltas = new Map<number, SensorStatsDelta>();
  const storedSensors = new Set<string>();
  const storedRows: StoredRows = new Map();
  let run: { assetId: string | null; ts: number[]; values: number[] } | undefined;
  let state: SensorState | undefined;
  const rollup = new RollupAccumulator();
  // In key order: a sensor's stored rows are consecutive and ascending in time.
  for (let k = 0; k < n; k++) {
    const item = accepted[order[k]!]!;
    const r = item.reading;
    const res = outcomes?.[k];
    if (!res || res.inserted) {
      stored += 1;
      if (perItem) perItem[item.index] = ItemStatus.stored;
      if (r.timestamp < minTs) minTs = r.timestamp;
      if (r.timestamp > maxTs) maxTs = r.timestamp;
      const key = rows.keys[k]!;
      const d = deltas.get(key);
      if (!d) {
        deltas.set(key, { count: 1, minTs: r.timestamp, maxTs: r.timestamp, valueAtMaxTs: r.value });
        storedSensors.add(r.sensor_id);
        state = sensors.get(r.sensor_id)!;
        run = { assetId: state.asset_id, ts: [], values: [] };
        storedRows.set(r.sensor_id, run);
      } else {
        d.count += 1;
        d.maxTs = r.timestamp;
        d.valueAtMaxTs = r.value;
      }
      run!.ts.push(r.timestamp);
      run!.values.push(r.value);
      rollup.add(key, r.timestamp, r.value, state!.levels);
    } else if (Object.is(res.storedValue, r.value) || res.storedValue === r.value) {
      duplicates += 1;
      if (perItem) perItem[item.index] = ItemStatus.duplicate;
    } else {
      if (perItem) perItem[item.index] = ItemStatus.conflict;
      const c: Conflict = { sensor_id: r.sensor_id, timestamp: toIso(r.timestamp), value: r.value, stored_value: res.storedValue };
      if (item.line !== undefined) c.line = item.line;
      else c.index = item.index;
      conflicts.push(c);
    }
  }
  conflicts.sort((x, y) => (x.line ?? x.index ?? 0) - (y.line ?? y.index ?? 0));

  if (mode === 'atomic' && conflicts.length > 0) throw conflictError(conflicts);
  for (const [key, d] of deltas) deps.sensors.repo.applyStats(tx, key, d);
  // Same transaction as the readings: a chart's rollups never disagree with what was stored.
  deps.rollups.add(rollup.finish());
  for (const s of sensors.values()) {
    const d = s.key === null ? undefined : deltas.get(s.key);
    if (d && s.count < JUDGED_AT && s.count + d.count >= JUDGED_AT) deps.rollups.judgeFine(s.key!);
  }
  if (stored > 0) {
    tx.emit('readings.stored', {
      count: stored,
      sensors: [...storedSensors].sort(),
      from: toIso(minTs),
      to: toIso(maxTs),
      source: batch.source,
      import_id: batch.importId ?? null,
    }, { seq, local: storedRows, ...(batch.correlationId !== undefined ? { correlationId: batch.correlationId } : {}) });
  }
  return { stored, duplicates, conflicts, rejected, sensorsRegistered: registered };
}

/**
 * Positions of `items` in (sensor key, time) order, arrival order among
 * equal times: rows inserted in primary-key order land on neighbouring
 * pages. A sensor's readings usually arrive in time order already, so each
 * sensor's run is only sorted when it is not.
 */
function keyOrder(items: readonly ValidReading[], keys: readonly number[]): number[] {
  const runs = new Map<number, number[]>();
  for (let i = 0; i < items.length; i++) {
    const run = runs.get(keys[i]!);
    if (run) run.push(i);
    else runs.set(keys[i]!, [i]);
  }
  const ts = (i: number) => items[i]!.reading.timestamp;
  const order: number[] = [];
  for (const key of [...runs.keys()].sort((a, b) => a - b)) {
    const run = runs.get(key)!;
    let ascending = true;
    for (let j = 1; j < run.length && ascending; j++) ascending = ts(run[j - 1]!) <= ts(run[j]!);
    if (!ascending) run.sort((a, b) => ts(a) - ts(b) || a - b);
    for (const i of run) order.push(i);
  }
  return order;
}

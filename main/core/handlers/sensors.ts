import { AppError } from '../errors';
import { toIso } from '../../../contract/timestamp';
import { decodeCursor, encodeCursor } from '../readings/cursor';
import { exportReadingsCsv } from '../readings/export-csv';
import { toReadingQuery } from '../readings/reading-query';
import type { HandlerMap } from './context';
import type { Services } from '../services';
import { readingToWire, sensorToWire } from './wire';

function requireSensor(services: Services, id: string) {
  const s = services.sensors.get(id);
  if (!s) throw new AppError('not_found', `no sensor with id '${id}'`, { path: 'id' });
  return s;
}

export const sensorHandlers: HandlerMap<
  'sensors.list' | 'sensors.get' | 'sensors.update' | 'readings.list' | 'readings.series' | 'readings.export'
> = {
  'sensors.list': (input, { services }) => ({
    sensors: services.sensors.list({ ...(input.asset_id ? { assetId: input.asset_id } : {}), ...(input.type ? { type: input.type } : {}) }).map(sensorToWire),
  }),

  'sensors.get': (input, { services }) => sensorToWire(requireSensor(services, input.id)),

  'sensors.update': (input, { services, principal, correlationId }) => {
    const before = requireSensor(services, input.id);
    const { id, ...patch } = input;
    const min = patch.expected_min === undefined ? before.expected_min : patch.expected_min;
    const max = patch.expected_max === undefined ? before.expected_max : patch.expected_max;
    if (min !== null && max !== null && min > max) {
      throw new AppError('validation_failed', 'expected_min must not exceed expected_max', [
        { path: 'expected_min', field: 'expected_min', message: `expected_min ${min} exceeds expected_max ${max}` },
      ]);
    }
    const now = services.now();
    const after = services.db.transaction(() => {
      const row = services.sensors.update(id, patch, now)!;
      services.audit.append({ actorKeyId: principal?.keyId ?? null, action: 'sensors.update', target: id, details: patch, correlationId }, now);
      return row;
    })();
    return sensorToWire(after);
  },

  'readings.list': (input, { services }) => {
    const q = toReadingQuery(services, input, input.limit + 1);
    if (input.cursor !== undefined) {
      const c = decodeCursor(input.cursor, input.order);
      q.after = { ts: c.ts, sensorKey: c.sensorKey };
    }
    const rows = services.readings.list(q);
    const more = rows.length > input.limit;
    const page = more ? rows.slice(0, input.limit) : rows;
    const last = page[page.length - 1];
    return {
      readings: page.map(readingToWire),
      next_cursor: more && last ? encodeCursor({ order: input.order, ts: last.ts, sensorKey: last.sensor_key }) : null,
    };
  },

  'readings.series': (input, { services }) => {
    const s = requireSensor(services, input.id);
    const from = input.from ?? s.first_ts;
    const to = input.to ?? s.last_ts;
    if (from === null || to === null) return { sensor_id: s.id, from: null, to: null, bucket_ms: 0, points: [] };
    if (from > to) {
      throw new AppError('validation_failed', 'from must not be after to', [{ path: 'from', field: 'from', message: 'from must not be after to' }]);
    }
    const width = Math.max(1, Math.ceil((to - from + 1) / input.points));
    const points = services.readings.series(s.sensor_key, from, to, width).map((b) => ({
      t: from + b.b * width,
      min: b.min,
      max: b.max,
      mean: b.mean,
      count: b.count,
    }));
    return { sensor_id: s.id, from: toIso(from), to: toIso(to), bucket_ms: width, points };
  },

  'readings.export': (input, { services }) => {
    const q = toReadingQuery(services, input, 0);
    const { limit: _limit, ...query } = q;
    const stamp = toIso(services.now()).replace(/[-:]/g, '').slice(0, 15);
    return { contentType: 'text/csv; charset=utf-8', filename: `readings-${stamp}.csv`, body: exportReadingsCsv(services.readings, query, input.bom) };
  },
};

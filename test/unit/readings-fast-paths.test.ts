import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../main/core/app';
import { Outbox } from '../../main/core/backbone';
import { ReadingsRepo, type InsertOutcome, type NewReadings } from '../../main/core/domains/readings/repository';
import { fastReading } from '../../main/core/domains/readings/validate';
import { openDatabase, type Db } from '../../main/core/platform/db';
import { WriteQueue } from '../../main/core/platform/write-queue';
import { ReadingInput } from '../../contract/readings';

// Ingest takes two shortcuts past the general path: readings checked by
// hand before zod, and rows inserted 64 at a time. Each must give exactly
// the answers of the path it shortcuts, on any input.

const T0 = Date.UTC(2024, 0, 1);

describe('hand-checked readings', () => {
  const field = fc.oneof(
    fc.constant(undefined), fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 12 }),
    fc.constantFrom('temperature', ' Temperature ', 'TEMP', 'C', ' C', 'mm/s', 'pump-7', '-bad', '2024-05-01T12:00:00Z', '2024-05-01T12:00:00', String(T0), 'NaN', '\u0001x'),
    fc.constantFrom(T0, T0 + 0.5, 1_700_000_000, 0, -1, Number.MAX_SAFE_INTEGER, Infinity, NaN, 0.5, 1, 1.5),
  );
  const reading = fc.record({
    sensor_id: field, timestamp: field, value: field, sensor_type: field, unit: field, quality: field, asset_id: field,
    metadata: fc.oneof(fc.constant(undefined), fc.constant({ a: 1 })),
    extra: fc.oneof(fc.constant(undefined), fc.constant(1)),
  }, { requiredKeys: [] }).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));

  it('accept only what the contract accepts, and give the same reading', () => {
    fc.assert(
      fc.property(fc.oneof(reading, field), (item) => {
        const fast = fastReading(item);
        const slow = ReadingInput.safeParse(item);
        if (fast !== null) {
          expect(slow.success).toBe(true);
          expect(fast).toEqual(slow.data);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('take the common, well-formed reading without zod', () => {
    expect(fastReading({ sensor_id: 'p-1', timestamp: T0, value: 1.5, sensor_type: 'temperature', unit: 'C', quality: 1, asset_id: 'pump-1' })).toEqual({
      sensor_id: 'p-1', timestamp: T0, value: 1.5, sensor_type: 'temperature', unit: 'C', quality: 1, asset_id: 'pump-1',
    });
    expect(fastReading({ sensor_id: 'p-1', timestamp: '2024-05-01T12:00:00+02:00', value: -3 })).toEqual({ sensor_id: 'p-1', timestamp: Date.UTC(2024, 4, 1, 10), value: -3 });
  });
});

/** The plain way, as the reference: one row, then the stored value when the pair was already there. */
function insertOne(db: Db, seq: number, key: number, ts: number, value: number): InsertOutcome {
  const inserted = db.prepare('INSERT INTO readings (sensor_key, timestamp, value, ingested_at, stored_seq) VALUES (?, ?, ?, 0, ?) ON CONFLICT (sensor_key, timestamp) DO NOTHING').run(key, ts, value, seq).changes === 1;
  if (inserted) return { inserted: true };
  return { inserted: false, storedValue: (db.prepare('SELECT value FROM readings WHERE sensor_key = ? AND timestamp = ?').get(key, ts) as { value: number }).value };
}

describe('rows inserted 64 at a time', () => {
  function setup() {
    const db = openDatabase(':memory:', { migrations: MIGRATIONS });
    db.prepare("INSERT INTO sensors (sensor_key, id, created_at) VALUES (1, 'a', 0), (2, 'b', 0)").run();
    const writer = new WriteQueue(db, () => T0, new Outbox(db));
    return { db, repo: new ReadingsRepo(db), writer };
  }

  it('say exactly what one-by-one inserts would say: stored, or the value found', () => {
    const row = fc.tuple(fc.constantFrom(1, 2), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), fc.array(row, { minLength: 1, maxLength: 400 }), (before, batch) => {
        const a = setup();
        const b = setup();
        const asRows = (rs: Array<[number, number, number]>): NewReadings => ({
          keys: rs.map((r) => r[0]), ts: rs.map((r) => T0 + r[1]), values: rs.map((r) => r[2]), quality: rs.map(() => null), metadata: rs.map(() => null),
        });
        for (const s of [a, b]) s.writer.writeNow((tx) => s.repo.insertMany(tx, 1, asRows(before)));
        const many = a.writer.writeNow((tx) => a.repo.insertMany(tx, 2, asRows(batch)));
        const single: InsertOutcome[] = b.writer.writeNow(() => batch.map(([k, t, v]) => insertOne(b.db, 2, k, T0 + t, v)));
        // null: every row was stored, which the one-by-one answer must then say for each.
        expect(many ?? single.map(() => ({ inserted: true }))).toEqual(single);
        if (many === null) expect(single.every((o) => o.inserted)).toBe(true);
        const dump = (s: ReturnType<typeof setup>) => s.db.prepare('SELECT sensor_key, timestamp, value, stored_seq FROM readings ORDER BY 1, 2').all();
        expect(dump(a)).toEqual(dump(b));
      }),
      { numRuns: 300 },
    );
  });
});

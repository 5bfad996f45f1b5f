import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../main/core/app';
import { Outbox } from '../../main/core/backbone';
import { openDatabase } from '../../main/core/platform/db';
import { WriteQueue, type StoredEvent } from '../../main/core/platform/write-queue';

// The one write path: group commit, a savepoint per job, and events that
// are published only once the transaction holding them is durable.

function setup() {
  const db = openDatabase(':memory:', { migrations: MIGRATIONS });
  db.exec('CREATE TABLE t (x INTEGER PRIMARY KEY)');
  const published: StoredEvent[][] = [];
  const commits: number[] = [];
  const outbox = new Outbox(db);
  const q = new WriteQueue(db, () => Date.UTC(2024, 0, 1), outbox, { onCommit: ({ jobs }) => commits.push(jobs), onEvents: (e) => published.push([...e]) });
  return { db, q, outbox, published, commits };
}

const stored = { count: 1, sensors: ['s'], from: '2024-01-01T00:00:00.000Z', to: '2024-01-01T00:00:00.000Z', source: 'ingest' as const, import_id: null };

describe('WriteQueue (group commit)', () => {
  it('commits concurrent jobs together and isolates a failing one, with its events', async () => {
    const { db, q, published, commits } = setup();
    const results = await Promise.allSettled([
      q.write((tx) => {
        tx.emit('readings.stored', stored);
        return db.prepare('INSERT INTO t VALUES (1)').run().changes;
      }),
      q.write((tx) => {
        db.prepare('INSERT INTO t VALUES (2)').run();
        tx.emit('readings.stored', { ...stored, count: 2 });
        throw new Error('job failed');
      }),
      q.write((tx) => {
        tx.emit('readings.stored', { ...stored, count: 3 });
        return db.prepare('INSERT INTO t VALUES (3)').run().changes;
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(commits).toEqual([3]);
    expect(db.prepare('SELECT x FROM t ORDER BY x').pluck().all()).toEqual([1, 3]);
    // Only the committed jobs' events exist and are published, in seq order.
    expect(published).toHaveLength(1);
    expect(published[0]!.map((e) => (e.payload as { count: number }).count)).toEqual([1, 3]);
    expect(db.prepare('SELECT json_extract(payload, \'$.count\') FROM events ORDER BY seq').pluck().all()).toEqual([1, 3]);
    const seqs = published[0]!.map((e) => e.seq);
    expect(seqs[1]).toBeGreaterThan(seqs[0]!);
  });

  it('rejects every job when the commit itself fails, storing and publishing none', async () => {
    const { db, q, published } = setup();
    // A deferred foreign key is checked at COMMIT: one bad job makes the commit fail.
    db.exec('CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (x INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)');
    const r = await Promise.allSettled([
      q.write((tx) => {
        tx.emit('readings.stored', stored);
        return db.prepare('INSERT INTO c VALUES (1, NULL)').run();
      }),
      q.write(() => db.prepare('INSERT INTO c VALUES (2, 99)').run()),
    ]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    expect(db.inTransaction).toBe(false);
    expect(db.prepare('SELECT COUNT(*) FROM c').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(0);
    expect(published).toEqual([]);
  });

  it('undoes a nested savepoint with its events, keeping the rest of the job', async () => {
    const { db, q, published } = setup();
    await q.write((tx) => {
      tx.emit('readings.stored', stored);
      expect(() => tx.savepoint(() => {
        db.prepare('INSERT INTO t VALUES (7)').run();
        tx.emit('readings.stored', { ...stored, count: 7 });
        throw new Error('inner');
      })).toThrow('inner');
      db.prepare('INSERT INTO t VALUES (8)').run();
    });
    expect(db.prepare('SELECT x FROM t').pluck().all()).toEqual([8]);
    expect(published[0]!.map((e) => (e.payload as { count: number }).count)).toEqual([1]);
  });

  it('lets rows written before an event carry its seq (reserved), and never reuses a number', async () => {
    const { db, q, outbox } = setup();
    const seq = await q.write((tx) => {
      const s = tx.reserveSeq();
      db.prepare('INSERT INTO t VALUES (?)').run(s);
      const e = tx.emit('readings.stored', stored, { seq: s });
      expect(e.seq).toBe(s);
      return s;
    });
    // A job that reserved a number and rolled back leaves a gap, not a reuse.
    await q.write((tx) => {
      tx.reserveSeq();
      throw new Error('rolled back');
    }).catch(() => undefined);
    const next = await q.write((tx) => tx.emit('readings.stored', stored).seq);
    expect(next).toBeGreaterThan(seq);
    expect(outbox.head()).toBe(next);
    expect(db.prepare('SELECT x FROM t').pluck().all()).toEqual([seq]);
  });

  it('refuses an event that does not match its contract', async () => {
    const { q } = setup();
    await expect(q.write((tx) => tx.emit('readings.stored', { count: -1 } as never))).rejects.toThrow(/does not match its contract/);
  });

  it('runs a job at once with writeNow, and refuses writes after close', async () => {
    const { db, q } = setup();
    expect(q.writeNow(() => db.prepare('INSERT INTO t VALUES (5)').run().changes)).toBe(1);
    q.close();
    await expect(q.write(() => 1)).rejects.toThrow(/stopping/);
  });
});

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../main/core/app';
import { createBackbone, Outbox } from '../../main/core/backbone';
import { createLogger } from '../../main/core/platform/log';
import { StationMetrics } from '../../main/core/platform/metrics';
import { openDatabase } from '../../main/core/platform/db';
import { walSync, type CommitSync } from '../../main/core/platform/wal-sync';
import { WriteQueue, type StoredEvent } from '../../main/core/platform/write-queue';

// With a CommitSync the WAL's fsync runs off the serving thread: a commit
// is acknowledged (its job resolved, its events published) only once the
// fsync that covers it has finished, in commit order, and a failed fsync
// is an error for its callers rather than a silent success.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An fsync the test finishes by hand, wrapped around the real one. */
function heldSync(real: CommitSync) {
  const waiting: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const sync: CommitSync = {
    sync: () => new Promise<void>((resolve, reject) => waiting.push({ resolve: () => real.sync().then(resolve, reject), reject })),
    syncNow: () => real.syncNow(),
    close: () => real.close(),
  };
  return { sync, waiting };
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'smc-wq-'));
  dirs.push(dir);
  const file = join(dir, 'station.db');
  const db = openDatabase(file, { migrations: MIGRATIONS });
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (x INTEGER PRIMARY KEY)');
  const held = heldSync(walSync(file));
  const published: number[] = [];
  const q = new WriteQueue(db, () => Date.UTC(2024, 0, 1), new Outbox(db), { onEvents: (e: readonly StoredEvent[]) => published.push(...e.map((x) => x.seq)) }, held.sync);
  const stored = { count: 1, sensors: ['s'], from: '2024-01-01T00:00:00.000Z', to: '2024-01-01T00:00:00.000Z', source: 'ingest' as const, import_id: null };
  const job = (x: number) => q.write((tx) => {
    db.prepare('INSERT INTO t VALUES (?)').run(x);
    return tx.emit('readings.stored', stored).seq;
  });
  return { db, q, held, published, job, file };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('WriteQueue with the fsync off the serving thread', () => {
  it('acknowledges a commit only once its fsync is done, and later commits after earlier ones', async () => {
    const { db, held, published, job, file } = setup();
    const settled: number[] = [];
    const first = job(1).then((seq) => settled.push(seq));
    await tick();
    // Committed (another reader sees it) but not acknowledged while its fsync is held.
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    const second = job(2).then((seq) => settled.push(seq));
    const third = job(3).then((seq) => settled.push(seq));
    await tick();
    expect(held.waiting).toHaveLength(1); // one fsync at a time; the next covers both later commits
    expect(settled).toEqual([]);
    expect(published).toEqual([]);
    held.waiting[0]!.resolve();
    await first;
    expect(settled).toHaveLength(1);
    await tick();
    expect(held.waiting).toHaveLength(2);
    held.waiting[1]!.resolve();
    await Promise.all([second, third]);
    expect(settled).toEqual([...settled].sort((a, b) => a - b));
    expect(published).toEqual(settled);
  });

  it('holds jobs back while an fsync is in flight and commits them as one group when it ends', async () => {
    const { db, q, held, job } = setup();
    const first = job(1);
    await tick();
    const commits = q.stats.commits;
    const later = [2, 3, 4].map((x) => job(x));
    await tick();
    await tick();
    // Queued, not committed: another reader does not see them, and no commit was made for them.
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
    expect(q.stats.commits).toBe(commits);
    held.waiting[0]!.resolve();
    await first;
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 4 });
    expect(q.stats.commits).toBe(commits + 1);
    expect(held.waiting).toHaveLength(2);
    held.waiting[1]!.resolve();
    await Promise.all(later);
  });

  it('commits regardless once 64 jobs wait for an fsync in flight, so a transaction stays bounded', async () => {
    const { db, q, held, job } = setup();
    void job(0);
    await tick();
    const waiting = Array.from({ length: 64 }, (_, i) => job(i + 1));
    await tick();
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 65 });
    expect(q.stats.commits).toBe(2);
    const release = setInterval(() => held.waiting.forEach((w) => w.resolve()), 5);
    await Promise.all(waiting);
    clearInterval(release);
  });

  it('tells the callers when the fsync fails, and still publishes what was committed', async () => {
    const { held, published, job } = setup();
    const p = job(1);
    await tick();
    held.waiting[0]!.reject(new Error('EIO: i/o error'));
    await expect(p).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/durable/) });
    expect(published).toHaveLength(1);
  });

  it('makes a synchronous write and everything before it durable at once, in order', async () => {
    const { q, held, published, job, db } = setup();
    const earlier = job(1);
    await tick();
    expect(held.waiting).toHaveLength(1);
    const seq = q.writeNow((tx) => {
      db.prepare('INSERT INTO t VALUES (2)').run();
      return tx.emit('readings.stored', { count: 1, sensors: ['s'], from: '2024-01-01T00:00:00.000Z', to: '2024-01-01T00:00:00.000Z', source: 'ingest', import_id: null }).seq;
    });
    const earlierSeq = await earlier;
    expect(published).toEqual([earlierSeq, seq]);
    // The held fsync finishing later changes nothing.
    held.waiting[0]!.resolve();
    await tick();
    expect(published).toEqual([earlierSeq, seq]);
  });

  it('lets consumers act only on events whose commit is durable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smc-wq-'));
    dirs.push(dir);
    const file = join(dir, 'station.db');
    const db = openDatabase(file, { migrations: MIGRATIONS });
    db.pragma('synchronous = NORMAL');
    const held = heldSync(walSync(file));
    const backbone = createBackbone(db, Date.now, createLogger({ level: 'silent' }), new StationMetrics(file), { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, batch: 50 }, { commitSync: held.sync });
    const handled: number[] = [];
    backbone.dispatcher.register({ name: 'test.durable', types: ['readings.stored'], handle: (e) => void handled.push(e.seq) });
    backbone.dispatcher.start();
    const stored = { count: 1, sensors: ['s'], from: '2024-01-01T00:00:00.000Z', to: '2024-01-01T00:00:00.000Z', source: 'ingest' as const, import_id: null };
    const first = backbone.writer.write((tx) => tx.emit('readings.stored', stored).seq);
    await tick();
    const second = backbone.writer.write((tx) => tx.emit('readings.stored', stored).seq);
    await tick();
    // The first is committed and its fsync in flight; the second waits to be committed after it.
    expect(held.waiting).toHaveLength(1);
    expect(backbone.writer.durableLimit()).toBe(0);
    held.waiting[0]!.resolve();
    const seq1 = await first;
    // Woken by the first acknowledgement, the consumer sees both events in the outbox and takes only the durable one.
    await new Promise((r) => setTimeout(r, 50));
    expect(backbone.writer.durableLimit()).toBe(seq1);
    expect(handled).toEqual([seq1]);
    held.waiting[1]!.resolve();
    const seq2 = await second;
    const release = setInterval(() => held.waiting.forEach((w) => w.resolve()), 5);
    await expect.poll(() => handled, { timeout: 2000 }).toEqual([seq1, seq2]);
    await expect.poll(() => backbone.writer.durableLimit(), { timeout: 2000 }).toBe(Infinity);
    clearInterval(release);
    await backbone.dispatcher.stop();
    db.close();
  });
});

import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/core/db/open';
import { WriteQueue } from '../../main/core/db/write-queue';

describe('WriteQueue (group commit)', () => {
  it('commits concurrent jobs together and isolates a failing one', async () => {
    const db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (x INTEGER PRIMARY KEY)');
    const commits: number[] = [];
    const q = new WriteQueue(db, ({ jobs }) => commits.push(jobs));
    const results = await Promise.allSettled([
      q.submit((d) => d.prepare('INSERT INTO t VALUES (1)').run().changes),
      q.submit((d) => {
        d.prepare('INSERT INTO t VALUES (2)').run();
        throw new Error('job failed');
      }),
      q.submit((d) => d.prepare('INSERT INTO t VALUES (3)').run().changes),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(commits).toEqual([3]);
    expect(db.prepare('SELECT x FROM t ORDER BY x').pluck().all()).toEqual([1, 3]);
  });

  it('rejects every job when the commit itself fails, storing none', async () => {
    const db = openDatabase(':memory:');
    // A deferred foreign key is checked at COMMIT: one bad job makes the commit fail.
    db.exec('CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (x INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)');
    const q = new WriteQueue(db);
    const r = await Promise.allSettled([
      q.submit((d) => d.prepare('INSERT INTO c VALUES (1, NULL)').run()),
      q.submit((d) => d.prepare('INSERT INTO c VALUES (2, 99)').run()),
    ]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    expect(db.inTransaction).toBe(false);
    expect(db.prepare('SELECT COUNT(*) FROM c').pluck().get()).toBe(0);
  });
});

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../main/core/platform/db';
import { createLogger } from '../../main/core/platform/log';
import { startWalCheckpointer, type WalCheckpointer } from '../../main/core/platform/wal-checkpointer';

// The WAL is checkpointed by a worker thread with its own connection, so the
// serving thread's COMMIT no longer copies pages and fsyncs the database
// file. What must hold: the worker's checkpoints really move the WAL's
// frames into the database file, the WAL then starts over (it stays
// bounded), the station's own automatic checkpoint stays as a safety net
// and comes back in full when the worker cannot run, and closing leaves the
// database as SQLite leaves it (no WAL once the last connection is closed).

const dirs: string[] = [];
const open: Array<{ db: Db; cp: WalCheckpointer }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.cp.close();
    if (o.db.open) o.db.close();
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const log = createLogger({ level: 'silent' });

function setup(file?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'smc-ckpt-'));
  dirs.push(dir);
  const dbFile = join(dir, 'station.db');
  const db = openDatabase(dbFile);
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (x INTEGER PRIMARY KEY, pad BLOB)');
  const cp = startWalCheckpointer(db, file ?? dbFile, log, { intervalMs: 0 });
  open.push({ db, cp });
  const insert = db.prepare('INSERT INTO t (pad) VALUES (?)');
  const write = (rows: number) => {
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(Buffer.alloc(1000, i % 251));
    })();
    cp.noteCommit();
  };
  return { db, cp, write, dbFile };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const autocheckpoint = (db: Db) => db.pragma('wal_autocheckpoint', { simple: true });

describe('the background WAL checkpoint', () => {
  it('copies the committed frames into the database file, after which the WAL starts over', async () => {
    const { db, cp, write } = setup();
    // While the worker runs, the serving thread checkpoints only as a safety net, far later than before.
    expect(autocheckpoint(db)).toBe(16_000);
    write(2_000);
    await until(() => cp.stats.passes > 0 && cp.stats.last!.checkpointed === cp.stats.last!.log, 'a complete checkpoint');
    const copied = cp.stats.last!.log;
    expect(copied).toBeGreaterThan(400); // 2,000 rows of 1 kB: hundreds of pages
    // The writer's next transaction restarts the WAL: it holds only that transaction's frames.
    write(1);
    await until(() => cp.stats.passes > 1, 'the next checkpoint');
    expect(cp.stats.last!.log).toBeLessThan(20);
    expect(cp.stats.failed).toBeNull();
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2_001 });
  });

  it('runs again only after commits, and at most once per interval', async () => {
    const { cp, write } = setup();
    write(10);
    await until(() => cp.stats.passes === 1, 'one checkpoint');
    await new Promise((r) => setTimeout(r, 50));
    expect(cp.stats.passes).toBe(1);
    write(10);
    await until(() => cp.stats.passes === 2, 'a second checkpoint');
  });

  it('gives the serving thread its own checkpoints back when the worker cannot run', async () => {
    const { db, cp, write } = setup('/nonexistent/dir/station.db');
    await until(() => cp.stats.failed !== null, 'the worker to fail');
    expect(cp.stats.failed).toMatch(/checkpoint worker/);
    expect(autocheckpoint(db)).toBe(4_000);
    // Writing goes on as before; notes of commits are ignored.
    write(5);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 5 });
  });

  it('closes its connection first, so the station closing last leaves no WAL behind', async () => {
    const { db, cp, write, dbFile } = setup();
    write(100);
    await until(() => cp.stats.passes > 0, 'a checkpoint');
    write(100);
    await cp.close();
    expect(existsSync(`${dbFile}-wal`)).toBe(true);
    db.close();
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
    const again = openDatabase(dbFile);
    expect(again.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 200 });
    again.close();
  });
});

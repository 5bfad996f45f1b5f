import { closeSync, fstatSync, fsync, fsyncSync, openSync, statSync } from 'node:fs';

// Durability without blocking the event loop. With synchronous=FULL, SQLite
// fsyncs the write-ahead log inside COMMIT, and better-sqlite3 runs COMMIT
// on the serving thread: every group commit stopped all requests for the
// length of an fsync. The station instead commits with synchronous=NORMAL
// (the WAL frames are written, not yet synced) and fsyncs the WAL file
// itself on libuv's thread pool; the write queue acknowledges a commit —
// resolves its jobs, publishes its events — only once that fsync is done.
// An acknowledged write is therefore on disk exactly as under FULL, and the
// next group commits while the previous one is being synced.

export interface CommitSync {
  /** Makes everything committed so far durable, off the serving thread. */
  sync(): Promise<void>;
  /** The same, on this thread, for shutdown and synchronous writes. */
  syncNow(): void;
  close(): void;
}

export function walSync(dbFile: string): CommitSync {
  const wal = `${dbFile}-wal`;
  let fd: number | null = null;
  let ino = -1;
  /**
   * The WAL's descriptor, reopened when the file at its path is no longer
   * the one held (SQLite may delete and recreate it; syncing a deleted
   * inode would make nothing durable). One stat per group commit.
   */
  const current = (): number => {
    const onDisk = statSync(wal).ino;
    if (fd !== null && onDisk === ino) return fd;
    if (fd !== null) closeSync(fd);
    fd = openSync(wal, 'r+');
    ino = fstatSync(fd).ino;
    return fd;
  };
  return {
    sync() {
      let target: number;
      try {
        target = current();
      } catch (err) {
        return Promise.reject(err as Error);
      }
      return new Promise((resolve, reject) => fsync(target, (err) => (err ? reject(err) : resolve())));
    },
    syncNow() {
      fsyncSync(current());
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from './log';
import type { Db } from './db';

// WAL checkpoints off the serving thread. SQLite checkpoints by itself once
// the WAL holds `wal_autocheckpoint` pages, inside the COMMIT that crossed
// the mark, on the connection that committed: the station's, on the thread
// that serves HTTP. That checkpoint copies thousands of pages into the
// database file and fsyncs both files while every request waits. Profiled
// under batch ingest, turning it off moved the station from 0.59-0.63 to
// 0.68-0.75 of raw inserts (paired rounds, same run). So a worker thread
// holds a second connection to the same file and runs PASSIVE checkpoints
// after commits, at most one every `intervalMs`: PASSIVE never waits for
// the writer and never blocks it, and once it has copied every frame the
// writer's next transaction starts the WAL from its beginning, so it stays
// bounded as before.
//
// The station's own automatic checkpoint stays, at `fallbackPages` (several
// times the worker's usual backlog), for when the worker falls behind or is
// gone: then the serving thread checkpoints as it always did. A checkpoint
// is crash-safe whichever connection runs it (the worker's syncs the WAL
// before and the database file after copying, synchronous=FULL), and a
// checkpoint never decides what is durable: acknowledged commits are synced
// in the WAL (wal-sync.ts) before the checkpoint can copy them.

/** The worker's code: one connection, a PASSIVE checkpoint per request. Plain CommonJS, run with `eval`. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('wal_autocheckpoint = 0');
parentPort.on('message', (msg) => {
  if (msg === 'close') { db.close(); parentPort.close(); return; }
  const started = performance.now();
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, busy: r.busy, log: r.log, checkpointed: r.checkpointed, ms: performance.now() - started });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String(err && err.message || err) });
  }
});
`;

export interface CheckpointResult {
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
  ms: number;
}

export interface WalCheckpointer {
  /** A commit happened: a checkpoint follows, within `intervalMs` of the last one. */
  noteCommit(): void;
  /** Checkpoints done, and the last one's result (for /health and tests). */
  readonly stats: { passes: number; last: CheckpointResult | null; failed: string | null };
  /** Stops the worker and closes its connection; the station's connection then closes last, as SQLite wants. */
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  /** The fewest milliseconds between two checkpoints. */
  intervalMs?: number;
  /** The serving thread's own automatic checkpoint, in WAL pages, while the worker runs. */
  fallbackPages?: number;
  /** The automatic checkpoint restored when the worker cannot run. */
  defaultPages?: number;
}

type Reply = ({ ok: true } & CheckpointResult & { busy: number }) | { ok: false; error: string };

export function startWalCheckpointer(db: Db, dbFile: string, log: Logger, opts: CheckpointerOptions = {}): WalCheckpointer {
  const intervalMs = opts.intervalMs ?? 250;
  const defaultPages = opts.defaultPages ?? 4000;
  const stats: WalCheckpointer['stats'] = { passes: 0, last: null, failed: null };
  let worker: Worker | null = null;
  /** A commit since the last checkpoint started. */
  let dirty = false;
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let lastStart = -Infinity;

  const giveUp = (reason: string) => {
    if (stats.failed) return;
    stats.failed = reason;
    worker = null;
    if (timer) clearTimeout(timer);
    timer = null;
    // Back to SQLite's own checkpoints on the serving thread.
    db.pragma(`wal_autocheckpoint = ${defaultPages}`);
    log.warn({ reason }, 'the background WAL checkpoint stopped; the serving thread checkpoints again');
  };

  const run = () => {
    timer = null;
    if (!worker || running || !dirty) return;
    dirty = false;
    running = true;
    lastStart = performance.now();
    worker.postMessage('run');
  };

  const schedule = () => {
    if (!worker || running || timer || !dirty) return;
    const wait = lastStart + intervalMs - performance.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait).unref();
  };

  try {
    const driver = createRequire(__filename).resolve('better-sqlite3');
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: dbFile } });
    worker.unref();
    worker.on('message', (r: Reply) => {
      running = false;
      if (!r.ok) return giveUp(`a checkpoint failed: ${r.error}`);
      stats.passes += 1;
      stats.last = { log: r.log, checkpointed: r.checkpointed, ms: r.ms };
      schedule();
    });
    worker.on('error', (err) => giveUp(`the checkpoint worker failed: ${err.message}`));
    worker.on('exit', (code) => {
      if (worker) giveUp(`the checkpoint worker exited with code ${code}`);
    });
    db.pragma(`wal_autocheckpoint = ${opts.fallbackPages ?? defaultPages * 4}`);
  } catch (err) {
    giveUp(`the checkpoint worker did not start: ${(err as Error).message}`);
  }

  return {
    stats,
    noteCommit() {
      dirty = true;
      schedule();
    },
    async close() {
      const w = worker;
      worker = null;
      if (timer) clearTimeout(timer);
      timer = null;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage('close');
      const late = setTimeout(() => void w.terminate(), 5000).unref();
      await exited;
      clearTimeout(late);
    },
  };
}

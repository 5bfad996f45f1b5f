import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { toIso } from '../../../../contract/timestamp';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/log';
import type { StationMetrics } from '../../platform/metrics';
import type { Tx, WriteQueue } from '../../platform/write-queue';
import type { SensorsApi } from '../sensors';
import { RetentionRepo } from './retention-repo';

// Raw readings expire; rollups do not. A pass deletes, sensor by sensor,
// the readings older than the sensor's retention (its own, else the
// station's), a small batch per write job: each job is one short savepoint
// in a group commit like any ingest, and between jobs the event loop is
// released, so ingest requests keep being answered while a pass runs. The
// sensor's running statistics change in the same job as the rows they
// count, so the sensor list stays true at every commit. The job that ends a
// sensor's share of a pass announces it (`readings.expired`), so what was
// deleted, and when, stays on record after the rows are gone.

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  /** The station's retention in days; null: raw readings are kept unless a sensor says otherwise. */
  globalDays: number | null;
  intervalMs: number;
  /** Rows deleted per write job (default 2,000: a few milliseconds of work). */
  batchRows?: number;
  /** Delay of the first pass after start (default 5 s, or the interval when shorter). */
  firstDelayMs?: number;
}

export interface RetentionPass {
  deleted: number;
  batches: number;
  /** Sensors that lost at least one reading. */
  sensors: number;
  ms: number;
}

export interface RetentionRunner {
  start(): void;
  /** Stops the timer and waits for a pass in progress to end its current batch. */
  stop(): Promise<void>;
  /** Runs one pass now (after the one in progress, if any) and resolves with what it deleted. */
  runOnce(): Promise<RetentionPass>;
  /** The oldest raw reading stored, or null. */
  oldestRawTimestamp(): number | null;
}

export function createRetention(
  deps: { db: Db; writer: WriteQueue; clock: Clock; log: Logger; metrics: StationMetrics; sensors: SensorsApi },
  opts: RetentionOptions,
): RetentionRunner {
  const repo = new RetentionRepo(deps.db);
  const log = deps.log.child({ sub: 'retention' });
  const batchRows = opts.batchRows ?? 2000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<RetentionPass> | undefined;
  let stopping = false;

  /** Deletes one sensor's expired readings, batch by batch; returns rows and batches. */
  const expireSensor = async (sensor: { sensor_key: number; id: string }, cutoff: number, days: number): Promise<{ deleted: number; batches: number }> => {
    let deleted = 0;
    let batches = 0;
    let announced = false;
    const announce = (tx: Tx, count: number) => {
      tx.emit('readings.expired', { sensor_id: sensor.id, count, before: toIso(cutoff), retention_days: days });
      announced = true;
    };
    while (!stopping) {
      const n = await deps.writer.write((tx) => {
        const gone = repo.deleteOlder(tx, sensor.sensor_key, cutoff, batchRows);
        if (gone > 0) deps.sensors.repo.applyRemoval(tx, sensor.sensor_key, gone, repo.firstTimestamp(sensor.sensor_key));
        if ((gone < batchRows || stopping) && deleted + gone > 0) announce(tx, deleted + gone);
        return gone;
      });
      if (n > 0) {
        deleted += n;
        batches += 1;
        deps.metrics.retentionDeleted.inc(n);
      }
      if (n < batchRows) break;
      await yieldToLoop();
    }
    // Stopped between two batches: what went is still announced.
    if (deleted > 0 && !announced) await deps.writer.write((tx) => announce(tx, deleted));
    return { deleted, batches };
  };

  const pass = async (): Promise<RetentionPass> => {
    const started = performance.now();
    const now = deps.clock();
    const out: RetentionPass = { deleted: 0, batches: 0, sensors: 0, ms: 0 };
    for (const s of deps.sensors.repo.list()) {
      if (stopping) break;
      const days = s.raw_retention_days ?? opts.globalDays;
      if (days === null) continue;
      const cutoff = now - days * DAY_MS;
      // The running statistics say whether anything is old enough, without a query.
      if (s.first_timestamp === null || s.first_timestamp >= cutoff) continue;
      const r = await expireSensor(s, cutoff, days);
      out.deleted += r.deleted;
      out.batches += r.batches;
      if (r.deleted > 0) out.sensors += 1;
    }
    out.ms = Math.round(performance.now() - started);
    if (out.deleted > 0) log.info({ deleted: out.deleted, batches: out.batches, sensors: out.sensors, ms: out.ms }, 'retention deleted expired raw readings');
    else log.debug({ ms: out.ms }, 'retention found nothing to delete');
    return out;
  };

  const runOnce = (): Promise<RetentionPass> => {
    const next = (running ?? Promise.resolve()).catch(() => undefined).then(pass);
    const mine = next.finally(() => {
      if (running === mine) running = undefined;
    });
    running = mine;
    return mine;
  };

  // A pass is scheduled when the last one ends, so two never overlap however slow one is.
  const schedule = (delayMs: number) => {
    if (stopping) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => {
          if (!stopping) log.warn({ err }, 'retention pass failed; the next one tries again');
        })
        .finally(() => schedule(opts.intervalMs));
    }, delayMs).unref();
  };

  return {
    start() {
      if (timer || stopping) return;
      schedule(opts.firstDelayMs ?? Math.min(5000, opts.intervalMs));
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    runOnce,
    oldestRawTimestamp: () => repo.oldestTimestamp(),
  };
}

import { systemContract } from '../../../../contract/system';
import { toIso } from '../../../../contract/timestamp';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import type { DiskGuard } from '../../platform/disk-space';
import { sizeOf } from '../../platform/metrics';
import { defineDomain } from '../domain';
import type { SensorsApi } from '../sensors';

export interface SystemDeps {
  db: Db;
  dbFile: string;
  clock: Clock;
  version: string;
  sensors: SensorsApi;
  disk: DiskGuard;
  /** The durability the station gives an acknowledged write (its WAL fsync may run off the serving thread, so the pragma alone does not say). */
  synchronous: 'full' | 'normal';
  rawRetentionDays: number | null;
  /** One index seek; the readings domain owns the query. */
  oldestRawTimestamp: () => number | null;
}

/** Liveness and the database's health. */
export function createSystemDomain(deps: SystemDeps) {
  const startedAt = deps.clock();
  return defineDomain(systemContract, {
    handlers: {
      'health.check': () => ({ status: 'ok', version: deps.version, uptime_s: Math.round((deps.clock() - startedAt) / 1000) }),

      'health.db': () => {
        const { db, dbFile } = deps;
        const started = performance.now();
        const totals = deps.sensors.repo.totals();
        const probeMs = performance.now() - started;
        const oldest = deps.oldestRawTimestamp();
        const disk = deps.disk.status();
        return {
          status: 'ok',
          schema_version: db.pragma('user_version', { simple: true }) as number,
          journal_mode: String(db.pragma('journal_mode', { simple: true })),
          synchronous: deps.synchronous,
          size_bytes: sizeOf(dbFile),
          wal_bytes: sizeOf(`${dbFile}-wal`),
          sensors: totals.sensors,
          readings: totals.readings,
          probe_ms: Math.round(probeMs * 1000) / 1000,
          free_bytes: disk.free_bytes,
          disk_floor_bytes: disk.floor_bytes,
          disk: disk.disk,
          oldest_raw_timestamp: oldest === null ? null : toIso(oldest),
          raw_retention_days: deps.rawRetentionDays,
        };
      },
    },
  });
}

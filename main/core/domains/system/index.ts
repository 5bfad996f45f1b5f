import { systemContract } from '../../../../contract/system';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { sizeOf } from '../../platform/metrics';
import { defineDomain } from '../domain';
import type { SensorsApi } from '../sensors';

/** Liveness and the database's health. */
export function createSystemDomain(deps: { db: Db; dbFile: string; clock: Clock; version: string; sensors: SensorsApi }) {
  const startedAt = deps.clock();
  return defineDomain(systemContract, {
    handlers: {
      'health.check': () => ({ status: 'ok', version: deps.version, uptime_s: Math.round((deps.clock() - startedAt) / 1000) }),

      'health.db': () => {
        const { db, dbFile } = deps;
        const started = performance.now();
        const totals = deps.sensors.repo.totals();
        const probeMs = performance.now() - started;
        return {
          status: 'ok',
          schema_version: db.pragma('user_version', { simple: true }) as number,
          journal_mode: String(db.pragma('journal_mode', { simple: true })),
          synchronous: ['off', 'normal', 'full', 'extra'][db.pragma('synchronous', { simple: true }) as number] ?? 'unknown',
          size_bytes: sizeOf(dbFile),
          wal_bytes: sizeOf(`${dbFile}-wal`),
          sensors: totals.sensors,
          readings: totals.readings,
          probe_ms: Math.round(probeMs * 1000) / 1000,
        };
      },
    },
  });
}

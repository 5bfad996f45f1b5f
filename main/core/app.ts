import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { OperationName } from '../../contract';
import { backboneMigrations, createBackbone, type Backbone } from './backbone';
import type { StationConfig } from './config';
import { auditMigrations, createAuditDomain } from './domains/audit';
import { authMigrations, createAuthDomain } from './domains/auth';
import type { DomainModule } from './domains/domain';
import { createEventsDomain } from './domains/events';
import { createImportsDomain } from './domains/imports';
import { createModelsDomain, modelsMigrations } from './domains/models';
import { createReadingsDomain, createRetention, readingsMigrations, type RetentionOptions } from './domains/readings';
import { createSensorsDomain, sensorsMigrations } from './domains/sensors';
import { createSystemDomain } from './domains/system';
import { IdempotencyStore } from './http/idempotency-store';
import { idempotencyBounds } from './http/migrations/0009-idempotency-bounds';
import type { LimitOptions } from './http/limits';
import { buildServer } from './http/server';
import { invokeOperation } from './invoke';
import { systemClock, type Clock } from './platform/clock';
import { dbFileIn, openDatabase, type Db } from './platform/db';
import { createDiskGuard, type DiskGuardOptions } from './platform/disk-space';
import { createLogger, type Logger } from './platform/log';
import { startWalCheckpointer } from './platform/wal-checkpointer';
import { walSync, type CommitSync } from './platform/wal-sync';
import { sequence } from './platform/migrate';
import { initial } from './platform/migrations/0001-initial';
import { StationMetrics } from './platform/metrics';
import { lockDataDir } from './platform/station-lock';
import type { HandlerContext, Handlers, Principal } from './platform/operations';
import { VERSION } from './platform/version';

// The composition root: a station is the platform (database, clock, logs,
// metrics), the event backbone, the domains, and the HTTP server over them
// — each set up by one small step below, nothing else.

export { StationLockedError } from './platform/station-lock';

export interface StationOptions {
  log?: Logger;
  /** Built renderer to serve at `/`. */
  rendererDir?: string;
  /** Check handler outputs against the contract (tests, development). */
  validateOutput?: boolean;
  now?: Clock;
  /** The model worker script; found next to the build when absent (null: none, training is off). */
  mlWorkerScript?: string | null;
  /** The online scoring worker script; found next to the build when absent (null: online scoring runs on the serving thread). */
  onlineWorkerScript?: string | null;
  /** Seconds between heartbeat comments on an idle event stream (default 15). */
  sseHeartbeatMs?: number;
  /** First retry delay of a failing consumer (doubles per attempt, with jitter). */
  retryBaseMs?: number;
  limits?: Partial<LimitOptions>;
  maxConnections?: number;
  idleSocketMs?: number;
  /** Free bytes of the data directory's file system, and how long a reading is trusted (tests: a full disk). */
  disk?: Pick<DiskGuardOptions, 'freeBytes' | 'cacheMs'>;
  /** Retention batch size and first-pass delay (tests: small batches, no timer pass). */
  retention?: Pick<RetentionOptions, 'batchRows' | 'firstDelayMs'>;
}

export interface Station {
  config: StationConfig;
  log: Logger;
  db: Db;
  dbFile: string;
  backbone: Backbone;
  http: FastifyInstance;
  /** Base URL once started. */
  url: string | undefined;
  /** Domains' inner parts that the shells and tests reach (never the handlers). */
  parts: ReturnType<typeof setupDomains>['parts'];
  start(): Promise<string>;
  /** Starts background work without listening (CLI, desktop without an HTTP port). */
  open(): Promise<void>;
  stop(): Promise<void>;
  /** Calls an operation in-process (IPC, CLI), with the rules HTTP callers get. */
  invoke(name: OperationName, input: unknown, principal: Principal | null, extra?: Partial<HandlerContext>): Promise<unknown>;
  /** A one-time sign-in token for the web console; `onNext` hears of the one minted after each use. */
  signInToken(onNext: (token: string) => void): Promise<string>;
}

/** Every migration of every part, in one numbered sequence. */
export const MIGRATIONS = sequence([initial], modelsMigrations, backboneMigrations, sensorsMigrations, auditMigrations, authMigrations, readingsMigrations, [idempotencyBounds]);

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

function setupPlatform(config: StationConfig, opts: StationOptions) {
  const log = opts.log ?? createLogger({ level: config.logLevel });
  const clock = opts.now ?? systemClock;
  const dbFile = dbFileIn(config.dataDir);
  const db = openDatabase(dbFile, { synchronous: config.dbSynchronous, migrations: MIGRATIONS, onWarning: (m) => log.warn(m) });
  // Migrations ran under the configured mode. From here on a full-durability station commits with
  // synchronous=NORMAL and the write queue fsyncs the WAL off the serving thread before acknowledging.
  const walSynced = config.dbSynchronous === 'full' ? walSync(dbFile) : undefined;
  if (walSynced) db.pragma('synchronous = NORMAL');
  // Checkpoints run on a worker thread, told of every commit as its fsync starts (wal-checkpointer.ts).
  const checkpointer = walSynced ? startWalCheckpointer(db, dbFile, log.child({ sub: 'db' })) : undefined;
  const commitSync: CommitSync | undefined = walSynced && checkpointer ? {
    sync: () => { checkpointer.noteCommit(); return walSynced.sync(); },
    syncNow: () => { checkpointer.noteCommit(); walSynced.syncNow(); },
    close: () => walSynced.close(),
  } : walSynced;
  const metrics = new StationMetrics(dbFile);
  const disk = createDiskGuard({ dir: config.dataDir, floorMb: config.diskFloorMb, ...opts.disk });
  return { log, clock, db, dbFile, metrics, disk, commitSync, checkpointer };
}

function setupDomains(platform: ReturnType<typeof setupPlatform>, backbone: Backbone, config: StationConfig, opts: StationOptions, station: () => string) {
  const { db, clock, log, metrics, dbFile, disk } = platform;
  const requireFreeDisk = (refused?: string) => disk.requireFreeDisk(refused);
  const writer = backbone.writer;
  const audit = createAuditDomain(db);
  const auth = createAuthDomain({ db, writer, clock, log, audit: audit.log, bootstrapKey: config.bootstrapKey, station });
  const sensors = createSensorsDomain({ db, writer, audit: audit.log });
  const readings = createReadingsDomain({ db, writer, clock, metrics, sensors: sensors.api, requireFreeDisk });
  const imports = createImportsDomain({ db, writer, clock, metrics, log, readings: readings.api, requireFreeDisk });
  const retention = createRetention(
    { db, writer, clock, log, metrics, sensors: sensors.api },
    { globalDays: config.rawRetentionDays ?? null, intervalMs: config.retentionIntervalS * 1000, ...opts.retention },
  );
  const models = createModelsDomain({
    db, writer, clock, log, audit: audit.log, sensors: sensors.api, readings: readings.api, disabled: config.disableModelLoading,
    ...(opts.mlWorkerScript !== undefined ? { workerScript: opts.mlWorkerScript } : {}),
    ...(opts.onlineWorkerScript !== undefined ? { onlineWorkerScript: opts.onlineWorkerScript } : {}),
  });
  const events = createEventsDomain({ backbone, audit: audit.log, heartbeatMs: opts.sseHeartbeatMs ?? 15_000 });
  const system = createSystemDomain({
    db, dbFile, clock, version: VERSION, sensors: sensors.api, disk, synchronous: config.dbSynchronous,
    rawRetentionDays: config.rawRetentionDays ?? null, oldestRawTimestamp: retention.oldestRawTimestamp,
  });
  const modules: DomainModule[] = [system, auth.module, audit.module, sensors.module, readings.module, imports, models.module, events] as unknown as DomainModule[];
  return { modules, handlers: combineHandlers(modules), auth, parts: { sensors: sensors.api, readings: readings.api, models: models.ctx, auth, retention, disk } };
}

/** One handler per operation, from every domain; a missing or doubled one stops the start. */
function combineHandlers(modules: readonly DomainModule[]): Handlers {
  const out: Record<string, unknown> = {};
  for (const m of modules) {
    const names = new Set(m.contract.operations.map((o) => o.name));
    for (const [name, h] of Object.entries(m.handlers)) {
      if (!names.has(name)) throw new Error(`domain ${m.contract.domain} has a handler for '${name}', which is not in its contract`);
      if (out[name]) throw new Error(`operation '${name}' has two handlers`);
      out[name] = h;
    }
    for (const name of names) if (!out[name]) throw new Error(`operation '${name}' of domain ${m.contract.domain} has no handler`);
  }
  return out as Handlers;
}

/** Composition root of a station: storage, backbone, domains, and the HTTP server. */
export async function createStation(config: StationConfig, opts: StationOptions = {}): Promise<Station> {
  const platform = setupPlatform(config, opts);
  const { log, db, metrics } = platform;
  const backbone = createBackbone(db, platform.clock, log, metrics, {
    maxAttempts: config.eventMaxAttempts,
    baseDelayMs: opts.retryBaseMs ?? 250,
    maxDelayMs: 60_000,
    batch: 200,
  }, { ...(platform.commitSync ? { commitSync: platform.commitSync } : {}), validateEvents: opts.validateOutput ?? false });
  let listeningOn: string | undefined;
  const domains = setupDomains(platform, backbone, config, opts, () => listeningOn ?? `${config.host}:${config.port}`);
  for (const m of domains.modules) for (const c of m.consumers ?? []) backbone.dispatcher.register(c);
  const idempotency = new IdempotencyStore(db);
  const { app: http } = await buildServer(
    { config, log, metrics, handlers: domains.handlers, authenticator: domains.auth.authenticator, idempotency, writer: backbone.writer, version: VERSION },
    { ...(opts.rendererDir ? { rendererDir: opts.rendererDir } : {}), validateOutput: opts.validateOutput ?? false, ...(opts.limits ? { limits: opts.limits } : {}), ...(opts.maxConnections ? { maxConnections: opts.maxConnections } : {}), ...(opts.idleSocketMs ? { idleSocketMs: opts.idleSocketMs } : {}) },
  );
  let housekeeping: NodeJS.Timeout | undefined;
  let opened = false;
  let unlock: (() => void) | undefined;
  let stopped = false;

  const station: Station = {
    config, log, db, dbFile: platform.dbFile, backbone, http, url: undefined, parts: domains.parts,

    async open() {
      if (opened) return;
      unlock = lockDataDir(config.dataDir);
      opened = true;
      for (const m of domains.modules) await m.start?.();
      backbone.dispatcher.start();
      const purge = () => backbone.writer.write((tx) => idempotency.purge(tx)).catch((err: unknown) => log.warn({ err }, 'could not purge old idempotency records'));
      void purge();
      housekeeping = setInterval(() => void purge(), 3600_000).unref();
      domains.parts.retention.start();
    },

    async start() {
      await station.open();
      if (!isLoopback(config.host) && !config.tls) {
        log.warn({ host: config.host }, 'binding beyond this machine without TLS: API keys and readings cross the network in clear text; set --tls-cert and --tls-key');
      }
      await http.listen({ host: config.host, port: config.port });
      const addr = http.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      station.url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;
      listeningOn = `${host}:${port}`;
      return station.url;
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      if (housekeeping) clearInterval(housekeeping);
      await domains.parts.retention.stop();
      backbone.hub.close();
      await http.close();
      await backbone.dispatcher.stop();
      for (const m of [...domains.modules].reverse()) await m.stop?.();
      backbone.writer.close();
      await platform.checkpointer?.close();
      db.close();
      unlock?.();
    },

    invoke(name, input, principal, extra = {}) {
      const ctx: HandlerContext = { principal, correlationId: randomUUID(), log, ...extra };
      return invokeOperation(domains.handlers, name, input, ctx, { validateOutput: opts.validateOutput ?? false });
    },

    signInToken(onNext) {
      return domains.auth.signInLinks(onNext);
    },
  };
  return station;
}

import { join } from 'node:path';
import type { StationConfig } from './config';
import type { Logger } from './log';
import { openDatabase, type Db } from './db/open';
import { ApiKeysRepo } from './db/api-keys-repo';
import { AuditRepo } from './db/audit-repo';
import { IdempotencyRepo } from './db/idempotency-repo';
import { ImportsRepo } from './db/imports-repo';
import { ReadingsRepo } from './db/readings-repo';
import { SensorsRepo } from './db/sensors-repo';
import { WriteQueue } from './db/write-queue';
import { StationMetrics } from './metrics';
import { SignInTokens } from './auth/sign-in-tokens';
import { VERSION } from './version';
import { EventsRepo } from './db/events-repo';
import { ModelRegistry } from './ml/registry';
import { TrainingJobs } from './ml/jobs/training-jobs';
import { ModelCache } from './ml/service/model-cache';
import type { MlContext } from './ml/service/ml-context';
import { OnlineScoring } from './ml/service/online';

/** Everything a handler may use. Built once per station by the composition root. */
export interface Services {
  config: StationConfig;
  log: Logger;
  db: Db;
  dbFile: string;
  queue: WriteQueue;
  sensors: SensorsRepo;
  readings: ReadingsRepo;
  keys: ApiKeysRepo;
  audit: AuditRepo;
  idempotency: IdempotencyRepo;
  imports: ImportsRepo;
  metrics: StationMetrics;
  signInTokens: SignInTokens;
  events: EventsRepo;
  /** Models: registry, training jobs, loaded models. */
  ml: MlContext;
  now: () => number;
  /** host:port the HTTP API is bound to, once listening (the configured port may be 0). */
  listeningOn?: string;
  version: string;
  startedAt: number;
}

export const DB_FILE_NAME = 'station.db';

export function createServices(config: StationConfig, log: Logger, now: () => number = Date.now): Services {
  const dbFile = join(config.dataDir, DB_FILE_NAME);
  const db = openDatabase(dbFile, { synchronous: config.dbSynchronous });
  const metrics = new StationMetrics(dbFile);
  const dbLog = log.child({ sub: 'db' });
  const queue = new WriteQueue(db, ({ jobs, ms }) => {
    metrics.commitDuration.observe(ms / 1000);
    metrics.commitJobs.observe(jobs);
    if (ms > 250) dbLog.warn({ jobs, ms: Math.round(ms) }, 'slow commit');
  });
  const sensors = new SensorsRepo(db);
  const events = new EventsRepo(db);
  const ml: MlContext = {
    db,
    sensors,
    registry: new ModelRegistry(db, now),
    events,
    jobs: new TrainingJobs(log.child({ sub: 'ml' }), now),
    cache: new ModelCache(),
    log: log.child({ sub: 'ml' }),
    now,
    disabled: config.disableModelLoading,
  };
  ml.online = new OnlineScoring(ml);
  return {
    config,
    log,
    db,
    dbFile,
    queue,
    sensors,
    readings: new ReadingsRepo(db),
    keys: new ApiKeysRepo(db),
    audit: new AuditRepo(db),
    idempotency: new IdempotencyRepo(db),
    imports: new ImportsRepo(db),
    metrics,
    signInTokens: new SignInTokens(),
    events,
    ml,
    now,
    version: VERSION,
    startedAt: now(),
  };
}
